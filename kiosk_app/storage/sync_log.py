"""Which sessions were already sent upward (district/province), in which version: read pending, mark sent."""

from __future__ import annotations

import sqlite3

# Anonymous facts only: no officer, no event detail, nothing a resident typed. A migration (v5)
# raises a session's `sync_version` whenever one of these changes: keep the two in step.
SYNC_COLUMNS = ("id", "kiosk_id", "started_at", "ended_at", "duration_s", "start_kind", "end_reason", "mode",
                "procedure_code", "helped", "submitted", "outcome", "not_filed_reason", "satisfaction", "trips",
                "satisfaction_reason")
# Facts the kiosk's figures take from its event log, sent as fields of the record so that a
# province counts them the same way (kiosk_app.province.figures).
SYNC_DERIVED = {
    "portal_confirmed": "EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id AND e.event = 'portal.submitted')",
}
SYNC_FIELDS = SYNC_COLUMNS + tuple(SYNC_DERIVED)

# Ended sessions the server has not acknowledged in their current version (demo sessions never leave).
_PENDING = """FROM sessions s LEFT JOIN sync_sent t ON t.session_id = s.id
              WHERE (t.session_id IS NULL OR t.version < s.sync_version)
                AND s.ended_at IS NOT NULL AND s.start_kind != 'demo'"""


def pending_sessions(conn: sqlite3.Connection, limit: int) -> list[dict]:
    """Records to send, oldest first; each carries its `version` (the server keeps the highest)."""
    cols = ", ".join([f"s.{c}" for c in SYNC_COLUMNS] + list(SYNC_DERIVED.values()))
    rows = conn.execute(f"SELECT {cols}, s.sync_version {_PENDING} ORDER BY s.started_at LIMIT ?", [limit]).fetchall()
    return [dict(zip(SYNC_FIELDS + ("version",), r)) for r in rows]


def count_pending(conn: sqlite3.Connection) -> int:
    return conn.execute(f"SELECT count(*) {_PENDING}").fetchone()[0]


def mark_sent(conn: sqlite3.Connection, sent: list[tuple[str, int]], batch: str, sent_at: str) -> None:
    """Record (session id, version) pairs the server acknowledged; a later version is sent again."""
    with conn:
        conn.executemany("""INSERT INTO sync_sent (session_id, sent_at, batch, version) VALUES (?, ?, ?, ?)
                            ON CONFLICT (session_id) DO UPDATE SET sent_at = excluded.sent_at,
                              batch = excluded.batch, version = max(version, excluded.version)""",
                         [(sid, sent_at, batch, version) for sid, version in sent])
