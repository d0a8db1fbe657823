"""The kiosk as a subprocess, fullscreen on Xvfb (xcb) at 1366×768: the scan screen finds the test
scanner through config/sane, and touches walk the guided flow from the procedure's papers to a
saved, ticked-off document and on to filing."""

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import wait_until

# Where the flow's buttons are at 1366×768 (checked on screenshots of each step).
PROCEDURE_BIRTH = (400, 289)  # "Đăng ký khai sinh"
PAPER_ID_CARD = (400, 453)  # "☐ CCCD của cha hoặc mẹ"
SCAN = (683, 589)  # "Quét" (an ID card: the glass only)
PREVIEW = (198, 460)
TO_NAME = (198, 711)  # "Tiếp: đặt tên ▶"
SAVE_AS_PAPER = (460, 231)  # "Lưu với tên “CCCD của cha hoặc mẹ”"
TO_FILING = (1082, 711)  # "Sang nộp hồ sơ ▶"


def _screenshot(display: str, path: Path) -> Image.Image:
    subprocess.run(["import", "-window", "root", str(path)], env=dict(os.environ, DISPLAY=display),
                   check=True)
    return Image.open(path).convert("RGB")


def _touch(display: str, where) -> None:
    subprocess.run(["xdotool", "mousemove", *map(str, where), "click", "1"],
                   env=dict(os.environ, DISPLAY=display), check=True)


@pytest.mark.e2e
def test_demo_kiosk_scans_a_procedures_paper_with_the_test_scanner(start_kiosk, xvfb_display, tmp_path):
    own = tmp_path / "kiosk.toml"
    own.write_text("[scanner]\ntest_scanner_fallback = true\n", encoding="utf-8")
    # With the system's SANE config no real scanner is found here (and a virtual one is never
    # picked on its own): the fallback restarts the scan process on the project's config/sane.
    kiosk = start_kiosk("--temp-data-dir", "--config", str(own), "--start-screen", "scan",
                        display=xvfb_display)
    kiosk.wait_event("ui.screen", screen="scan")
    found = kiosk.wait_event("scan.devices", chosen=True)
    assert found["virtual"] is True
    _touch(xvfb_display, PROCEDURE_BIRTH)
    _touch(xvfb_display, PAPER_ID_CARD)
    kiosk.wait_event("ui.scan_step", step="place")
    _touch(xvfb_display, SCAN)
    scanned = kiosk.wait_event("scan.pages", pages=1)
    assert scanned["preset"] == "id_card" and scanned["source"] == "flatbed"
    kiosk.wait_event("ui.scan_step", step="check")
    wait_until(lambda: _screenshot(xvfb_display, tmp_path / "check.png").getpixel(PREVIEW)
               != (255, 255, 255), what="the page in the preview")
    _touch(xvfb_display, TO_NAME)
    kiosk.wait_event("ui.scan_step", step="name")
    _touch(xvfb_display, SAVE_AS_PAPER)
    saved = kiosk.wait_event("scan.document")
    assert saved["pages"] == 1
    kiosk.wait_event("ui.scan_step", step="what")
    _touch(xvfb_display, TO_FILING)
    kiosk.wait_event("ui.screen", screen="portal")
    assert kiosk.stop() == 0
