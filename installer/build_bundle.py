#!/usr/bin/env python3
"""Build the one-folder kiosk bundle with PyInstaller: `python installer/build_bundle.py`.

Needs the `bundle` extra (`pip install -e '.[bundle]'`). Writes dist/kiosk/ (kiosk, kiosk-admin,
_internal/) and prints how long the build took and how large the folder is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "bundle" / "kiosk.spec"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path, quiet: bool = True) -> dict:
    started = time.monotonic()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    if quiet:
        cmd[3:3] = ["--log-level", "WARN"]
    subprocess.run(cmd, cwd=ROOT, check=True)
    bundle = dist / "kiosk"
    if os.name == "posix":
        # `kiosk-admin` is the same program started under another name (see kiosk_entry.py).
        admin = bundle / "kiosk-admin"
        if admin.is_symlink() or admin.exists():
            admin.unlink()
        admin.symlink_to("kiosk")
    from kiosk_app import __version__

    info = {"version": __version__, "build_s": round(time.monotonic() - started, 1),
            "size_bytes": folder_size(bundle), "python": sys.version.split()[0],
            "platform": sys.platform}
    (bundle / "BUNDLE-INFO.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where dist/kiosk/ is written")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                   help="PyInstaller's working folder")
    p.add_argument("--verbose", action="store_true", help="PyInstaller's full output")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    info = build(args.dist.resolve(), args.work.resolve(), quiet=not args.verbose)
    print(f"Bundle {args.dist / 'kiosk'}: {info['size_bytes'] / 1e6:.0f} MB, built in {info['build_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
