"""The figures: plain functions over the session log (SQLite), no Qt.

Timestamps are stored in UTC; the commune reports by its local calendar day (Vietnam, UTC+7, no
daylight saving). A date range is a pair of local dates, both included, turned into UTC bounds
by `utc_bounds` — the one place the day boundary is decided.

Which sessions count: every session except the developers' "demo" ones. A session's effective
outcome is "practice" when its mode is practice, else its recorded outcome (or none).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

DEFAULT_UTC_OFFSET_HOURS = 7
MAX_RANGE_DAYS = 20 * 366
PERIODS = ("day", "week", "month")
GROUPS = PERIODS + ("procedure", "officer", "all")


class RangeError(ValueError):
    """A date range that cannot be used; `code` picks the Vietnamese message for screens."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DateRange:
    start: date  # local calendar day, included
    end: date  # local calendar day, included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_day(text: str) -> date:
    text = (text or "").strip()
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RangeError("format", f"{text!r} is not a date; use YYYY-MM-DD or DD/MM/YYYY")


def make_range(start: date, end: date) -> DateRange:
    if end < start:
        raise RangeError("order", f"the range ends ({end}) before it starts ({start})")
    rng = DateRange(start, end)
    if rng.days > MAX_RANGE_DAYS:
        raise RangeError("too_long", f"the range spans {rng.days} days; at most {MAX_RANGE_DAYS}")
    return rng


def parse_range(start: str, end: str) -> DateRange:
    return make_range(parse_day(start), parse_day(end))


