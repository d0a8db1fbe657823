"""The guide library's part of `kiosk-admin check`."""

from __future__ import annotations

from pathlib import Path

from kiosk_app.paths import VIDEOS_DIR
from kiosk_app.videos.library import MANIFEST_NAME, check_library, load_library


def manifest_path(setting: str) -> Path:
    """The manifest the kiosk uses: the configured one, or the bundled guides when empty."""
    return Path(setting).expanduser() if setting.strip() else VIDEOS_DIR / MANIFEST_NAME


def check_guides(manifest_setting: str) -> tuple[bool, str]:
    """Check every guide's manifest entry and media: (all well?, what was found)."""
    from kiosk_app.videos.media_probe import MediaProbe

    manifest = manifest_path(manifest_setting)
    probe = MediaProbe()
    available = probe.available
    try:
        problems = check_library(manifest, probe=probe if available else None)
    finally:
        probe.close()
    if not available:
        problems.insert(0, "libvlc is not installed: no guide video can be played")
    if problems:
        return False, "\n".join(problems)
    library = load_library(manifest)
    steps = sum(len(g.steps) for g in library.guides)
    return True, f"{manifest}: {len(library.guides)} guides, {steps} steps"
