"""What `kiosk-admin check` looks at: config, data dir, database, fonts, admin PIN.

Each check is a function returning a Check; other parts of the kiosk add theirs to CHECKS.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk_app.config import ConfigError, KioskConfig, load_config
from kiosk_app.paths import FONTS_DIR, KioskPaths
from kiosk_app.videos.checks import check_videos


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class CheckContext:
    paths: KioskPaths
    config: KioskConfig | None


def check_data_dir(ctx: CheckContext) -> Check:
    d = ctx.paths.data_dir
    if not d.exists():
        return Check("data dir", True, f"{d} does not exist yet; the kiosk creates it")
    if not os.access(d, os.W_OK):
        return Check("data dir", False, f"{d} is not writable")
    return Check("data dir", True, f"{d} is writable")


def check_database(ctx: CheckContext) -> Check:
    from kiosk_app.storage.migrations import SCHEMA_VERSION

    db = ctx.paths.db_file
    if not db.exists():
        return Check("database", True, f"{db} does not exist yet; the kiosk creates it")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
        try:
            integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            known = 0 < version <= SCHEMA_VERSION  # a newer kiosk's tables may differ
            sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0] if known else 0
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check("database", False, f"{db} cannot be read: {exc}")
    if integrity != "ok":
        return Check("database", False, f"{db} is damaged: {integrity}")
    if version > SCHEMA_VERSION:
        return Check("database", False, f"{db} is from a newer kiosk (schema version {version}; this one knows up "
                                        f"to {SCHEMA_VERSION}): it will not be opened. Install that newer version "
                                        "again, or move the file aside to start a new one")
    note = "" if version == SCHEMA_VERSION else f" (the kiosk migrates it to version {SCHEMA_VERSION})"
    return Check("database", True, f"{db}: schema version {version}{note}, {sessions} sessions")


def check_fonts(ctx: CheckContext) -> Check:
    from PySide6.QtGui import QRawFont
    from PySide6.QtWidgets import QApplication

    from kiosk_app.shell.theme import VIETNAMESE_SAMPLE

    _app = QApplication.instance() or QApplication([])  # QRawFont needs a GUI application
    fonts = sorted(FONTS_DIR.glob("*.ttf"))
    if not fonts:
        return Check("fonts", False, f"no bundled font in {FONTS_DIR}")
    for path in fonts:
        raw = QRawFont(str(path), 16)
        if not raw.isValid():
            return Check("fonts", False, f"{path.name} cannot be loaded")
        missing = [c for c in VIETNAMESE_SAMPLE if not raw.supportsCharacter(ord(c))]
        if missing:
            return Check("fonts", False, f"{path.name} lacks Vietnamese letters: {''.join(missing)}")
    return Check("fonts", True, ", ".join(p.name for p in fonts) + " cover Vietnamese")


def check_admin_pin(ctx: CheckContext) -> Check:
    from kiosk_app.admin.pin import ADMIN_PIN_SETTING

    db = ctx.paths.db_file
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [ADMIN_PIN_SETTING]).fetchone()
            has_staff = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'staff'").fetchone()
            admins = conn.execute("SELECT count(*) FROM staff WHERE active = 1 AND role = 'admin'"
                                  ).fetchone()[0] if has_staff else 0
        finally:
            conn.close()
    except sqlite3.Error:
        row, admins = None, 0
    if admins:
        return Check("admin PIN", True, f"{admins} administrator account(s), PINs stored as salted scrypt hashes")
    if row:
        return Check("admin PIN", True, "set (stored as a salted scrypt hash)")
    return Check("admin PIN", False, "not set: nobody can open the staff menu; run kiosk-admin set-admin-pin")


CHECKS: list[Callable[[CheckContext], Check]] = [check_data_dir, check_database, check_fonts, check_admin_pin]
CHECKS.append(check_videos)


def run_checks(paths: KioskPaths, config_file: Path | None) -> list[Check]:
    report = []
    try:
        config = load_config(config_file)
        report.append(Check("config", True, " + ".join(config.source_files)))
    except ConfigError as exc:
        config = None
        report.append(Check("config", False, str(exc)))
    ctx = CheckContext(paths, config)
    report += [check(ctx) for check in CHECKS]
    return report
