"""A kiosk's batch of session records: checked as a pure function, then loaded with binary COPY
straight into the sessions table, or, when some of them are stored already, into a temporary table
and upserted from there in one statement.

The body is what `kiosk_app.stats.sync.post_batch` sends: `{"kiosk_id", "batch_id", "sent_at",
"sessions": [record, ...]}`, each record with the fields of `kiosk_app.storage.sync_log.SYNC_FIELDS`
and, optionally, `version` (a whole number that grows each time the kiosk changes the record; a
record without one is version 0). Anything else is refused with the reason, before any write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import attrgetter, itemgetter

import orjson

from kiosk_app.province.schema import SESSION_COLUMNS, month_start
from kiosk_app.storage.sync_log import SYNC_FIELDS

MAX_BODY_BYTES = 4 * 1024 * 1024  # a batch of 5000 records (the kiosk's largest) is about 2.5 MB
MAX_RECORDS = 5000
MAX_TEXT = 200
# Start times a month's partition can be made for (a kiosk whose clock was reset says 1970).
FIRST_YEAR, LAST_YEAR = 1970, 2200

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
    rows: list[tuple]  # checked, one per session id, values in SESSION_COLUMNS' order and types (COPY_SQL)
    keys: list[tuple[str, datetime, int]]  # (id, started_at in UTC, version), one per session id

    @property
    def ids(self) -> list[str]:
        return [k[0] for k in self.keys]


def _bad(detail: str) -> Refused:
    return Refused(422, "invalid_record", detail)


_KIND = {**{f: "text" for f in TEXT_FIELDS}, **{f: "small" for f in SMALL_INT_FIELDS}, "id": "text",
         "kiosk_id": "kiosk", "started_at": "time", "ended_at": "time", "duration_s": "seconds",
         "portal_confirmed": "flag", "version": "version"}
assert set(_KIND) == RECORD_FIELDS
_RULES = {
    "text": f"a text of at most {MAX_TEXT} characters",
    "small": "a whole number from -32768 to 32767",
    "time": "an ISO 8601 time such as 2026-11-30T08:15:00.000+00:00",
    "seconds": "a number of seconds",
    "flag": "0, 1, true or false",
    "version": "a whole number from 0 to 2^62",
}


def read_time(text: str) -> datetime:
    """A time written as the kiosk writes it (a calendar date YYYY-MM-DD, then a time), read by
    Python: not the other forms Python reads (week dates, any separator) that PostgreSQL would not."""
    if text[4:5] != "-" or text[7:8] != "-" or text[10:11] not in ("", "T", " "):
        raise ValueError(f"not a calendar date and time: {text!r}")
    return datetime.fromisoformat(text)


def _fits(kind: str, value) -> bool:
    """Whether a (non-null) value fits its field; one table, no call per field for the common kinds."""
    if kind == "text":
        return type(value) is str and len(value) <= MAX_TEXT
    if kind == "small":
        return type(value) is int and -32768 <= value <= 32767
    if kind == "time":
        try:
            read_time(value)
            return True
        except (TypeError, ValueError):
            return False
    if kind == "seconds":
        return type(value) in (int, float) and 0 <= value < 1e9
    if kind == "flag":
        return value is True or value is False or (type(value) is int and value in (0, 1))
    return type(value) is int and 0 <= value <= 2**62  # version


def _record(raw, index: int, kiosk_id: str) -> tuple[str, datetime, int]:
    where = f"sessions[{index}]"
    if type(raw) is not dict:
        raise _bad(f"{where} must be an object")
    for name, value in raw.items():
        kind = _KIND.get(name)
        if kind is None:
            unknown = sorted(set(raw) - RECORD_FIELDS)
            raise Refused(422, "unknown_field", f"{where}: unknown field(s) {', '.join(unknown)}")
        if value is None:
            continue
        if kind == "kiosk":
            if value != kiosk_id:
                raise Refused(403, "other_kiosk", f"{where} belongs to kiosk {value!r}, not {kiosk_id!r}")
        elif not _fits(kind, value):
            raise _bad(f"{where}: {name} must be {_RULES[kind]}")
    sid, started = raw.get("id"), raw.get("started_at")
    if not sid or started is None:
        raise _bad(f"{where}: id and started_at are required")
    moment = datetime.fromisoformat(started)  # checked by _fits
    if moment.tzinfo is None:  # the kiosk stores UTC (and the server's connections read it so)
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise _bad(f"{where}: started_at {started!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    return sid, moment, raw.get("version") or 0


_NONE = type(None)
_TYPES_OF = {"text": {str, _NONE}, "small": {int, _NONE}, "time": {str, _NONE}, "seconds": {int, float, _NONE},
             "flag": {bool, int, _NONE}, "version": {int, _NONE}}
_RANGES = {"small": (-32768, 32767), "seconds": (0, 1e9 - 1e-6), "version": (0, 2**62)}


_TZINFO = attrgetter("tzinfo")
_CALENDAR_TIMES = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][^\n]*)?(?:\n\d{4}-\d\d-\d\d(?:[T ][^\n]*)?)*")


def _checked_fast(sessions: list, kiosk_id: str) -> tuple[list[tuple[str, datetime, int]], list[tuple]] | None:
    """The keys and COPY rows (as `_record` and `_row` give them) of a batch that passes every check
    of `_record`, checked field by field over the whole batch (C loops, not one Python call per
    value); None when something may be wrong or the records do not all have the same fields, and
    `_record` then finds and names it. Never more lenient than `_record`."""
    if not sessions or set(map(type, sessions)) - {dict}:
        return None
    fields = sessions[0].keys()
    if not {"id", "started_at"} <= fields <= RECORD_FIELDS or set(map(len, sessions)) != {len(fields)}:
        return None
    names = tuple(fields)
    try:  # each record has as many fields as the first, and each of its fields: the same fields
        columns = dict(zip(names, zip(*map(itemgetter(*names), sessions))))
    except KeyError:
        return None
    for name, column in columns.items():
        kind = _KIND[name]
        if kind == "kiosk":
            if set(column) - {kiosk_id, None}:
                return None
            continue
        if set(map(type, column)) - _TYPES_OF[kind]:
            return None
        values = [v for v in column if v is not None] if None in column else column
        if not values:
            continue
        if kind == "text":
            if max(map(len, values)) > MAX_TEXT:
                return None
        elif kind == "time":
            if not _CALENDAR_TIMES.fullmatch("\n".join(values)):  # read_time's rule, in one call
                return None
            try:
                if values is column:
                    columns[name] = list(map(datetime.fromisoformat, column))
                else:
                    moments = iter(map(datetime.fromisoformat, values))
                    columns[name] = [None if v is None else next(moments) for v in column]
            except ValueError:
                return None
        elif kind == "flag":
            if set(values) - {0, 1}:  # True == 1, False == 0
                return None
        elif not _RANGES[kind][0] <= min(values) <= max(values) <= _RANGES[kind][1]:
            return None
    ids, started = columns["id"], columns["started_at"]
    if not all(ids) or None in started:  # an empty id, a missing start
        return None
    if set(map(_TZINFO, started)) != {timezone.utc}:  # the kiosk writes UTC as +00:00: nothing to convert
        started = [(m if m.tzinfo else m.replace(tzinfo=timezone.utc)).astimezone(timezone.utc) for m in started]
    if not FIRST_YEAR <= min(started).year <= max(started).year <= LAST_YEAR:
        return None
    n = len(sessions)
    nothing = (None,) * n
    versions = columns.get("version")
    columns.update(id=ids, kiosk_id=(kiosk_id,) * n, started_at=started,
                   version=(0,) * n if versions is None else [v or 0 for v in versions])
    ended = columns.get("ended_at")
    if ended is not None and None in set(map(_TZINFO, filter(None, ended))):  # a time without its offset
        columns["ended_at"] = [m if m is None or m.tzinfo else m.replace(tzinfo=timezone.utc) for m in ended]
    for name, convert in (("duration_s", float), ("portal_confirmed", bool)):
        column = columns.get(name)
        if column is not None:
            columns[name] = (list(map(convert, column)) if None not in column
                             else [None if v is None else convert(v) for v in column])
    rows = list(zip(*(columns.get(c, nothing) for c in SESSION_COLUMNS)))
    return list(zip(ids, started, columns["version"])), rows


def parse_batch(body: bytes, token_kiosk: str) -> Batch:
    """Check a request body for the kiosk `token_kiosk`; raises Refused with the first problem."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:  # also a body that is not UTF-8
        raise Refused(400, "bad_json", "the body is not JSON in UTF-8") from None
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
    fast = _checked_fast(sessions, kiosk_id)
    if fast is None:
        keys = [_record(raw, i, kiosk_id) for i, raw in enumerate(sessions)]
        rows = [_row(raw, key, kiosk_id) for raw, key in zip(sessions, keys)]
    else:
        keys, rows = fast
    newest: dict[str, int] = {}  # a session sent twice in one batch: its highest version counts
    for i, key in enumerate(keys):
        seen = newest.get(key[0])
        if seen is None or key[2] > keys[seen][2]:
            newest[key[0]] = i
    chosen = list(newest.values())
    return Batch(kiosk_id, [rows[i] for i in chosen], [keys[i] for i in chosen])


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value  # the kiosk stores UTC


