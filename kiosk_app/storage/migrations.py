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


MIGRATIONS = [_v1_sessions_and_events, _v2_settings]
SCHEMA_VERSION = len(MIGRATIONS)
