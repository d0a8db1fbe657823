"""The kiosk as a subprocess: the scan screen finds the test scanner through config/sane,
and a touch on the screen scans a page that shows in the preview."""

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import wait_until

SCAN_ON_GLASS = (196, 592)  # "Quét trên mặt kính" at 1366×768
PREVIEW = (683, 320)


def _screenshot(display: str, path: Path) -> Image.Image:
    subprocess.run(["import", "-window", "root", str(path)], env=dict(os.environ, DISPLAY=display),
                   check=True)
    return Image.open(path).convert("RGB")


@pytest.mark.e2e
def test_demo_kiosk_scans_with_the_test_scanner(start_kiosk, xvfb_display, tmp_path):
    own = tmp_path / "kiosk.toml"
    own.write_text("[scanner]\ntest_scanner_fallback = true\n", encoding="utf-8")
    # With the system's SANE config no real scanner is found here (and a virtual one is never
    # picked on its own): the fallback restarts the scan process on the project's config/sane.
    kiosk = start_kiosk("--temp-data-dir", "--windowed", "--config", str(own), "--start-screen", "scan",
                        display=xvfb_display)
    kiosk.wait_event("ui.screen", screen="scan")
    found = kiosk.wait_event("scan.devices", chosen=True)
    assert found["virtual"] is True
    empty = wait_until(lambda: _screenshot(xvfb_display, tmp_path / "before.png"), what="screen")
    assert empty.getpixel(PREVIEW) == (255, 255, 255)  # no page yet: white preview
    subprocess.run(["xdotool", "mousemove", *map(str, SCAN_ON_GLASS), "click", "1"],
                   env=dict(os.environ, DISPLAY=xvfb_display), check=True)
    scanned = kiosk.wait_event("scan.pages", pages=1)
    assert scanned["preset"] == "id_card" and scanned["source"] == "flatbed"
    wait_until(lambda: _screenshot(xvfb_display, tmp_path / "after.png").getpixel(PREVIEW)
               != (255, 255, 255), what="the page in the preview")
    assert kiosk.stop() == 0
