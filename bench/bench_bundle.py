"""The PyInstaller bundle beside the virtual environment: size, and process start → `app.ready`.

    .venv/bin/python bench/bench_bundle.py [--runs 7] [--bundle dist/kiosk]

Builds the bundle (timing the build) unless --bundle names one already built, then starts the
bundled kiosk and `python -m kiosk_app` from the virtual environment alternately in the same
session and prints medians and ratios. Offscreen unless DISPLAY is set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "installer"))
from bench_startup import time_until_ready  # noqa: E402
from build_bundle import folder_size  # noqa: E402


def build(out: Path) -> tuple[Path, float]:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "installer/build_bundle.py"), "--dist", str(out / "dist"),
                    "--work", str(out / "work")], check=True)
    return out / "dist" / "kiosk", time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", type=Path, help="a bundle already built (skips the build)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-bundle-") as tmp:
        tmp = Path(tmp)
        bundle, build_s = (args.bundle, None) if args.bundle else build(tmp)
        venv = Path(sys.prefix)
        bundle_mb, venv_mb = folder_size(bundle) / 1e6, folder_size(venv) / 1e6
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KIOSK_"))}
        if not env.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        venv_env = dict(env, PYTHONPATH=str(ROOT))
        data_b, data_v = tmp / "data-bundle", tmp / "data-venv"
        bundle_cmd = [str(bundle / "kiosk"), "--data-dir", str(data_b), "--log-json", "-"]
        venv_cmd = [sys.executable, "-m", "kiosk_app", "--data-dir", str(data_v), "--log-json", "-"]
        time_until_ready(bundle_cmd, env)  # warm the file cache and create each database once
        time_until_ready(venv_cmd, venv_env)
        from_bundle, from_venv = [], []
        for _ in range(args.runs):
            from_venv.append(time_until_ready(venv_cmd, venv_env))
            from_bundle.append(time_until_ready(bundle_cmd, env))
    b, v = statistics.median(from_bundle), statistics.median(from_venv)
    info = json.loads((bundle / "BUNDLE-INFO.json").read_text()) if (bundle / "BUNDLE-INFO.json").exists() else {}
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'xcb')}, runs: {args.runs}")
    if build_s is not None:
        print(f"bundle build (PyInstaller, clean): {build_s:.0f} s")
    print(f"size: bundle {bundle_mb:.0f} MB, virtual environment {venv_mb:.0f} MB "
          f"(ratio {bundle_mb / venv_mb:.2f}x){'' if not info else ', version ' + info.get('version', '?')}")
    print(f"start to app.ready: bundle median {b * 1000:.0f} ms, venv median {v * 1000:.0f} ms "
          f"(ratio bundle / venv {b / v:.2f}x)")


if __name__ == "__main__":
    main()
