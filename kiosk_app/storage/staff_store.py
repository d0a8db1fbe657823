"""Staff accounts (officers and administrators): the only code that writes the `staff` table.

Account changes are rare and made by an administrator who is watching: unlike the session log,
they are written at once or refused with StorageError, never kept pending.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk_app.logs import now_iso

if TYPE_CHECKING:
    from kiosk_app.storage.session_store import SessionStore


class StorageError(Exception):
    """A staff account change the database refused."""

ROLES = ("officer", "admin")
DEFAULT_ADMIN_NAME = "Quản trị"
MAX_NAME_LENGTH = 60  # characters, after NFC: a full Vietnamese name fits several times


def clean_name(name: str) -> str:
    """A staff name as stored: NFC, trimmed, one line of printable text, at most MAX_NAME_LENGTH.

    Raises ValueError (in English, for the command line) for anything else."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise ValueError("a staff account needs a name")
    bad = [c for c in name if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")]
    if bad:
        raise ValueError(f"a name cannot hold control characters or line breaks ({ascii(bad[0])})")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a name has at most {MAX_NAME_LENGTH} characters ({len(name)} given)")
    return name


@dataclass(frozen=True)
class StaffAccount:
    id: int
    name: str
    role: str
    pin_hash: str
    active: bool = True
    is_default_admin: bool = False


class StaffStore:
    def __init__(self, store: "SessionStore"):
        self._store = store

    def _db(self):
        db = self._store.database
        if db is None:
            raise StorageError("the database is not available")
        return db

    # ------------------------------------------------------------ reading

    def accounts(self, include_removed: bool = False) -> list[StaffAccount]:
        db = self._store.database
        if db is None:
            return []
        where = "" if include_removed else "WHERE active = 1"
        try:
            rows = db.execute(f"SELECT id, name, role, pin_hash, active, is_default_admin FROM staff {where} "
                              "ORDER BY role DESC, name, id").fetchall()
        except sqlite3.Error:
            return []
        return [StaffAccount(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5])) for r in rows]

    def get(self, staff_id: int) -> StaffAccount | None:
        return next((a for a in self.accounts(include_removed=True) if a.id == staff_id), None)

    def find(self, name: str) -> list[StaffAccount]:
        wanted = unicodedata.normalize("NFC", name).strip().casefold()
        return [a for a in self.accounts() if a.name.casefold() == wanted]

    # ------------------------------------------------------------ writing

    def add(self, name: str, role: str, pin_hash: str, is_default_admin: bool = False) -> int:
        name = clean_name(name)
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        now = now_iso()
        try:
            with self._db().conn:
                cur = self._db().conn.execute(
                    "INSERT INTO staff (name, role, pin_hash, active, is_default_admin, created_at, updated_at) "
                    "VALUES (?, ?, ?, 1, ?, ?, ?)", [name, role, pin_hash, int(is_default_admin), now, now])
            return int(cur.lastrowid)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot save the staff account: {exc}") from exc

    def _change(self, sql: str, params: list) -> int:
        try:
            with self._db().conn:
                return self._db().conn.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise StorageError(f"cannot change the staff account: {exc}") from exc

    def set_pin(self, staff_id: int, pin_hash: str) -> bool:
        return self._change("UPDATE staff SET pin_hash = ?, updated_at = ? WHERE id = ? AND active = 1",
                            [pin_hash, now_iso(), staff_id]) == 1

    def remove(self, staff_id: int) -> bool:
        """Deactivate (the id stays, so old sessions still name their officer)."""
        return self._change("UPDATE staff SET active = 0, is_default_admin = 0, updated_at = ? "
                            "WHERE id = ? AND active = 1", [now_iso(), staff_id]) == 1

    def set_default_admin_pin(self, pin_hash: str) -> int:
        """Create or update the default administrator (what `set-admin-pin` has always set)."""
        current = next((a for a in self.accounts() if a.is_default_admin), None)
        if current is None:
            return self.add(DEFAULT_ADMIN_NAME, "admin", pin_hash, is_default_admin=True)
        self.set_pin(current.id, pin_hash)
        return current.id
