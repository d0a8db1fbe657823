"""The session log: the only code that writes sessions, events and settings.

Writes that fail (database locked, disk full, file gone) are kept in memory in order and written
when the database works again; only past MAX_PENDING are they dropped, and the loss is logged.
A resident's session never stops because the database cannot be written.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter, deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kiosk_app.logs import log_event

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger("kiosk.storage")

MAX_PENDING = 20_000
Write = Callable[["Database"], None]


class SessionStore:
    def __init__(self, db: "Database | None", reopen: "Callable[[], Database | None] | None" = None):
        self._db = db
        self._reopen = reopen
        self._pending: deque[tuple[str, Write]] = deque()  # (what it writes, the write)
        self.dropped = 0
        self.dropped_by_kind: Counter[str] = Counter()
        self.problem: str | None = None  # why the database could not be used, in English
        self.problem_kind: str | None = None  # newer | read_only | unavailable (see OpenedDatabase.kind)

    @classmethod
    def open(cls, path: Path, backups_dir: Path) -> tuple["SessionStore", str | None]:
        store = cls.deferred(path, backups_dir)
        store.flush()
        return store, store.problem

    @classmethod
    def deferred(cls, path: Path, backups_dir: Path) -> "SessionStore":
        """A store that opens the database at its first flush (the kiosk shows its home first)."""
        store = cls(None)

        def reopen():
            from kiosk_app.storage.database import open_database

            opened = open_database(path, backups_dir)
            if opened.problem and (store.problem is None or opened.db is None):
                store.problem = opened.problem
            elif opened.db is not None and store.problem and "cannot" in store.problem:
                store.problem = None
            store.problem_kind = opened.kind
            return opened.db

        store._reopen = reopen
        return store

    # ------------------------------------------------------------ writing

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def available(self) -> bool:
        return self._db is not None

    def _write(self, kind: str, op: Write) -> bool:
        if len(self._pending) >= MAX_PENDING:
            lost, _op = self._pending.popleft()
            self.dropped += 1
            self.dropped_by_kind[lost] += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log_event(log, "storage.dropped", level=logging.ERROR, dropped=self.dropped)
        self._pending.append((kind, op))
        return self.flush()

    def lost(self) -> Counter[str]:
        """What would be lost if the kiosk stopped now: pending and dropped writes, by kind."""
        return Counter(kind for kind, _op in self._pending) + self.dropped_by_kind

    def flush(self) -> bool:
        """Write what is pending, in order; True when nothing is left."""
        if self._db is None and self._reopen is not None:
            self._db = self._reopen()
            if self._db is not None and self._pending:
                log_event(log, "storage.recovered", pending=len(self._pending))
        if self._db is None:
            return False
        if not self._pending:
            return True
        try:
            with self._db.conn:
                while self._pending:
                    self._pending[0][1](self._db)
                    self._pending.popleft()
            return True
        except sqlite3.Error as exc:
            # The transaction rolled back; everything not yet committed stays pending.
            log_event(log, "storage.write_failed", level=logging.WARNING, error=str(exc),
                      pending=len(self._pending))
            return False

    def open_session(self, row: dict[str, Any]) -> bool:
        return self._write("sessions", lambda db: db["sessions"].insert(row))

    def update_session(self, session_id: str, **fields: Any) -> bool:
        return self._write("session_updates", lambda db: db["sessions"].update(session_id, fields))

    def add_event(self, session_id: str | None, ts: str, event: str, data: dict[str, Any]) -> bool:
        payload = json.dumps(data, ensure_ascii=False, default=str)
        return self._write("events", lambda db: db["events"].insert(
            {"session_id": session_id, "ts": ts, "event": event, "data": payload}))

    def close_interrupted(self, ended_at: str, keep: str | None = None) -> list[str]:
        """Close sessions left open by a crash or power cut (all but `keep`); returns their ids."""
        self.flush()
        if self._db is None:
            return []
        try:
            ids = [r[0] for r in self._db.execute(
                "SELECT id FROM sessions WHERE ended_at IS NULL AND id IS NOT ?", [keep])]
        except sqlite3.Error as exc:
            log_event(log, "storage.read_failed", level=logging.WARNING, error=str(exc))
            return []
        for sid in ids:
            self.update_session(sid, ended_at=ended_at, end_reason="interrupted")
        return ids

    def set_setting(self, key: str, value: str) -> bool:
        return self._write("settings", lambda db: db["settings"].upsert({"key": key, "value": value}, pk="key"))

    # ------------------------------------------------------------ reading

    @property
    def database(self) -> Database | None:
        """The open database, for readers (statistics) and the staff accounts; None while down."""
        return self._db

    def get_setting(self, key: str) -> str | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def close(self) -> None:
        self.flush()
        lost = self.lost()
        if lost:
            # The database could not be written (read-only, from a newer kiosk, locked): say how much
            # of the log is gone, by kind, so an administrator knows which days the figures miss.
            log_event(log, "storage.lost", level=logging.ERROR, problem=self.problem_kind or "unavailable",
                      **{k: lost.get(k, 0) for k in ("sessions", "session_updates", "events", "settings")})
        if self._db is not None:
            self._db.conn.close()
            self._db = None
            self._reopen = None