def _row(rec: dict, key: tuple[str, datetime, int], kiosk_id: str) -> tuple:
    """A checked record as PostgreSQL's binary COPY takes it (COPY_TYPES), in SESSION_COLUMNS' order."""
    g = rec.get
    ended, duration, flag = g("ended_at"), g("duration_s"), g("portal_confirmed")
    return (key[0], kiosk_id, key[1], ended and _utc(ended), None if duration is None else float(duration),
            g("start_kind"), g("end_reason"), g("mode"), g("procedure_code"), g("helped"), g("submitted"),
            g("outcome"), g("not_filed_reason"), g("satisfaction"), g("trips"), g("satisfaction_reason"),
            None if flag is None else bool(flag), key[2])


assert SESSION_COLUMNS[:3] == ("id", "kiosk_id", "started_at") and SESSION_COLUMNS[-1] == "version"


# ---------------------------------------------------------------- the database side

_TYPES = {"started_at": "timestamptz", "ended_at": "timestamptz", "duration_s": "float8", "version": "int8",
          "portal_confirmed": "bool", **{f: "int2" for f in SMALL_INT_FIELDS}}
COPY_TYPES = [_TYPES.get(c, "text") for c in SESSION_COLUMNS]
_COLS = ", ".join(SESSION_COLUMNS)
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in SESSION_COLUMNS if c not in ("kiosk_id", "id", "started_at"))

