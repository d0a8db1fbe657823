"""A kiosk's batch of session records: checked as a pure function, then upserted in one statement.

The body is what `kiosk_app.stats.sync.post_batch` sends: `{"kiosk_id", "batch_id", "sent_at",
"sessions": [record, ...]}`, each record with the fields of `kiosk_app.storage.sync_log.SYNC_FIELDS`
and, optionally, `version` (a whole number that grows each time the kiosk changes the record; a
record without one is version 0). Anything else is refused with the reason, before any write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from kiosk_app.province.schema import SESSION_COLUMNS
from kiosk_app.storage.sync_log import SYNC_FIELDS

MAX_BODY_BYTES = 4 * 1024 * 1024  # a batch of 5000 records (the kiosk's largest) is about 2.5 MB
MAX_RECORDS = 5000
MAX_TEXT = 200

BODY_FIELDS = {"kiosk_id", "batch_id", "sent_at", "sessions"}
RECORD_FIELDS = set(SYNC_FIELDS) | {"version"}
assert set(SESSION_COLUMNS) == RECORD_FIELDS

TEXT_FIELDS = ("start_kind", "end_reason", "mode", "procedure_code", "outcome", "not_filed_reason",
               "satisfaction_reason")
SMALL_INT_FIELDS = ("helped", "submitted", "satisfaction", "trips")


class Refused(Exception):
    """A request the server will not take; `status` and `code` go into the JSON answer."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail

    def answer(self) -> dict:
        return {"error": self.code, "detail": self.detail}


@dataclass(frozen=True)
class Batch:
    kiosk_id: str
    records: list[tuple]  # values in SESSION_COLUMNS order, one record per session id


def _bad(detail: str) -> Refused:
    return Refused(422, "invalid_record", detail)


def _text(value, name: str, where: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value) or len(value) > MAX_TEXT:
        raise _bad(f"{where}: {name} must be {'a non-empty' if required else 'a'} text of at most {MAX_TEXT} characters")
    return value


def _moment(value, name: str, where: str, required: bool = False) -> datetime | None:
    if value is None and not required:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(f"{where}: {name} must be an ISO 8601 time such as 2026-11-30T08:15:00.000+00:00") from None
    if moment.tzinfo is None:  # the kiosk stores UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _int(value, name: str, where: str, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _bad(f"{where}: {name} must be a whole number from {lo} to {hi}")
    return value


def _flag(value, name: str, where: str) -> bool | None:
    """A yes/no the kiosk sends as 0/1 (SQLite) or true/false; absent from older kiosks' records."""
    if value is None:
        return None
    if value not in (0, 1) or isinstance(value, float):
        raise _bad(f"{where}: {name} must be 0, 1, true or false")
    return bool(value)


def _record(raw, index: int, kiosk_id: str) -> tuple:
    where = f"sessions[{index}]"
    if not isinstance(raw, dict):
        raise _bad(f"{where} must be an object")
    unknown = set(raw) - RECORD_FIELDS
    if unknown:
        raise Refused(422, "unknown_field", f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if raw.get("kiosk_id", kiosk_id) != kiosk_id:
        raise Refused(403, "other_kiosk", f"{where} belongs to kiosk {raw.get('kiosk_id')!r}, not {kiosk_id!r}")
    duration = raw.get("duration_s")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, (int, float))
                                 or not 0 <= duration < 1e9):
        raise _bad(f"{where}: duration_s must be a number of seconds")
    values = {
        "id": _text(raw.get("id"), "id", where, required=True),
        "kiosk_id": kiosk_id,
        "started_at": _moment(raw.get("started_at"), "started_at", where, required=True),
        "ended_at": _moment(raw.get("ended_at"), "ended_at", where),
        "duration_s": None if duration is None else float(duration),
        "portal_confirmed": _flag(raw.get("portal_confirmed"), "portal_confirmed", where),
        "version": _int(raw.get("version", 0), "version", where, 0, 2**62) or 0,
    }
    values.update({f: _text(raw.get(f), f, where) for f in TEXT_FIELDS})
    values.update({f: _int(raw.get(f), f, where, -32768, 32767) for f in SMALL_INT_FIELDS})
    return tuple(values[c] for c in SESSION_COLUMNS)


def parse_batch(body: bytes, token_kiosk: str) -> Batch:
    """Check a request body for the kiosk `token_kiosk`; raises Refused with the first problem."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "bad_json", "the body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "bad_json", "the body must be a JSON object")
    unknown = set(data) - BODY_FIELDS
    if unknown:
        raise Refused(422, "unknown_field", f"unknown field(s) {', '.join(sorted(unknown))}")
    kiosk_id, sessions = data.get("kiosk_id"), data.get("sessions")
    if not isinstance(kiosk_id, str) or not isinstance(sessions, list):
        raise _bad("kiosk_id (text) and sessions (a list) are required")
    if kiosk_id != token_kiosk:
        raise Refused(403, "other_kiosk", f"this token writes for kiosk {token_kiosk!r}, not {kiosk_id!r}")
    if len(sessions) > MAX_RECORDS:
        raise Refused(413, "too_many", f"{len(sessions)} sessions in one batch; at most {MAX_RECORDS}")
    newest: dict[str, tuple] = {}  # a session sent twice in one batch: its highest version counts
    version_at = SESSION_COLUMNS.index("version")
    for i, raw in enumerate(sessions):
        rec = _record(raw, i, kiosk_id)
        seen = newest.get(rec[0])
        if seen is None or rec[version_at] > seen[version_at]:
            newest[rec[0]] = rec
    return Batch(kiosk_id, list(newest.values()))


# ---------------------------------------------------------------- the database side

_TYPES = {"started_at": "timestamptz", "ended_at": "timestamptz", "duration_s": "float8", "version": "int8",
          "portal_confirmed": "bool", **{f: "int2" for f in SMALL_INT_FIELDS}}
_COLS = ", ".join(SESSION_COLUMNS)
_VALUES = ", ".join(f"(r->>{i})::{_TYPES.get(c, 'text')}" for i, c in enumerate(SESSION_COLUMNS))
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in SESSION_COLUMNS if c not in ("kiosk_id", "id", "started_at"))

# The batch travels as one JSON array of arrays (PostgreSQL parses it faster than psycopg adapts
# seventeen arrays). A newer version replaces the stored record; an older or equal one leaves it.
UPSERT_SQL = f"""
    INSERT INTO sessions ({_COLS}) SELECT {_VALUES} FROM jsonb_array_elements(%s::jsonb) AS r
    ON CONFLICT (kiosk_id, id, started_at) DO UPDATE SET {_UPDATES}, received_at = now()
    WHERE excluded.version > sessions.version
    RETURNING id"""


def as_json(records: list[tuple]) -> str:
    return json.dumps(records, default=datetime.isoformat, ensure_ascii=False)


# The records the upsert left alone: stored already, at the same or a newer version?
STORED_SQL = """
    SELECT s.id FROM sessions s JOIN unnest(%s::text[], %s::timestamptz[], %s::int8[]) AS b(id, started_at, version)
      ON s.id = b.id AND s.started_at = b.started_at
    WHERE s.kiosk_id = %s AND s.version >= b.version"""


def months_of(records: list[tuple]) -> set[datetime]:
    from kiosk_app.province.schema import month_start

    at = SESSION_COLUMNS.index("started_at")
    return {month_start(r[at]) for r in records}
