"""Fixtures for scanner tests: the project's SANE config folder and a real scan process."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kiosk_app.scanner.process import ScanFailed, ScanFinished, ScanProcess

SANE_DIR = Path(__file__).resolve().parents[2] / "config" / "sane"


def sane_env() -> dict[str, str]:
    return {"SANE_CONFIG_DIR": str(SANE_DIR)}


def collect(proc: ScanProcess, until, timeout: float = 30.0) -> list:
    """Poll the scan process until `until(event)` is true for an event; return all events."""
    events: list = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in proc.poll(0.2):
            events.append(event)
            if until(event):
                return events
    state = ""
    if proc.pid is not None:
        state = Path(f"/proc/{proc.pid}/status").read_text() if Path(f"/proc/{proc.pid}").exists() else "gone"
        os.kill(proc.pid, signal.SIGUSR1)
        proc._proc.join(1.0)
    raise AssertionError(f"no matching event within {timeout}s; got {events!r}; ready={proc._ready}\n{state}")


# The test scanner in its read-limit mode takes seconds per page, even at 50 dpi: a feeder scan
# that is surely still running after its first page (to stop or kill it there).
SLOW_FEEDER = {"read-limit": True, "read-limit-size": 16384}


def scan_ended(event) -> bool:
    return isinstance(event, (ScanFinished, ScanFailed))


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KB tmpfs: a real full disk (needs root; skipped elsewhere)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + done.stderr.decode(errors="replace"))
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


@pytest.fixture
def scan_process():
    proc = ScanProcess(env=sane_env(), hang_timeout=30.0, start_timeout=60.0)
    proc.start()
    yield proc
    proc.stop()

