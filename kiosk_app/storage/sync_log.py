"""Which sessions were already sent upward (district/province): read pending, mark sent."""

from __future__ import annotations

import sqlite3

# Anonymous facts only: no officer, no event detail, nothing a resident typed.
SYNC_COLUMNS = ("id", "kiosk_id", "started_at", "ended_at", "duration_s", "start_kind", "end_reason", "mode",
                "procedure_code", "helped", "submitted", "outcome", "not_filed_reason", "satisfaction", "trips",
                "satisfaction_reason")
# Facts the kiosk's figures take from its event log, sent as fields of the record so that a
# province counts them the same way (kiosk_app.province.figures).
SYNC_DERIVED = {
    "portal_confirmed": "EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id AND e.event = 'portal.submitted')",
}
SYNC_FIELDS = SYNC_COLUMNS + tuple(SYNC_DERIVED)


def pending_sessions(conn: sqlite3.Connection, limit: int) -> list[dict]:
    """Ended sessions not yet acknowledged by the server, oldest first (demo sessions never leave)."""
    cols = ", ".join([f"s.{c}" for c in SYNC_COLUMNS] + list(SYNC_DERIVED.values()))
    rows = conn.execute(
        f"""SELECT {cols} FROM sessions s LEFT JOIN sync_sent t ON t.session_id = s.id
            WHERE t.session_id IS NULL AND s.ended_at IS NOT NULL AND s.start_kind != 'demo'
            ORDER BY s.started_at LIMIT ?""", [limit]).fetchall()
    return [dict(zip(SYNC_FIELDS, r)) for r in rows]


def count_pending(conn: sqlite3.Connection) -> int:
    return conn.execute("""SELECT count(*) FROM sessions s LEFT JOIN sync_sent t ON t.session_id = s.id
                           WHERE t.session_id IS NULL AND s.ended_at IS NOT NULL AND s.start_kind != 'demo'
                        """).fetchone()[0]


def mark_sent(conn: sqlite3.Connection, session_ids: list[str], batch: str, sent_at: str) -> None:
    with conn:
        conn.executemany("INSERT OR IGNORE INTO sync_sent (session_id, sent_at, batch) VALUES (?, ?, ?)",
                         [(sid, sent_at, batch) for sid in session_ids])
