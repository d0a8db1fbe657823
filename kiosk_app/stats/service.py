"""What the staff screens and the command line ask of the statistics: figures and exports."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from kiosk_app.stats import figures
from kiosk_app.stats.export import FORMATS, ExportError, Labels, write_csv, write_xlsx
from kiosk_app.stats.figures import DateRange, Summary
from kiosk_app.storage.database import open_read_only
from kiosk_app.storage.session_store import SessionStore
from kiosk_app.storage.staff_store import StaffStore

EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "pdf": ".pdf"}


def export_to(fmt: str, conn: sqlite3.Connection, rng: DateRange, labels: Labels, target: Path,
              offset_hours: int) -> list[Path]:
    if fmt not in FORMATS:
        raise ExportError("failed", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    target = Path(target)
    try:
        if fmt == "csv":
            return write_csv(conn, rng, labels, target, offset_hours)
        if fmt == "xlsx":
            return write_xlsx(conn, rng, labels, target, offset_hours)
        from PySide6.QtGui import QGuiApplication

        from kiosk_app.stats.report_pdf import write_pdf

        _app = QGuiApplication.instance() or QGuiApplication([])  # fonts and painting need one
        return write_pdf(figures.summary(conn, rng, offset_hours), labels, target)
    except sqlite3.Error as exc:
        raise ExportError("database", f"cannot read the sessions: {exc}") from exc


def guide_titles(config) -> dict[str, str]:
    """Guide id -> title from the guide manifest (empty when it cannot be read: ids are shown)."""
    from kiosk_app.videos.checks import manifest_path
    from kiosk_app.videos.library import ManifestError, load_library

    try:
        library = load_library(manifest_path(config.videos.manifest))
    except ManifestError:
        return {}
    return {g.id: g.title for g in library.guides}


def export_file_name(fmt: str, rng: DateRange, kiosk_id: str) -> str:
    return f"thong-ke-{kiosk_id}-{rng.start:%Y%m%d}-{rng.end:%Y%m%d}{EXTENSIONS[fmt]}"


class StatsService:
    """Figures for the screens; built once in app.py with the store and the config."""

    def __init__(self, store: SessionStore, config, db_file: Path | None = None):
        self._store = store
        self._config = config
        self._staff = StaffStore(store)
        self._db_file = db_file  # for exports made on a worker thread, with their own connection

    @property
    def offset_hours(self) -> int:
        return self._config.reports.utc_offset_hours

    def labels(self) -> Labels:
        cfg = self._config
        return Labels({p.code: p.name for p in cfg.guided.procedures},
                      {a.id: a.name for a in self._staff.accounts(include_removed=True)},
                      cfg.kiosk.commune, cfg.kiosk.id, guide_titles(cfg))

    def _conn(self) -> sqlite3.Connection:
        db = self._store.database
        if db is None:
            raise ExportError("database", "the database is not available")
        return db.conn

    def summary(self, rng: DateRange) -> Summary:
        try:
            return figures.summary(self._conn(), rng, self.offset_hours)
        except sqlite3.Error as exc:
            raise ExportError("database", f"cannot read the sessions: {exc}") from exc

    def summary_in_background(self, rng: DateRange, done) -> threading.Thread | None:
        """Compute the figures on a thread with its own read-only connection, so the screen stays
        alive (a province-year takes seconds); `done(summary, error)` is called on that thread.
        Without a database file (tests of one piece), computes here and returns None."""
        if self._db_file is None:
            try:
                done(self.summary(rng), None)
            except ExportError as exc:
                done(None, exc)
            return None

        def work() -> None:
            try:
                conn = open_read_only(self._db_file)
            except (sqlite3.Error, OSError) as exc:
                return done(None, ExportError("database", str(exc)))
            try:
                done(figures.summary(conn, rng, self.offset_hours), None)
            except sqlite3.Error as exc:
                done(None, ExportError("database", f"cannot read the sessions: {exc}"))
            finally:
                conn.close()

        thread = threading.Thread(target=work, name="kiosk-figures", daemon=True)
        thread.start()
        return thread

    def export(self, fmt: str, rng: DateRange, folder: Path) -> list[Path]:
        target = Path(folder) / export_file_name(fmt, rng, self._config.kiosk.id)
        return export_to(fmt, self._conn(), rng, self.labels(), target, self.offset_hours)

    def can_export_in_background(self, fmt: str) -> bool:
        # CSV and XLSX of a large log take seconds to a minute; the PDF paints with Qt (main thread).
        return fmt in ("csv", "xlsx") and self._db_file is not None

    def export_in_background(self, fmt: str, rng: DateRange, folder: Path, done) -> threading.Thread:
        """Run the export on a thread with its own read-only connection; `done(paths, error)` is
        called on that thread (connect it to a Qt signal to come back to the screen)."""
        labels = self.labels()
        target = Path(folder) / export_file_name(fmt, rng, self._config.kiosk.id)

        def work() -> None:
            try:
                conn = open_read_only(self._db_file)
            except (sqlite3.Error, OSError) as exc:
                return done([], ExportError("database", str(exc)))
            try:
                done(export_to(fmt, conn, rng, labels, target, self.offset_hours), None)
            except ExportError as exc:
                done([], exc)
            finally:
                conn.close()

        thread = threading.Thread(target=work, name="kiosk-export", daemon=True)
        thread.start()
        return thread


def usb_folders(roots: list[str]) -> list[Path]:
    """Mounted removable drives under the given roots (/media/LABEL, /media/USER/LABEL, ...)."""
    found: list[Path] = []
    for root in map(Path, roots):
        try:
            children = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            if os.path.ismount(child):
                found.append(child)
                continue
            try:
                found += sorted(p for p in child.iterdir() if p.is_dir() and os.path.ismount(p))
            except OSError:
                continue
    return found
