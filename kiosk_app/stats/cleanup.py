"""At the kiosk's start: remove the temporary files of exports that were killed half-way."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk_app.logs import log_event

log = logging.getLogger("kiosk.stats")


def remove_export_leftovers(data_dir: Path, usb_roots: list[str]) -> list[Path]:
    """The data folder and each mounted USB stick (where the statistics screen exports)."""
    from kiosk_app.stats.export import remove_stale_parts
    from kiosk_app.stats.service import usb_folders

    removed: list[Path] = []
    for folder in [Path(data_dir), *usb_folders(usb_roots)]:
        removed += remove_stale_parts(folder)
    if removed:
        log_event(log, "export.leftovers_removed", files=len(removed))
    return removed
