"""Start-up: process start → `app.ready`, beside a bare PySide6 window showing one label.

    .venv/bin/python bench/bench_startup.py [--runs 7]

Runs both alternately in the same session (the machine is noisy: compare the ratio, not the
times) and prints medians. Offscreen unless DISPLAY is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("Chạm vào màn hình để bắt đầu")
label.resize(1366, 768)
label.show()
QTimer.singleShot(0, lambda: (print('{"event": "app.ready"}', flush=True), app.quit()))
app.exec()
"""


def time_until_ready(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT, text=True)
    try:
        for line in proc.stdout:
            if '"app.ready"' in line:
                return time.perf_counter() - start
        raise RuntimeError(f"{cmd[:3]} ended without app.ready")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    bare_cmd = [sys.executable, "-c", BARE]
    with tempfile.TemporaryDirectory() as data:
        kiosk_cmd = [sys.executable, "-m", "kiosk_app", "--data-dir", data, "--log-json", "-"]
        time_until_ready(kiosk_cmd, env)  # warm the file cache and create the database once
        bare, kiosk = [], []
        for _ in range(args.runs):
            bare.append(time_until_ready(bare_cmd, env))
            kiosk.append(time_until_ready(kiosk_cmd, env))
    b, k = statistics.median(bare), statistics.median(kiosk)
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'xcb')}, runs: {args.runs}")
    print(f"bare PySide6 window with one label: median {b * 1000:.0f} ms")
    print(f"kiosk to app.ready:                 median {k * 1000:.0f} ms")
    print(f"ratio kiosk / bare: {k / b:.2f}x")


if __name__ == "__main__":
    main()
