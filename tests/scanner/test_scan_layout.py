"""Every step of the scan screen at 1366×768 and 1920×1080 on Xvfb (xcb): screenshots to look
through, and the checks of scan_flow_shots (targets ≥ 15 mm, text ≥ 18 px, nothing cut)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SANE_DIR

ROOT = Path(__file__).resolve().parents[2]


# The session's X servers (tests/conftest.py), one per counter screen size.
DISPLAYS = {"1366x768": "xvfb_display", "1920x1080": "xvfb_display_1080"}


@pytest.mark.parametrize("size", list(DISPLAYS))
def test_every_step_fits_the_screen_with_big_targets(size, request, tmp_path):
    display = request.getfixturevalue(DISPLAYS[size])
    # KIOSK_SCREENSHOTS=DIR keeps the screenshots where a person can look through them.
    out = Path(os.environ.get("KIOSK_SCREENSHOTS", tmp_path)) / f"scan-{size}"
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT),
               SANE_CONFIG_DIR=str(SANE_DIR))
    done = subprocess.run([sys.executable, "-m", "tests.scanner.scan_flow_shots", str(out), str(tmp_path / "work")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert len(list(out.glob("*.png"))) == 11
