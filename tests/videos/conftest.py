"""Fixtures of the guide tests: generated media, a private library copy, an Xvfb display."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal, SignalInstance
from video_media import MANIFEST, SRT, make_pattern


def keep_true_alive_across_emit() -> bool:
    """Patch SignalInstance.emit when it drops a reference to True (PySide6 6.12.0, Python < 3.12).

    Without it the process aborts with "bool_dealloc" after enough emits.
    """
    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    probe.fired.emit()
    if sys.getrefcount(True) >= before:
        return False
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # the probe's own loss
    original = SignalInstance.emit

    def emit(self, *args):
        result = original(self, *args)
        if result is True:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
        return result

    SignalInstance.emit = emit
    return True


keep_true_alive_across_emit()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    if not shutil.which("ffmpeg"):
        pytest.fail("ffmpeg is needed to make the test media")
    d = tmp_path_factory.mktemp("guides")
    make_pattern(d / "pattern.mp4")
    make_pattern(d / "silent.mp4", audio=False)
    (d / "pattern.srt").write_text(SRT, encoding="utf-8")
    (d / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (d / "corrupt.mp4").write_bytes(bytes(range(256)) * 64)
    return d


@pytest.fixture
def library_dir(media_dir, tmp_path) -> Path:
    """A private copy of the test library, free to break."""
    d = tmp_path / "lib"
    shutil.copytree(media_dir, d)
    return d


@pytest.fixture(scope="session")
def x_display():
    """A private Xvfb display for tests that must see real pixels."""
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is needed for the video screenshot tests")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)
