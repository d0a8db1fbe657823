"""The scan's cancel flag never makes the kiosk wait for the scan process.

A multiprocessing.Event guards its flag with a lock the scan process takes at every look; a scan
process stopped or killed while holding it (a hung driver, a crash) left the kiosk's "Dừng"
waiting for that lock forever, with the screen frozen.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from kiosk_app.scanner.worker import CancelFlag
from tests.conftest import wait_until


def _look_forever(flag, ready) -> None:
    """The scan process's side: look at the flag again and again, as a scan does between lines."""
    ready.send("looking")
    while True:
        flag.is_set()


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


@pytest.mark.parametrize("stops", range(5))
def test_the_flag_is_set_and_cleared_while_the_scan_process_is_stopped_looking_at_it(stops):
    ctx = multiprocessing.get_context("spawn")
    flag = CancelFlag(ctx)
    ready, child_end = ctx.Pipe()
    child = ctx.Process(target=_look_forever, args=(flag, child_end), daemon=True)
    child.start()
    try:
        assert ready.recv() == "looking"
        os.kill(child.pid, signal.SIGSTOP)  # wherever it is in its look, as a hung driver would be
        wait_until(lambda: _state(child.pid) == "T", timeout=10, what="the scan process stopped")
        done = threading.Event()

        def press_stop():
            flag.set()
            flag.clear()
            flag.set()
            done.set()

        threading.Thread(target=press_stop, daemon=True).start()
        assert done.wait(10), "the kiosk waited for the stopped scan process"
        assert flag.is_set()
    finally:
        child.kill()
        child.join(10)
