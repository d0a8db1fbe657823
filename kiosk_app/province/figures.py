"""The province's figures, from the kiosk's own definitions (kiosk_app.stats.figures).

The kiosk counts with SQLite: `EFFECTIVE_OUTCOME` decides a session's outcome and `COUNT_SQL`
names every `Counts` field with the SQL that counts it. The province runs the very same
expressions on PostgreSQL; only the two SQLite idioms they use are rewritten (`sum(<condition>)`
becomes `count(*) FILTER (WHERE <condition>)`, `total(x)` becomes `coalesce(sum(x), 0)`), so a
figure changed in the kiosk changes here too. The kiosk's "portal confirmed" comes from its event
log; its records carry the same fact as `portal_confirmed` (unknown, so not counted, for records of
kiosks older than that field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk_app.stats import definitions as D
from kiosk_app.stats.figures import (COUNT_SQL, DEFAULT_UTC_OFFSET_HOURS, EFFECTIVE_OUTCOME, Counts, DateRange,
                                     period_keys, utc_bounds)

GROUPINGS = ("commune", "district", "day", "week", "month", "procedure", "kiosk", "all")


def postgres_condition(sql: str) -> str:
    """SQLite's null-safe `a IS b` / `a IS NOT b` in PostgreSQL's words (`IS NULL` is the same)."""
    sql = re.sub(r"\bIS NOT (?!NULL\b)", "IS DISTINCT FROM ", sql)
    return re.sub(r"\bIS (?!NULL\b|NOT\b|DISTINCT\b)", "IS NOT DISTINCT FROM ", sql)


def postgres_count(sql: str) -> str:
    """One COUNT_SQL expression in PostgreSQL's dialect."""
    if found := re.fullmatch(r"sum\((.+)\)", sql):
        return f"count(*) FILTER (WHERE {postgres_condition(found.group(1))})"
    if found := re.fullmatch(r"total\((.+)\)", sql):
        return f"coalesce(sum({found.group(1)}), 0)::float8"
    if re.fullmatch(r"count\((\*|\w+)\)", sql):
        return sql
    raise ValueError(f"no PostgreSQL form for the kiosk's figure SQL {sql!r}")


# The kiosk adds its portal confirmations from its event log (figures.PORTAL_SQL); each record
# carries the same fact as `portal_confirmed`, read as `confirmed` below.
FROM_RECORDS = {"portal_submitted": "sum(confirmed)"}
COUNT_SQL_PG = {name: postgres_count(FROM_RECORDS.get(name, sql)) for name, sql in COUNT_SQL.items()}

# The session's local time (the kiosk's `date(started_at, '+7 hours')`).
_LOCAL = "(s.started_at AT TIME ZONE 'UTC' + make_interval(hours => %(offset)s))"
GROUP_SQL = {
    "commune": "k.commune",
    "district": "k.district",
    "kiosk": "s.kiosk_id",
    "day": f"to_char({_LOCAL}, 'YYYY-MM-DD')",
    "week": f"to_char(date_trunc('week', {_LOCAL}), 'YYYY-MM-DD')",  # the Monday, as the kiosk
    "month": f"to_char({_LOCAL}, 'YYYY-MM')",
    "procedure": "coalesce(s.procedure_code, '')",
    "all": "''",
}
assert set(GROUP_SQL) == set(GROUPINGS)


def figures_sql(group: str) -> str:
    """Counts per group over a range of start times, with optional kiosk and commune filters."""
    counts = ", ".join(f"{sql} AS {name}" for name, sql in COUNT_SQL_PG.items())
    return f"""
        SELECT {GROUP_SQL[group]} AS key, {counts}
        FROM (SELECT s.*, {EFFECTIVE_OUTCOME} AS eo, coalesce(s.portal_confirmed, false) AS confirmed
              FROM sessions s
              WHERE s.started_at >= %(lo)s AND s.started_at < %(hi)s AND s.start_kind != 'demo'
                AND (%(kiosk)s::text IS NULL OR s.kiosk_id = %(kiosk)s)) s
        JOIN kiosks k ON k.kiosk_id = s.kiosk_id
        WHERE (%(commune)s::text IS NULL OR k.commune = %(commune)s)
        GROUP BY 1 ORDER BY 1"""


@dataclass(frozen=True)
class Filter:
    kiosk: str | None = None
    commune: str | None = None


def counts_by(conn, rng: DateRange, group: str, offset_hours: int = DEFAULT_UTC_OFFSET_HOURS,
              where: Filter = Filter()) -> list[tuple[str, Counts]]:
    """Like the kiosk's `counts_by`: a period grouping lists every period of the range, empty or not."""
    if group not in GROUPINGS:
        raise ValueError(f"unknown grouping {group!r}; expected one of {', '.join(GROUPINGS)}")
    lo, hi = utc_bounds(rng, offset_hours)
    params = {"lo": lo + "+00:00", "hi": hi + "+00:00", "offset": offset_hours, "kiosk": where.kiosk,
              "commune": where.commune}
    found = {r[0]: Counts(*r[1:]) for r in conn.execute(figures_sql(group), params).fetchall()}
    if group in ("day", "week", "month"):
        return [(k, found.get(k, Counts())) for k in period_keys(group, rng)]
    return list(found.items())


# The figures a province shows per group: those of the kiosk's table that a group has.
COLUMNS = tuple(k for k, f in D.FIGURES.items() if f.per_group)


def as_json(c: Counts) -> dict:
    return {k: D.FIGURES[k].value(c) for k in COLUMNS}
