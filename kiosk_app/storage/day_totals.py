"""Per-day totals of the sessions, kept up to date by triggers, so the figures of a year read a
few thousand rows instead of every session (bench/README.md).

`day_counts` holds, per local day × procedure × officer, the Counts fields that COUNT_SQL computes
(all but `portal_submitted`, which comes from its few events); `day_details` holds, per local day,
the number of sessions of each (reason for not filing, rating, trips, reason of a low rating), the
groups of DETAILS_SQL, as one JSON array. Every insert, update and delete of a session adds its
part to the new row's groups and takes it from the old one's, in the same transaction, so the
totals always equal a recomputation from the raw sessions (a test checks it).

The day is the local day at TOTALS_OFFSET_HOURS (the kiosk's default, Vietnam). A kiosk set to
another offset computes its figures from the raw sessions, as before: same figures, slower.
"""

from __future__ import annotations

import json
import sqlite3

from kiosk_app.storage.count_sql import COUNT_SQL, DEFAULT_UTC_OFFSET_HOURS, IN_RANGE, OUTCOME_IS

TOTALS_OFFSET_HOURS = DEFAULT_UTC_OFFSET_HOURS
_SHIFT = f"'{TOTALS_OFFSET_HOURS:+d} hours'"

# The columns of a session the totals read.
_COLUMNS = ("started_at", "start_kind", "mode", "outcome", "procedure_code", "officer_id", "helped", "duration_s",
            "not_filed_reason", "satisfaction", "trips", "satisfaction_reason")

# One session's part of each Counts field (COUNT_SQL's aggregates, for a single row).
_ONE = {name: ("1" if name == "sessions" else
               "coalesce(duration_s, 0.0)" if name == "duration_total_s" else
               "(duration_s IS NOT NULL)" if name == "duration_n" else
               f"({sql[4:-1]})") for name, sql in COUNT_SQL.items() if name != "portal_submitted"}
assert all(COUNT_SQL[n].startswith("sum(") for n in _ONE if n not in ("sessions", "duration_total_s", "duration_n"))
COUNT_FIELDS = list(_ONE)

_DETAILS = (f"json_array(CASE WHEN {OUTCOME_IS['not_filed']} THEN coalesce(not_filed_reason, '') END, "
            "satisfaction, trips, satisfaction_reason)")
_DAY = f"date(started_at, {_SHIFT})"


def _upserts(source: str, sign: str) -> str:
    """The two statements that add (sign '+') or take away ('-') the sessions of `source`."""
    counts = ", ".join(f"{sign}{_ONE[n]}" for n in COUNT_FIELDS)
    adds = ", ".join(f"{n} = {n} + excluded.{n}" for n in COUNT_FIELDS)
    return f"""
        INSERT INTO day_counts (day, procedure, officer, {", ".join(COUNT_FIELDS)})
        SELECT {_DAY}, coalesce(procedure_code, ''), coalesce(officer_id, 0), {counts}
        FROM {source} WHERE true
        ON CONFLICT (day, procedure, officer) DO UPDATE SET {adds};
        INSERT INTO day_details (day, details, n) SELECT {_DAY}, {_DETAILS}, {sign}1 FROM {source} WHERE true
        ON CONFLICT (day, details) DO UPDATE SET n = n + excluded.n;"""


def _row(which: str) -> str:
    """The OLD or NEW row of a trigger as a one-row table, under the column names COUNT_SQL uses."""
    return f"(SELECT {', '.join(f'{which}.{c} AS {c}' for c in _COLUMNS)})"


def create(conn) -> None:
    """Tables, triggers and the backfill from the sessions already logged (a migration)."""
    conn.execute(f"""CREATE TABLE day_counts (day TEXT NOT NULL, procedure TEXT NOT NULL, officer INTEGER NOT NULL,
        {", ".join(f"{n} {'REAL' if n == 'duration_total_s' else 'INTEGER'} NOT NULL" for n in COUNT_FIELDS)},
        PRIMARY KEY (day, procedure, officer)) WITHOUT ROWID""")
    conn.execute("""CREATE TABLE day_details (day TEXT NOT NULL, details TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (day, details)) WITHOUT ROWID""")
    counted = "NEW.start_kind != 'demo'", "OLD.start_kind != 'demo'"
    conn.execute(f"CREATE TRIGGER day_totals_insert AFTER INSERT ON sessions WHEN {counted[0]} "
                 f"BEGIN {_upserts(_row('NEW'), '+')} END")
    conn.execute(f"CREATE TRIGGER day_totals_delete AFTER DELETE ON sessions WHEN {counted[1]} "
                 f"BEGIN {_upserts(_row('OLD'), '-')} END")
    conn.execute(f"CREATE TRIGGER day_totals_update_old AFTER UPDATE OF {', '.join(_COLUMNS)} ON sessions "
                 f"WHEN {counted[1]} BEGIN {_upserts(_row('OLD'), '-')} END")
    conn.execute(f"CREATE TRIGGER day_totals_update_new AFTER UPDATE OF {', '.join(_COLUMNS)} ON sessions "
                 f"WHEN {counted[0]} BEGIN {_upserts(_row('NEW'), '+')} END")
    # The backfill: the same parts, summed per group.
    every = IN_RANGE.replace("started_at >= ? AND started_at < ? AND ", "")
    conn.execute(f"""INSERT INTO day_counts (day, procedure, officer, {", ".join(COUNT_FIELDS)})
        SELECT {_DAY}, coalesce(procedure_code, ''), coalesce(officer_id, 0),
               {", ".join(f"total({_ONE[n]})" if n == "duration_total_s" else f"sum({_ONE[n]})" for n in COUNT_FIELDS)}
        FROM sessions WHERE {every} GROUP BY 1, 2, 3""")
    conn.execute(f"""INSERT INTO day_details (day, details, n)
        SELECT {_DAY}, {_DETAILS}, count(*) FROM sessions WHERE {every} GROUP BY 1, 2""")


def available(conn: sqlite3.Connection, offset_hours: int) -> bool:
    """Whether the figures at this offset can be read from the totals."""
    return offset_hours == TOTALS_OFFSET_HOURS and conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'day_counts'").fetchone() is not None


CUBE_SQL = f"""SELECT day, procedure, officer, {", ".join(COUNT_FIELDS)} FROM day_counts
    WHERE day >= ? AND day <= ? AND sessions != 0"""
DETAILS_SQL = "SELECT details, sum(n) FROM day_details WHERE day >= ? AND day <= ? AND n != 0 GROUP BY details"


def cube_rows(conn: sqlite3.Connection, start: str, end: str):
    """(day, procedure, officer, {field: value}) per group with sessions, local days start..end."""
    for day, procedure, officer, *values in conn.execute(CUBE_SQL, [start, end]):
        yield day, procedure, officer, dict(zip(COUNT_FIELDS, values))


def details_rows(conn: sqlite3.Connection, start: str, end: str):
    """(reason, satisfaction, trips, satisfaction_reason, n), as DETAILS_SQL's rows."""
    for details, n in conn.execute(DETAILS_SQL, [start, end]):
        yield (*json.loads(details), n)
