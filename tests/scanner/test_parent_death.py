"""The scan process never outlives the kiosk: a real parent starts it, the parent is SIGKILLed."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import wait_until

from .conftest import sane_env

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for the kiosk: starts the scan process, gets it into a slow feeder scan (or leaves
# it idle), prints its pid and waits to be killed.
PARENT = textwrap.dedent("""
    import signal, sys
    from kiosk_app.scanner.process import ScanProcess, ScanProgress, DevicesFound
    from kiosk_app.scanner.protocol import ScanRequest
    from tests.scanner.conftest import collect, sane_env
    from tests.scanner.test_scan_process import SLOW

    state, death_signal = sys.argv[1], sys.argv[2] == "1"
    proc = ScanProcess(env=sane_env(), parent_death_signal=death_signal, hang_timeout=600)
    proc.list_devices()
    collect(proc, lambda e: isinstance(e, DevicesFound))
    if state == "scanning":
        proc.scan(ScanRequest("test:0", feeder=True, dpi=75, extra_options=SLOW), sys.argv[3])
        collect(proc, lambda e: isinstance(e, ScanProgress))
    print(proc.pid, flush=True)
    signal.pause()
""")

# Generous for a busy two-core machine; the scan process used to live on for seconds, or for
# ever when stopped.
GONE_WITHIN_S = 3.0


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # dead, waiting for init to reap it


@pytest.mark.parametrize("state, death_signal, stop_child", [
    ("scanning", True, False),
    ("scanning", False, False),  # the pipe watch alone (what other systems rely on)
    ("idle", False, False),
    ("scanning", True, True),  # a stopped, wedged driver: only the kernel can end it
])
def test_scan_process_ends_quietly_when_the_kiosk_is_killed(tmp_path, state, death_signal,
                                                            stop_child):
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as err:
        parent = subprocess.Popen(
            [sys.executable, "-c", PARENT, state, "1" if death_signal else "0", str(tmp_path)],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), **sane_env()),
            stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        child = int(parent.stdout.readline())
        if stop_child:
            os.kill(child, signal.SIGSTOP)
        parent.kill()
        parent.wait()
        wait_until(lambda: _gone(child), timeout=GONE_WITHIN_S, what="the scan process to end")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    text = stderr.read_text(errors="replace")
    assert "Traceback" not in text and "Error" not in text, text
