"""Every screen, fullscreen at 1366x768 and 1920x1080 on Xvfb: the window is the screen, nothing
reaches past it or covers its neighbour, every text fits, touch targets are >= 15 mm and text is
>= 18 px. Screenshots of every screen go to build/screens/<size>/ (`make screens`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.layout.checks import (contrast_problems, font_problems, outside_problems, overlap_problems, screen_problems, scroll_problems,
                                 target_problems, text_problems, window_problems)
from tests.layout.probe import SCENARIOS, SURVEY_URL

SCREENS_DIR = ROOT / "build" / "screens"
SIZES = ("1366x768", "1920x1080")

@pytest.fixture(scope="module")
def reports(request, tmp_path_factory) -> dict[str, dict]:
    """The probe run once per screen size, each on its own Xvfb."""
    displays = {"1366x768": request.getfixturevalue("xvfb_display"),
                "1920x1080": request.getfixturevalue("xvfb_display_1080")}
    out = {}
    for size, display in displays.items():
        data = tmp_path_factory.mktemp(f"layout-{size}")
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
        done = subprocess.run([sys.executable, "-m", "tests.layout.probe", str(SCREENS_DIR), str(data)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        facts = SCREENS_DIR / size / "facts.json"
        assert done.returncode == 0 and facts.exists(), done.stderr[-3000:]
        out[size] = json.loads(facts.read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("size", SIZES)
def test_screen_layout(reports, size, name):
    report = reports[size]
    assert name not in report["errors"], f"could not open {name}: {report['errors'].get(name)}"
    assert (SCREENS_DIR / size / f"{name}.png").exists()
    problems = {k: v for k, v in screen_problems(report, name).items() if v}
    assert not problems, "\n".join(f"{k}: {p}" for k, ps in problems.items() for p in ps)


@pytest.mark.parametrize("name", ["satisfaction", "satisfaction_thanks"])
@pytest.mark.parametrize("size", SIZES)
def test_a_phone_reads_the_survey_qr_code_off_the_screen(reports, size, name):
    """zbar (as a phone's camera app would) finds the survey's address in the screenshot."""
    shot = SCREENS_DIR / size / f"{name}.png"
    found = subprocess.run(["zbarimg", "--quiet", "--raw", str(shot)], capture_output=True, text=True, timeout=60)
    assert found.stdout.split() == [SURVEY_URL]


# ---------------------------------------------------------------- the checks themselves


def w(id, rect, parent=0, managed=True, scrolled=False, **more):
    return {"id": id, "cls": "QLabel", "name": "", "rect": rect, "parent": parent, "managed": managed,
            "scrolled": scrolled, "elide": False, **more}


def test_the_checks_catch_what_the_eye_would():
    window = [0, 0, 1366, 768]
    root = w(0, window, parent=None, managed=False)
    assert window_problems([0, 0, 1366, 768], [0, 0, 1374, 768])  # the keyboard's 8 px too wide
    assert outside_problems(window, [root, w(1, [0, 700, 200, 100])])  # cut by the bottom edge
    assert not outside_problems(window, [root, w(1, [0, 700, 200, 100], scrolled=True)])
    assert overlap_problems([root, w(1, [0, 0, 100, 50]), w(2, [0, 40, 100, 50])])  # digits under letters
    assert not overlap_problems([root, w(1, [0, 0, 100, 50]), w(2, [0, 50, 100, 50])])
    assert not overlap_problems([root, w(1, [0, 0, 100, 50]), w(2, [0, 40, 100, 50], managed=False)])
    assert text_problems([w(1, [0, 0, 60, 40], need=[80, 20, 60, 40])])  # "Chữ h"
    assert not text_problems([w(1, [0, 0, 60, 40], need=[80, 20, 60, 40], elide=True)])
    assert text_problems([w(1, [0, 0, 60, 40], sections=[{"text": "Số phiên", "width": 40, "need": 90,
                                                          "font_px": 18}])])
    wrapped = {"text": "Số phiên\n(không tính\nluyện tập)", "width": 120, "need": 110, "font_px": 18}
    assert not text_problems([w(1, [0, 0, 60, 90], sections=[dict(wrapped, height=90, need_h=84)])])
    assert text_problems([w(1, [0, 0, 60, 40], sections=[dict(wrapped, height=40, need_h=84)])])  # lines cut
    assert target_problems([w(1, [0, 0, 40, 32], target=32)], 57)  # the stats tabs
    assert target_problems([w(1, [0, 0, 40, 32], tabs=[{"text": "Tổng quan", "width": 120, "height": 32,
                                                        "need": 90, "font_px": 18}])], 57)
    assert contrast_problems([w(1, [0, 0, 40, 32], contrast=1.0)])  # white on white
    assert not contrast_problems([w(1, [0, 0, 40, 32], contrast=7.5)])
    assert scroll_problems([w(1, [0, 0, 40, 32], overflow=30)])  # the filing guide below the fold
    assert font_problems([w(1, [0, 0, 40, 32], font_px=13)], 18)
    assert not font_problems([w(1, [0, 0, 40, 32], font_px=13, covered=True)], 18)  # behind an overlay
    assert not font_problems([w(1, [0, 0, 40, 32], font_px=18)], 18)