# A batch of sessions new to the province (nearly every batch) goes straight into `sessions` with
# binary COPY (Python has read every value already: PostgreSQL neither parses JSON nor casts text),
# in a transaction that first checks the token is still valid (a revocation counts from the next
# batch, even with the token's kiosk remembered by the server). If one of its sessions is stored
# already, the COPY fails as a whole and the batch takes the upsert path: each pooled connection
# has its own temporary table, emptied at every commit (no WAL), that the batch is copied into,
# and UPSERT_SQL writes it from there: a newer version replaces the stored record; an older or
# equal one leaves it as it is.
VALID_SQL = "SELECT FROM tokens WHERE token_sha256 = %(token)s AND kiosk_id = %(kiosk)s AND revoked_at IS NULL"
COPY_NEW_SQL = f"COPY sessions ({_COLS}) FROM STDIN (FORMAT BINARY)"
BATCH_TABLE_SQL = f"""CREATE TEMPORARY TABLE IF NOT EXISTS batch ({", ".join(
    f"{c} {_TYPES.get(c, 'text')}" for c in SESSION_COLUMNS)}) ON COMMIT DELETE ROWS"""
COPY_SQL = f"COPY batch ({_COLS}) FROM STDIN (FORMAT BINARY)"

# The answer is the ids written, or a single NULL for a revoked token.
UPSERT_SQL = f"""WITH written AS (
        INSERT INTO sessions ({_COLS})
        SELECT {_COLS} FROM batch WHERE EXISTS ({VALID_SQL})
        ON CONFLICT (kiosk_id, id, started_at) DO UPDATE SET {_UPDATES}, received_at = now()
        WHERE excluded.version > sessions.version
        RETURNING id)
    SELECT id FROM written
    UNION ALL
    SELECT NULL WHERE NOT EXISTS ({VALID_SQL})"""


# The records the upsert left alone (in the same transaction, only when there are some): stored
# already, at the same or a newer version? (Not part of the upsert: a join with `sessions` would
# open every month's partition for every batch.)
STORED_SQL = """
    SELECT s.id FROM sessions s JOIN unnest(%s::text[], %s::timestamptz[], %s::int8[]) AS b(id, started_at, version)
      ON s.id = b.id AND s.started_at = b.started_at
    WHERE s.kiosk_id = %s AND s.version >= b.version"""


def months_of(batch: Batch) -> set[datetime]:
    one_a_month = {(k[1].year, k[1].month): k[1] for k in batch.keys}  # started_at is UTC already
    return {month_start(moment) for moment in one_a_month.values()}
