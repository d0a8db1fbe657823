"""The figures: plain functions over the session log (SQLite), no Qt.

Timestamps are stored in UTC; the commune reports by its local calendar day (Vietnam, UTC+7, no
daylight saving). A date range is a pair of local dates, both included, turned into UTC bounds
by `utc_bounds` — the one place the day boundary is decided.

Which sessions count: every session except the developers' "demo" ones. A session's effective
outcome is "practice" when its mode is practice, "filed with help" when it was filed and anyone
helped (EFFECTIVE_OUTCOME), else its recorded outcome (or none). How each figure is named, shown
and explained is declared once, in `kiosk_app.stats.definitions`.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from operator import add

# EFFECTIVE_OUTCOME is read through here by the exports and the province.
from kiosk_app.storage.count_sql import (COUNT_SQL, DEFAULT_UTC_OFFSET_HOURS, EFFECTIVE_OUTCOME,  # noqa: F401
                                         IN_RANGE, OUTCOME_IS)

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


# Local days whose UTC bounds (any offset from -12 to +14 hours, the day after the end) exist.
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


def make_range(start: date, end: date) -> DateRange:
    if start < FIRST_DAY or end > LAST_DAY:
        raise RangeError("out_of_range", f"the range {start} to {end} is outside {FIRST_DAY} to {LAST_DAY}")
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
    try:
        lo = datetime.combine(rng.start, datetime.min.time()) - offset
        hi = datetime.combine(rng.end + timedelta(days=1), datetime.min.time()) - offset
    except OverflowError as exc:  # a DateRange made without make_range, at the calendar's edge
        raise RangeError("out_of_range", f"the range {rng.start} to {rng.end} is outside the calendar") from exc
    return lo.isoformat(timespec="seconds"), hi.isoformat(timespec="seconds")  # 4-digit years, always


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


assert tuple(COUNT_SQL) == tuple(Counts.__dataclass_fields__), "COUNT_SQL names every Counts field"



# One pass over the range: counts per local day × procedure × officer (a few thousand rows for a
# year); every grouping the screens and exports show is summed from it in Python. Each aggregate
# costs SQLite a call per session, so the counts of 0/1 conditions are added three to one sum, in
# 20-bit fields (a group is one day of one procedure and officer: far below a million sessions),
# and the reasons and ratings are grouped by a second, plain query (DETAILS_SQL); bench/README.md.
_FLAGS = [name for name, sql in COUNT_SQL.items() if sql.startswith("sum(")]
_PACKS = [_FLAGS[i:i + 3] for i in range(0, len(_FLAGS), 3)]
_FIELD_BITS = 20


def _packed_sum(names: list[str]) -> str:
    terms = [f"({COUNT_SQL[n][4:-1]}) * {1 << (_FIELD_BITS * i)}" for i, n in enumerate(names)]
    return f"sum({' + '.join(terms)})"


CUBE_SQL = f"""
    SELECT date(started_at, ?) AS day, coalesce(procedure_code, '') AS procedure,
           coalesce(officer_id, 0) AS officer,
           {", ".join(f"{sql} AS {name}" for name, sql in COUNT_SQL.items() if name not in _FLAGS)},
           {", ".join(f"{_packed_sum(names)} AS {'_'.join(names)}" for names in _PACKS)}
    FROM sessions WHERE {IN_RANGE}
    GROUP BY day, procedure, officer"""


def _unpack(row: dict) -> list:
    """A cube row's named columns as the Counts fields, in COUNT_SQL's order."""
    mask = (1 << _FIELD_BITS) - 1
    for names in _PACKS:
        packed = row.pop("_".join(names)) or 0
        for i, name in enumerate(names):
            row[name] = (packed >> (_FIELD_BITS * i)) & mask
    return _in_order(row)


def _in_order(row: dict) -> list:
    return [row.get(name) or 0 for name in COUNT_SQL]


# Sessions in the range whose portal showed its success page (an event at or after the start).
PORTAL_SQL = f"""
    SELECT date(started_at, ?), coalesce(procedure_code, ''), coalesce(officer_id, 0), count(*)
    FROM sessions WHERE id IN (SELECT session_id FROM events WHERE event = 'portal.submitted' AND ts >= ?)
      AND {IN_RANGE}
    GROUP BY 1, 2, 3"""
_PORTAL_COLUMN = list(COUNT_SQL).index("portal_submitted")


def cube(conn: sqlite3.Connection, rng: DateRange,
         offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[tuple[str, str, str, tuple]]:
    """Rows of (local day, procedure, officer, the Counts fields in COUNT_SQL's order)."""
    from kiosk_app.storage import day_totals

    lo, hi = utc_bounds(rng, offset_hours)
    shift = f"{offset_hours:+d} hours"
    if day_totals.available(conn, offset_hours):  # the per-day totals the triggers keep
        rows = {(day, procedure, str(officer)): _in_order(values)
                for day, procedure, officer, values in day_totals.cube_rows(conn, str(rng.start), str(rng.end))}
    else:
        cursor = conn.execute(CUBE_SQL, [shift, lo, hi])
        names = [d[0] for d in cursor.description]
        rows = {(r[0], r[1], str(r[2])): _unpack(dict(zip(names[3:], r[3:]))) for r in cursor.fetchall()}
    for day, procedure, officer, n in conn.execute(PORTAL_SQL, [shift, lo, lo, hi]):
        rows[(day, procedure, str(officer))][_PORTAL_COLUMN] = n
    return [(*key, tuple(values)) for key, values in rows.items()]


def group_key(group: str, day: str, procedure: str, officer: str) -> str:
    if group == "day":
        return day
    if group == "week":  # the Monday that starts the week
        d = date.fromisoformat(day)
        return str(d - timedelta(days=d.weekday()))
    if group == "month":
        return day[:7]
    if group == "procedure":
        return procedure
    if group == "officer":
        return officer
    if group == "all":
        return ""
    raise ValueError(f"unknown grouping {group!r}; expected one of {', '.join(GROUPS)}")


def period_keys(group: str, rng: DateRange) -> list[str]:
    """Every day, week (its Monday) or month of a range, empty ones included, in order."""
    if group == "day":
        return [str(rng.start + timedelta(days=i)) for i in range(rng.days)]
    if group == "week":
        monday = rng.start - timedelta(days=rng.start.weekday())
        return [str(monday + timedelta(weeks=i)) for i in range((rng.end - monday).days // 7 + 1)]
    if group == "month":
        keys, month = [], rng.start.replace(day=1)
        while month <= rng.end:
            keys.append(f"{month:%Y-%m}")
            month = (month + timedelta(days=32)).replace(day=1)
        return keys
    raise ValueError(f"{group!r} is not a period")


def aggregate(rows: list[tuple[str, str, str, tuple]], group: str,
              rng: DateRange | None = None) -> list[tuple[str, Counts]]:
    """Sum the cube by one grouping; with a range, a period grouping lists every period, with zeros."""
    out = sums(rows, group)
    if rng is not None and group in PERIODS:
        keys = period_keys(group, rng)
    else:
        keys = sorted(out, key=(lambda k: (len(k), k)) if group == "officer" else None)
    return [(k, _counts(out.get(k))) for k in keys]


def sums(rows: list[tuple[str, str, str, tuple]], group: str) -> dict[str, list]:
    """The cube's values (the Counts fields), summed by one grouping."""
    out: dict[str, list] = {}
    keys: dict[tuple, str] = {}
    for day, procedure, officer, values in rows:
        ident = (day, procedure, officer) if group in ("procedure", "officer") else day
        key = keys.get(ident)
        if key is None:
            key = keys[ident] = group_key(group, day, procedure, officer)
        acc = out.get(key)
        out[key] = list(values) if acc is None else list(map(add, acc, values))
    return out


def _counts(values: list | None) -> Counts:
    if values is None:
        return Counts()
    fields = dict(zip(COUNT_SQL, values))
    fields["duration_total_s"] = float(fields["duration_total_s"])
    return Counts(**fields)


def counts_by(conn: sqlite3.Connection, rng: DateRange, group: str,
              offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[tuple[str, Counts]]:
    if group not in GROUPS:
        raise ValueError(f"unknown grouping {group!r}; expected one of {', '.join(GROUPS)}")
    return aggregate(cube(conn, rng, offset_hours), group, rng)


def total(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> Counts:
    rows = counts_by(conn, rng, "all", offset_hours)
    return rows[0][1] if rows else Counts()


# ---------------------------------------------------------------- other figures


def not_filed_reasons(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> dict[str, int]:
    return details(conn, rng, offset_hours)[0]


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
    def satisfied(self) -> int:
        """Ratings "Hài lòng" or "Rất hài lòng"."""
        return self.ratings.get(5, 0) + self.ratings.get(4, 0)

    @property
    def satisfied_share(self) -> float | None:
        return rate(self.satisfied, self.answered)


def satisfaction(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> Satisfaction:
    return details(conn, rng, offset_hours)[1]


# The reasons for not filing and the ratings: a few dozen groups, counted once each.
DETAILS_SQL = f"""
    SELECT CASE WHEN {OUTCOME_IS['not_filed']} THEN coalesce(not_filed_reason, '') END AS reason,
           satisfaction, trips, satisfaction_reason, count(*) AS n
    FROM sessions WHERE {IN_RANGE} GROUP BY 1, 2, 3, 4"""


def details(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> tuple[dict[str, int], Satisfaction]:
    """Reasons for not filing, and the ratings."""
    from kiosk_app.storage import day_totals

    found: dict[str, Counter] = {"reason": Counter(), "rating": Counter(), "trips": Counter(), "low": Counter()}
    if day_totals.available(conn, offset_hours):  # the per-day totals the triggers keep
        cursor = day_totals.details_rows(conn, str(rng.start), str(rng.end))
    else:
        cursor = conn.execute(DETAILS_SQL, utc_bounds(rng, offset_hours))
        assert [d[0] for d in cursor.description] == ["reason", "satisfaction", "trips", "satisfaction_reason", "n"]
    for reason, rating, trips, low, n in cursor:
        for what, value in (("reason", reason), ("rating", rating), ("trips", trips), ("low", low)):
            if value is not None:
                found[what][value] += n

    def ordered(c: Counter) -> dict:
        return dict(sorted(c.items(), key=lambda kv: kv[0], reverse=True))

    reasons = dict(sorted(found["reason"].items(), key=lambda kv: (-kv[1], kv[0])))
    return reasons, Satisfaction(ordered(found["rating"]), ordered(found["trips"]), ordered(found["low"]))


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


GUIDES_SQL = """SELECT event, coalesce(json_extract(data, '$.guide'), ''),
                  CASE WHEN event = 'video.closed' AND NOT coalesce(json_extract(data, '$.finished'), 0)
                       THEN coalesce(json_extract(data, '$.furthest_step'), json_extract(data, '$.step')) END,
                  count(*)
           FROM events WHERE event IN ('video.opened', 'video.finished', 'video.closed') AND ts >= ? AND ts < ?
             AND json_valid(data)
           GROUP BY 1, 2, 3"""


def guides(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> list[GuideFigure]:
    """From `video.opened`, `video.finished` and `video.closed` (its furthest step when unfinished)."""
    lo, hi = utc_bounds(rng, offset_hours)
    rows = conn.execute(GUIDES_SQL, [lo, hi])
    opened, finished, stops = Counter(), Counter(), {}
    for event, guide, step, n in rows:
        guide = str(guide)
        if event == "video.opened":
            opened[guide] += n
        elif event == "video.finished":
            finished[guide] += n
        elif isinstance(step, int):
            stops.setdefault(guide, Counter())[step] += n
    names = sorted(set(opened) | set(finished) | set(stops), key=lambda g: (-opened[g], g))
    return [GuideFigure(g, opened[g], finished[g], dict(sorted(stops.get(g, {}).items()))) for g in names]


@dataclass(frozen=True)
class ScanFigure:
    pages: int = 0
    documents: int = 0
    document_bytes: int = 0
    sessions: int = 0


SCANS_SQL = """SELECT
             total(CASE event WHEN 'scan.page' THEN 1
                              WHEN 'scan.pages' THEN coalesce(json_extract(data, '$.pages'), 1) END),
             sum(event = 'scan.document'),
             total(CASE WHEN event = 'scan.document' THEN json_extract(data, '$.bytes') END),
             count(DISTINCT session_id)
           FROM events WHERE event IN ('scan.page', 'scan.pages', 'scan.document') AND ts >= ? AND ts < ?"""


def scans(conn, rng, offset_hours=DEFAULT_UTC_OFFSET_HOURS) -> ScanFigure:
    """Pages from `scan.pages` (its `pages` count) or `scan.page` (one each); PDFs from `scan.document`."""
    lo, hi = utc_bounds(rng, offset_hours)
    row = conn.execute(SCANS_SQL, [lo, hi]).fetchone()
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
    rows = cube(conn, rng, offset_hours)
    by = {g: aggregate(rows, g, rng) for g in ("day", "week", "month", "procedure", "officer")}
    all_rows = aggregate(rows, "all")
    tot = all_rows[0][1] if all_rows else Counts()
    return Summary(rng, offset_hours, tot, by["day"], by["week"], by["month"], by["procedure"], by["officer"],
                   *details(conn, rng, offset_hours), guides(conn, rng, offset_hours), scans(conn, rng, offset_hours))


# ---------------------------------------------------------------- ranges people ask for

PRESETS = ("today", "this_month", "last_month", "this_year")


def local_now(offset_hours: int = DEFAULT_UTC_OFFSET_HOURS, now: datetime | None = None) -> datetime:
    """The commune's wall-clock time (naive), whatever time zone the machine is set to."""
    now = now or datetime.now(timezone.utc)
    return (now.astimezone(timezone.utc) + timedelta(hours=offset_hours)).replace(tzinfo=None)


def local_today(offset_hours: int = DEFAULT_UTC_OFFSET_HOURS, now: datetime | None = None) -> date:
    return local_now(offset_hours, now).date()


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
    return ("day", s.by_day) if s.range.days <= 62 else ("month", s.by_month)
