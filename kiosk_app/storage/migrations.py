"""Linear schema migrations: MIGRATIONS[i] takes a database from version i to version i + 1.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database


def _v1_sessions_and_events(db: Database) -> None:
    db["sessions"].create(
        {
            "id": str,  # a random uuid4, nothing derived from the resident
            "kiosk_id": str,
            "started_at": str,  # ISO 8601, UTC
            "ended_at": str,
            "start_kind": str,  # resident | staff | demo
            "end_reason": str,  # finished | timeout | staff | interrupted | shutdown
            "mode": str,  # self | guided | practice
            "procedure_code": str,
            "officer_id": int,
            "helped": int,  # 1 when an officer stepped in
            "submitted": int,  # 1 when the portal showed a successful submission
            "outcome": str,  # filed_alone | filed_helped | not_filed | practice
            "not_filed_reason": str,
            "duration_s": float,
        },
        pk="id",
        not_null={"kiosk_id", "started_at", "start_kind", "mode"},
        defaults={"helped": 0, "submitted": 0},
    )
    db["sessions"].create_index(["started_at"])
    db["events"].create(
        {"id": int, "session_id": str, "ts": str, "event": str, "data": str},
        pk="id",
        not_null={"ts", "event"},
    )
    db["events"].create_index(["session_id"])
    db["events"].create_index(["event"])


def _v2_settings(db: Database) -> None:
    # Kiosk-wide values that are not configuration, such as the administrator PIN's hash.
    db["settings"].create({"key": str, "value": str}, pk="key")


def _v3_staff_feedback_sync(db: Database) -> None:
    # Named staff accounts supersede the single admin PIN; the PIN is never stored in clear.
    db["staff"].create(
        {
            "id": int,
            "name": str,
            "role": str,  # officer | admin
            "pin_hash": str,  # salted scrypt, see kiosk_app/admin/pin.py
            "active": int,  # 0 once removed: sessions keep pointing at the id
            "is_default_admin": int,  # the account `kiosk-admin set-admin-pin` keeps up to date
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"name", "role", "pin_hash"},
        defaults={"active": 1, "is_default_admin": 0},
    )
    row = db.execute("SELECT value FROM settings WHERE key = 'admin_pin_hash'").fetchone()
    if row and row[0]:
        db["staff"].insert({"name": "Quản trị", "role": "admin", "pin_hash": row[0], "active": 1,
                            "is_default_admin": 1})
    # The resident's anonymous rating at the end of a session.
    db["sessions"].add_column("satisfaction", int)  # 5 Rất hài lòng ... 1 Rất không hài lòng
    db["sessions"].add_column("trips", int)  # 0, 1, 2 (2 means "2 or more")
    db["sessions"].add_column("satisfaction_reason", str)
    # Sessions already sent upward (district/province): idempotent by session id.
    db["sync_sent"].create({"session_id": str, "sent_at": str, "batch": str}, pk="session_id")
    # The statistics read events by name and time range (sessions use v1's started_at index; a
    # covering index on sessions was measured in bench/bench_stats.py and not chosen by SQLite).
    db["events"].create_index(["event", "ts"], index_name="idx_events_event_ts")


def _v4_figures_index(db: Database) -> None:
    # The statistics read a date range of sessions and only these columns: with all of them in one
    # index SQLite answers from the index alone (a year of a 1M-session log: 3.4 s -> 1.3 s, see
    # bench/README.md). An early form of v3 made an index that nothing used: dropped here.
    db.execute("DROP INDEX IF EXISTS idx_sessions_started_outcome")
    db["sessions"].create_index(
        ["started_at", "start_kind", "mode", "outcome", "procedure_code", "officer_id", "helped", "submitted",
         "duration_s", "not_filed_reason", "satisfaction", "trips", "satisfaction_reason", "id"],
        index_name="idx_sessions_figures")


def _v5_sync_versions(db: Database) -> None:
    # A session changed after it was sent upward (a rating given after a sync) is sent again: each
    # session has a version that a trigger raises whenever a column that is sent changes, and
    # sync_sent keeps the version the server acknowledged. Adding columns with a constant default
    # is instant even on a large log.
    from kiosk_app.storage.sync_log import SYNC_COLUMNS

    db.execute("ALTER TABLE sessions ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE sync_sent ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    columns = [c for c in SYNC_COLUMNS if c != "id"]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    db.execute(f"""CREATE TRIGGER sessions_sync_version AFTER UPDATE OF {", ".join(columns)} ON sessions
                   WHEN {changed}
                   BEGIN UPDATE sessions SET sync_version = OLD.sync_version + 1 WHERE id = NEW.id; END""")
    # The figures read events (guides, scans, the portal's success page) by name and time: with the
    # session and the data in the index too, SQLite reads them from the index alone instead of one
    # table row at a time (a year of a 1M-event log: 1.6 s -> 0.3 s, bench/README.md). It replaces
    # v3's (event, ts) index, which is its prefix.
    db.execute("CREATE INDEX IF NOT EXISTS idx_events_figures ON events (event, ts, session_id, data)")
    db.execute("DROP INDEX IF EXISTS idx_events_event_ts")


def _v6_day_totals(db: Database) -> None:
    # The figures read per-day totals that triggers keep up to date instead of every session of the
    # range (a year of a 1M-session log: see bench/README.md); filled here from the sessions logged.
    from kiosk_app.storage import day_totals

    day_totals.create(db.conn)


MIGRATIONS = [_v1_sessions_and_events, _v2_settings, _v3_staff_feedback_sync, _v4_figures_index,
              _v5_sync_versions, _v6_day_totals]
SCHEMA_VERSION = len(MIGRATIONS)
