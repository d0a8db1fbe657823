"""Opening the database: WAL mode, integrity, backups and migrations."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from sqlite_utils import Database

from kiosk_app.logs import log_event
from kiosk_app.storage.migrations import MIGRATIONS

log = logging.getLogger("kiosk.storage")

BUSY_TIMEOUT_MS = 2000


class StorageError(Exception):
    """The database cannot be opened or written."""


class DatabaseRefused(StorageError):
    """A database a command will not read; `code`: missing, damaged, newer, older, unreadable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# The oldest schema the read-only commands understand (v3 brought staff accounts and ratings).
READ_MIN_VERSION = 3


@dataclass
class OpenedDatabase:
    db: Database | None
    problem: str | None = None  # English, for the log and the staff screen
    moved_aside: Path | None = None  # where a corrupt file was put
    kind: str | None = None  # why it is not open: newer | read_only | unavailable (locked, unreadable)


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def connect(path: Path) -> Database:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def _read_only(path: Path) -> bool:
    """The folder or the file cannot be written (a read-only mount says so even to root)."""
    return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def open_read_only(path: Path, check: bool = False) -> sqlite3.Connection:
    """For commands that only read (stats, export, staff list): never creates, migrates, moves
    or repairs anything, and works on a read-only data folder.

    Raises DatabaseRefused for a file that is missing, damaged (`check` runs SQLite's quick check),
    from a newer kiosk, or too old to read.
    """
    from urllib.parse import quote

    from kiosk_app.storage.migrations import SCHEMA_VERSION

    path = Path(path)
    if not path.is_file():
        raise DatabaseRefused("missing", f"no kiosk database at {path}")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = None
    try:
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError:
            # A WAL database in a folder where its -shm file cannot be made: nobody can be writing
            # it either, so it is read as it is on disk.
            if conn is not None:
                conn.close()
            conn = sqlite3.connect(uri + "&immutable=1", uri=True)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseRefused("newer", f"the database {path} is from a newer kiosk (schema version {version}; "
                                           f"this one knows up to {SCHEMA_VERSION}) and will not be opened")
        if version < READ_MIN_VERSION:
            raise DatabaseRefused("older", f"the database {path} has schema version {version}, older than this "
                                           f"command reads ({READ_MIN_VERSION}); start the kiosk once to update it")
        if check:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(result)
        return conn
    except DatabaseRefused:
        conn.close()
        raise
    except sqlite3.OperationalError as exc:
        if conn is not None:
            conn.close()
        raise DatabaseRefused("unreadable", f"the database {path} cannot be read: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise DatabaseRefused("damaged", f"the database {path} is damaged ({exc}); nothing was changed. The "
                                         "kiosk sets it aside and starts a new one when it next starts") from exc


def backup_file(db: Database, backups_dir: Path, version: int) -> Path:
    """A consistent copy of the database (WAL included), taken before a migration."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backups_dir / f"kiosk-v{version}-{stamp}.db"
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


def migrate(db: Database, backups_dir: Path,
            migrations: Sequence[Callable[[Database], None]] = MIGRATIONS) -> int:
    """Bring the schema to the newest version; back the file up first if it holds data."""
    current = schema_version(db)
    target = len(migrations)
    if current > target:
        raise StorageError(f"database schema version {current} is newer than this kiosk ({target})")
    if current == target:
        return current
    if current > 0:
        saved = backup_file(db, backups_dir, current)
        log_event(log, "storage.backup", version=current, file=str(saved))
    for version in range(current, target):
        with db.conn:
            db.conn.execute("BEGIN IMMEDIATE")
            migrations[version](db)
            db.conn.execute(f"PRAGMA user_version = {version + 1}")
        log_event(log, "storage.migrated", to_version=version + 1)
    return target


def open_database(path: Path, backups_dir: Path,
                  migrations: Sequence[Callable[[Database], None]] = MIGRATIONS) -> OpenedDatabase:
    """Open (creating or migrating) the database; never raises for a broken or locked file.

    A corrupt file is moved aside (kept for the administrator) and a fresh one created.
    A locked or unwritable one gives `db=None` and a problem: the kiosk runs on, keeping its
    events in memory until the database can be written.
    """
    moved = None
    for attempt in (1, 2):
        try:
            db = connect(path)
            db.execute("PRAGMA journal_mode = WAL")
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            migrate(db, backups_dir, migrations)
            problem = None
            if moved:
                problem = f"the database was damaged; it was moved to {moved} and a new one started"
            return OpenedDatabase(db, problem, moved)
        except sqlite3.OperationalError as exc:
            # Locked, read-only, unreadable folder: keep the file as it is and run without it.
            kind = "read_only" if _read_only(path) else "unavailable"
            log_event(log, "storage.unavailable", level=logging.ERROR, file=str(path), error=str(exc), kind=kind)
            return OpenedDatabase(None, f"the database {path} cannot be written: {exc}", kind=kind)
        except (sqlite3.DatabaseError, StorageError) as exc:
            if isinstance(exc, StorageError) or attempt == 2:
                kind = "newer" if isinstance(exc, StorageError) else "unavailable"
                log_event(log, "storage.unavailable", level=logging.ERROR, file=str(path), error=str(exc), kind=kind)
                return OpenedDatabase(None, f"the database {path} cannot be used: {exc}", kind=kind)
            moved = path.with_name(f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
            try:
                db.conn.close()
            except Exception:  # noqa: BLE001 - the handle of a broken file may fail to close
                pass
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(path) + suffix)
                if src.exists():
                    src.rename(Path(str(moved) + suffix))
            log_event(log, "storage.corrupt", level=logging.ERROR, file=str(path), moved_to=str(moved),
                      error=str(exc))
    raise AssertionError("unreachable")
