"""How fast the scan process is dealt with when it stalls or when the kiosk dies.

    .venv/bin/python bench/bench_scan_recovery.py [--runs 3]

With the SANE test scanner (config/sane), medians of `--runs`:
- "Dừng" on a scan whose process is stopped (SIGSTOP, a wedged driver), from cancel() to
  ScanFinished: the kiosk as it is (the stall was noticed: killed at once) beside the path taken
  when no stall was noticed (stall_notice longer than the test), which waits cancel_grace (5 s);
  the baseline is "Dừng" on a scan that still moves (the driver looks at the cancel itself);
- a stand-in kiosk SIGKILLed, from the kill to its scan process gone: with the kernel's death
  signal, and with the parent-pipe watch alone (what other systems get); the process mid-scan.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk_app.scanner.process import (  # noqa: E402
    PageScanned,
    ScanFinished,
    ScanProcess,
    ScanStalled,
)
from kiosk_app.scanner.protocol import ScanRequest  # noqa: E402
from tests.scanner.conftest import SLOW_FEEDER, collect, sane_env, scan_ended  # noqa: E402
from tests.scanner.test_parent_death import PARENT, _gone  # noqa: E402


def stop_latency(stalled: bool, notice: float, work: str) -> float:
    proc = ScanProcess(env=sane_env(), hang_timeout=600, stall_notice=notice)
    proc.start()
    try:
        proc.scan(ScanRequest("test:0", feeder=True, dpi=50, color=False, extra_options=SLOW_FEEDER), work)
        collect(proc, lambda e: isinstance(e, PageScanned), timeout=60)
        if stalled:
            os.kill(proc.pid, signal.SIGSTOP)
            if notice < 60:
                collect(proc, lambda e: isinstance(e, ScanStalled))
        start = time.perf_counter()
        proc.cancel()
        ended = None
        while ended is None:  # polled every 10 ms (the kiosk's timer: every 40 ms)
            ended = next((e for e in proc.poll(0.01) if scan_ended(e)), None)
        assert isinstance(ended, ScanFinished) and ended.cancelled, ended
        return time.perf_counter() - start
    finally:
        proc.stop()


def death_latency(death_signal: bool, work: str) -> float:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, "scanning", "1" if death_signal else "0", work],
                              cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), **sane_env()),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    child = int(parent.stdout.readline())
    start = time.perf_counter()
    parent.kill()
    parent.wait()
    while not _gone(child):
        time.sleep(0.001)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as work:
        rows = [
            ("Dừng, scan moving (baseline)", lambda: stop_latency(False, 8.0, work)),
            ("Dừng, process stopped, stall noticed", lambda: stop_latency(True, 1.0, work)),
            ("Dừng, process stopped, no stall noticed", lambda: stop_latency(True, 600.0, work)),
            ("kiosk killed → scan process gone, death signal", lambda: death_latency(True, work)),
            ("kiosk killed → scan process gone, pipe watch only", lambda: death_latency(False, work)),
        ]
        for name, measure in rows:
            times = [measure() for _ in range(runs)]
            print(f"{name}: median {statistics.median(times) * 1000:.0f} ms "
                  f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