def utc_bounds(rng: DateRange, utc_offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> tuple[str, str]:
    """[from, to) in UTC, as strings that compare correctly with the stored ISO timestamps.

    Local midnight of `start` is `start - offset` in UTC; the end bound is local midnight of the
    day after `end`, excluded.
    """
    offset = timedelta(hours=utc_offset_hours)
    lo = datetime.combine(rng.start, datetime.min.time()) - offset
    hi = datetime.combine(rng.end + timedelta(days=1), datetime.min.time()) - offset
    return lo.strftime("%Y-%m-%dT%H:%M:%S"), hi.strftime("%Y-%m-%dT%H:%M:%S")


def local_time(ts: str, utc_offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> datetime:
    """A stored UTC timestamp as the commune's wall-clock time (naive)."""
    moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment.astimezone(timezone.utc) + timedelta(hours=utc_offset_hours)).replace(tzinfo=None)


def rate(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when there is nothing to divide (never a made-up 0 %)."""
    return part / whole if whole else None


# ---------------------------------------------------------------- session counts


@dataclass(frozen=True)
class Counts:
    sessions: int = 0
    practice: int = 0
    filed_alone: int = 0
    filed_helped: int = 0
    not_filed: int = 0
    no_outcome: int = 0
    stepped_in: int = 0  # sessions where an officer stepped in
    portal_submitted: int = 0  # sessions where the portal's success page was seen
    duration_total_s: float = 0.0
    duration_n: int = 0

    @property
    def filed(self) -> int:
        return self.filed_alone + self.filed_helped

    @property
    def non_practice(self) -> int:
        return self.sessions - self.practice

    @property
    def self_filing_rate(self) -> float | None:
        """Filed alone ÷ filed: the kiosk's own measure (not the official online-filing rate)."""
        return rate(self.filed_alone, self.filed)

    @property
    def completion_rate(self) -> float | None:
        """Filed ÷ sessions that were not practice."""
        return rate(self.filed, self.non_practice)

    @property
    def avg_duration_s(self) -> float | None:
        return self.duration_total_s / self.duration_n if self.duration_n else None


def _group_key(group: str, offset_mod: str) -> tuple[str, list]:
    if group == "day":
        return "date(started_at, ?)", [offset_mod]
    if group == "week":  # the Monday that starts the week
        return "date(started_at, ?, 'weekday 0', '-6 days')", [offset_mod]
    if group == "month":
        return "strftime('%Y-%m', started_at, ?)", [offset_mod]
    if group == "procedure":
        return "coalesce(procedure_code, '')", []
    if group == "officer":
        return "coalesce(officer_id, 0)", []
    if group == "all":
        return "''", []
    raise ValueError(f"unknown grouping {group!r}; expected one of {', '.join(GROUPS)}")


EFFECTIVE_OUTCOME = "CASE WHEN mode = 'practice' THEN 'practice' ELSE coalesce(outcome, '') END"
IN_RANGE = "started_at >= ? AND started_at < ? AND start_kind != 'demo'"


def counts_sql(group: str, offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> tuple[str, list]:
    """The one query behind every count, grouped; parameters still lack the two bounds at the end."""
    key, params = _group_key(group, f"{offset_hours:+d} hours")
    sql = f"""
        WITH s AS (
            SELECT {key} AS k, {EFFECTIVE_OUTCOME} AS o, helped, submitted, duration_s, id
            FROM sessions WHERE {IN_RANGE})
        SELECT k, count(*), sum(o = 'practice'), sum(o = 'filed_alone'), sum(o = 'filed_helped'),
               sum(o = 'not_filed'), sum(o = ''), sum(helped = 1), sum(submitted = 1),
               total(duration_s), count(duration_s)
        FROM s GROUP BY k ORDER BY k"""
    return sql, params


def counts_by(conn: sqlite3.Connection, rng: DateRange, group: str,
              offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[tuple[str, Counts]]:
    sql, params = counts_sql(group, offset_hours)
    rows = conn.execute(sql, params + list(utc_bounds(rng, offset_hours))).fetchall()
    out = [(str(r[0]) if r[0] is not None else "", Counts(*[v or 0 for v in r[1:9]], float(r[9] or 0), r[10] or 0))
           for r in rows]
    submitted = _portal_submitted_sessions(conn, rng, group, offset_hours)
    if submitted:
        out = [(k, _with_portal(c, submitted.get(k, 0))) for k, c in out]
    return out


def _with_portal(c: Counts, from_events: int) -> Counts:
    return Counts(c.sessions, c.practice, c.filed_alone, c.filed_helped, c.not_filed, c.no_outcome,
                  c.stepped_in, max(c.portal_submitted, from_events), c.duration_total_s, c.duration_n)


def _portal_submitted_sessions(conn, rng, group, offset_hours) -> dict[str, int]:
    # The portal logs `portal.submitted` events; count sessions with one (submitted = 1 or not).
    key, params = _group_key(group, f"{offset_hours:+d} hours")
    lo, hi = utc_bounds(rng, offset_hours)
    sql = f"""SELECT {key} AS k, count(*) FROM sessions
              WHERE {IN_RANGE} AND (submitted = 1 OR id IN (
                  SELECT session_id FROM events WHERE event = 'portal.submitted' AND ts >= ?))
              GROUP BY k"""
    rows = conn.execute(sql, params + [lo, hi, lo]).fetchall()
    return {str(r[0]): r[1] for r in rows}


def total(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> Counts:
    rows = counts_by(conn, rng, "all", offset_hours)
    return rows[0][1] if rows else Counts()


# ---------------------------------------------------------------- other figures


def not_filed_reasons(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> dict[str, int]:
    lo, hi = utc_bounds(rng, offset_hours)
    rows = conn.execute(
        f"SELECT coalesce(not_filed_reason, ''), count(*) FROM sessions WHERE {IN_RANGE} "
        f"AND outcome = 'not_filed' AND mode != 'practice' GROUP BY 1 ORDER BY 2 DESC, 1", [lo, hi]).fetchall()
    return dict(rows)


@dataclass(frozen=True)
class Satisfaction:
    ratings: dict[int, int] = field(default_factory=dict)  # 5..1 -> count
    trips: dict[int, int] = field(default_factory=dict)
    low_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(self.ratings.values())

    @property
    def average(self) -> float | None:
        return rate(sum(k * v for k, v in self.ratings.items()), self.answered)

    @property
    def satisfied_share(self) -> float | None:
        """Share of ratings "Hài lòng" or "Rất hài lòng"."""
        return rate(self.ratings.get(5, 0) + self.ratings.get(4, 0), self.answered)


def satisfaction(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> Satisfaction:
    lo, hi = utc_bounds(rng, offset_hours)

    def grouped(column: str) -> dict:
        rows = conn.execute(f"SELECT {column}, count(*) FROM sessions WHERE {IN_RANGE} AND {column} IS NOT NULL "
                            f"GROUP BY 1 ORDER BY 1 DESC", [lo, hi]).fetchall()
        return dict(rows)

    return Satisfaction(grouped("satisfaction"), grouped("trips"), grouped("satisfaction_reason"))


@dataclass(frozen=True)
class GuideFigure:
    guide: str
    opened: int
    finished: int
    stops: dict[int, int]  # step index where a resident closed the guide before its end -> count

    @property
    def most_left_step(self) -> int | None:
        if not self.stops:
            return None
        return max(self.stops.items(), key=lambda kv: (kv[1], -kv[0]))[0]


def _events(conn, rng, names: tuple[str, ...], offset_hours) -> list[tuple[str, dict]]:
    lo, hi = utc_bounds(rng, offset_hours)
    marks = ", ".join("?" for _ in names)
    rows = conn.execute(f"SELECT event, data FROM events WHERE event IN ({marks}) AND ts >= ? AND ts < ?",
                        [*names, lo, hi])
    out = []
    for event, data in rows:
        try:
            fields = json.loads(data) if data else {}
        except ValueError:
            fields = {}
        out.append((event, fields if isinstance(fields, dict) else {}))
    return out


def guides(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> list[GuideFigure]:
    """From `video.opened`, `video.finished` and `video.closed` (its furthest step when unfinished)."""
    opened, finished, stops = Counter(), Counter(), {}
    for event, f in _events(conn, rng, ("video.opened", "video.finished", "video.closed"), offset_hours):
        guide = str(f.get("guide", ""))
        if event == "video.opened":
            opened[guide] += 1
        elif event == "video.finished":
            finished[guide] += 1
        elif not f.get("finished"):
            step = f.get("furthest_step", f.get("step"))
            if isinstance(step, int):
                stops.setdefault(guide, Counter())[step] += 1
    names = sorted(set(opened) | set(finished) | set(stops), key=lambda g: (-opened[g], g))
    return [GuideFigure(g, opened[g], finished[g], dict(sorted(stops.get(g, {}).items()))) for g in names]


@dataclass(frozen=True)
class ScanFigure:
    pages: int = 0
    documents: int = 0
    document_bytes: int = 0
    sessions: int = 0


def scans(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> ScanFigure:
    """Pages from `scan.pages` (its `pages` count) or `scan.page` (one each); PDFs from `scan.document`."""
    lo, hi = utc_bounds(rng, offset_hours)
    row = conn.execute(
        """SELECT
             total(CASE event WHEN 'scan.page' THEN 1
                              WHEN 'scan.pages' THEN coalesce(json_extract(data, '$.pages'), 1) END),
             sum(event = 'scan.document'),
             total(CASE WHEN event = 'scan.document' THEN json_extract(data, '$.bytes') END),
             count(DISTINCT session_id)
           FROM events WHERE event IN ('scan.page', 'scan.pages', 'scan.document') AND ts >= ? AND ts < ?""",
        [lo, hi]).fetchone()
    return ScanFigure(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))


# ---------------------------------------------------------------- everything for a range


@dataclass(frozen=True)
class Summary:
    range: DateRange
    offset_hours: int
    total: Counts
    by_day: list[tuple[str, Counts]]
    by_week: list[tuple[str, Counts]]
    by_month: list[tuple[str, Counts]]
    by_procedure: list[tuple[str, Counts]]
    by_officer: list[tuple[str, Counts]]
    not_filed_reasons: dict[str, int]
    satisfaction: Satisfaction
    guides: list[GuideFigure]
    scans: ScanFigure

    @property
    def empty(self) -> bool:
        return self.total.sessions == 0


def summary(conn: sqlite3.Connection, rng: DateRange, offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> Summary:
    by = {g: counts_by(conn, rng, g, offset_hours) for g in ("day", "week", "month", "procedure", "officer")}
    tot = Counts()
    for _k, c in by["month"]:
        tot = add_counts(tot, c)
    return Summary(rng, offset_hours, tot, by["day"], by["week"], by["month"], by["procedure"], by["officer"],
                   not_filed_reasons(conn, rng, offset_hours), satisfaction(conn, rng, offset_hours),
                   guides(conn, rng, offset_hours), scans(conn, rng, offset_hours))


def add_counts(a: Counts, b: Counts) -> Counts:
    return Counts(*(getattr(a, f) + getattr(b, f) for f in Counts.__dataclass_fields__))




# ---------------------------------------------------------------- ranges people ask for

PRESETS = ("today", "this_month", "last_month", "this_year")


def local_today(offset_hours: int = DEFAULT_UTC_OFFSET_HOURS, now: datetime | None = None) -> date:
    now = now or datetime.now(timezone.utc)
    return (now.astimezone(timezone.utc) + timedelta(hours=offset_hours)).date()


def preset_range(name: str, today: date) -> DateRange:
    if name == "today":
        return DateRange(today, today)
    if name == "this_month":
        return DateRange(today.replace(day=1), today)
    if name == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return DateRange(end.replace(day=1), end)
    if name == "this_year":
        return DateRange(today.replace(month=1, day=1), today)
    raise ValueError(f"unknown preset {name!r}")


def chart_groups(s: "Summary") -> tuple[str, list[tuple[str, Counts]]]:
    """Days for a range up to two months, months beyond: every one of them, empty ones too."""
    if s.range.days <= 62:
        keys = [str(s.range.start + timedelta(days=i)) for i in range(s.range.days)]
        kind, found = "day", dict(s.by_day)
    else:
        keys, month = [], s.range.start.replace(day=1)
        while month <= s.range.end:
            keys.append(f"{month:%Y-%m}")
            month = (month + timedelta(days=32)).replace(day=1)
        kind, found = "month", dict(s.by_month)
    return kind, [(k, found.get(k, Counts())) for k in keys]
