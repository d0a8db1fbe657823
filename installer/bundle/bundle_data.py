"""Which data files go into the bundle: whole folders of the checkout, a missing one skipped."""

from __future__ import annotations

import os
from pathlib import Path

# (folder in the checkout, folder in the bundle). Python files are left to PyInstaller's analysis.
DATA_DIRS = [
    ("config", "config"),  # default.toml, and config/sane/ (the SANE test scanner's settings)
    ("videos", "videos"),  # the guide videos and their manifest
    ("kiosk_app/resources", "kiosk_app/resources"),  # fonts, icons
    ("kiosk_app/practice", "kiosk_app/practice"),  # the practice portal's static pages
]
SKIP_SUFFIXES = {".py", ".pyc", ".pyo"}
# Working folders of the video build and caches: never part of a kiosk.
SKIP_DIRS = {"__pycache__", ".cache", "build", "sources"}


def data_files(root: Path, data_dirs=DATA_DIRS, report=print) -> list[tuple[str, str]]:
    """(file, folder in the bundle) pairs, as PyInstaller's Analysis(datas=...) takes them."""
    found = []
    for src, dest in data_dirs:
        base = root / src
        if not base.is_dir():
            report(f"bundle: {src}/ does not exist, skipped")
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel = Path(dirpath).relative_to(base)
            for name in sorted(filenames):
                if Path(name).suffix not in SKIP_SUFFIXES:
                    found.append((str(Path(dirpath) / name), str(Path(dest) / rel)))
    return found


def is_system_media_library(name: str) -> bool:
    """libvlc and libvlccore (Linux .so, Windows .dll): taken from the machine's VLC, never bundled."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()  # a Windows path, even on Linux
    return base.startswith(("libvlc.", "libvlccore."))
