"""Every step of the scan screen at 1366×768 and 1920×1080 on Xvfb (xcb): screenshots to look
through, and the checks of scan_flow_shots (targets ≥ 15 mm, text ≥ 18 px, nothing cut)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SANE_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def x_screen(request):
    """A real X server of the size the test asks for."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{request.param}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    yield f":{number}", request.param
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.e2e
@pytest.mark.parametrize("x_screen", ["1366x768", "1920x1080"], indirect=True)
def test_every_step_fits_the_screen_with_big_targets(x_screen, tmp_path):
    display, size = x_screen
    # KIOSK_SCREENSHOTS=DIR keeps the screenshots where a person can look through them.
    out = Path(os.environ.get("KIOSK_SCREENSHOTS", tmp_path)) / f"scan-{size}"
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT),
               SANE_CONFIG_DIR=str(SANE_DIR))
    done = subprocess.run([sys.executable, "-m", "tests.scanner.scan_flow_shots", str(out), str(tmp_path / "work")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert len(list(out.glob("*.png"))) == 11
