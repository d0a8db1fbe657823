from datetime import date

import pytest

from kiosk_app.stats import figures as F
from kiosk_app.stats.figures import DateRange, RangeError, parse_range, utc_bounds

NOV = DateRange(date(2026, 11, 1), date(2026, 11, 30))


def test_local_day_boundary_is_utc_plus_7():
    assert utc_bounds(NOV, 7) == ("2026-10-31T17:00:00", "2026-11-30T17:00:00")
    assert utc_bounds(DateRange(date(2026, 1, 1), date(2026, 1, 1)), 0) == ("2026-01-01T00:00:00",
                                                                             "2026-01-02T00:00:00")
    assert F.local_time("2026-10-31T16:59:59.999+00:00").date() == date(2026, 10, 31)
    assert F.local_time("2026-10-31T17:00:00.000+00:00").date() == date(2026, 11, 1)
    assert F.local_time("2026-10-31T17:00:00Z").hour == 0


@pytest.mark.parametrize("start, end, code", [
    ("2026-11-30", "2026-11-01", "order"), ("2026/11/01", "2026-11-30", "format"),
    ("31/02/2026", "2026-03-01", "format"), ("", "2026-03-01", "format"),
    ("2000-01-01", "2030-01-01", "too_long")])
def test_bad_ranges_are_refused_with_a_reason(start, end, code):
    with pytest.raises(RangeError) as err:
        parse_range(start, end)
    assert err.value.code == code


def test_ranges_accept_iso_and_vietnamese_dates():
    assert parse_range("01/11/2026", "2026-11-30") == NOV
    assert parse_range("2026-11-30", "30/11/2026").days == 1


def test_rate_never_invents_a_zero():
    assert F.rate(0, 0) is None and F.rate(2, 3) == 2 / 3


def test_totals_match_the_hand_computed_figures(dataset):
    t = F.total(dataset.database.conn, NOV)
    assert (t.sessions, t.practice, t.filed_alone, t.filed_helped, t.not_filed, t.no_outcome) == (7, 1, 2, 1, 2, 1)
    assert t.filed == 3 and t.non_practice == 6
    assert t.self_filing_rate == pytest.approx(2 / 3)
    assert t.completion_rate == pytest.approx(0.5)
    assert t.avg_duration_s == pytest.approx(330)
    assert t.stepped_in == 1
    assert t.portal_submitted == 1  # only s6 showed the portal's success page; s2 s3 s10 were answers


def test_sessions_on_either_side_of_local_midnight(dataset):
    conn = dataset.database.conn
    october = F.total(conn, DateRange(date(2026, 10, 31), date(2026, 10, 31)))
    assert october.sessions == 1 and october.filed_alone == 1  # s1 at 23:59:59.999 local
    last_day = F.total(conn, DateRange(date(2026, 11, 30), date(2026, 11, 30)))
    assert last_day.sessions == 1 and last_day.filed_alone == 1  # s10, 23:30 local
    december = F.total(conn, DateRange(date(2026, 12, 1), date(2026, 12, 1)))
    assert december.sessions == 1 and december.filed_helped == 1  # s9, 00:00 local on 1 Dec
    in_utc = F.total(conn, DateRange(date(2026, 11, 1), date(2026, 11, 30)), offset_hours=0)
    assert in_utc.sessions == 7  # s2 moves out to 31 Oct, s9 in to 30 Nov


def test_grouping_by_day_week_month_procedure_officer(dataset):
    conn = dataset.database.conn
    by_day = {k: c.sessions for k, c in F.counts_by(conn, NOV, "day") if c.sessions}
    assert by_day == {"2026-11-01": 1, "2026-11-02": 2, "2026-11-03": 2, "2026-11-05": 1, "2026-11-30": 1}
    by_week = {k: c.sessions for k, c in F.counts_by(conn, NOV, "week") if c.sessions}
    assert by_week == {"2026-10-26": 1, "2026-11-02": 5, "2026-11-30": 1}  # weeks start on Monday
    by_month = F.counts_by(conn, DateRange(date(2026, 10, 1), date(2026, 12, 31)), "month")
    assert [(k, c.sessions, c.filed) for k, c in by_month] == [("2026-10", 1, 1), ("2026-11", 7, 3),
                                                             ("2026-12", 1, 1)]
    by_proc = {k: (c.sessions, c.filed_alone, c.filed_helped, c.not_filed) for k, c in F.counts_by(conn, NOV, "procedure")}
    assert by_proc == {"": (2, 0, 0, 0), "A": (2, 1, 1, 0), "B": (3, 1, 0, 2)}
    by_officer = {k: c.sessions for k, c in F.counts_by(conn, NOV, "officer")}
    assert by_officer == {"0": 6, "1": 1}


def test_reasons_satisfaction_guides_and_scans(dataset):
    conn = dataset.database.conn
    assert F.not_filed_reasons(conn, NOV) == {"missing_documents": 1, "no_level2": 1}
    sat = F.satisfaction(conn, NOV)
    assert sat.ratings == {5: 1, 4: 1, 2: 1} and sat.trips == {0: 1, 1: 1, 2: 1}
    assert sat.low_reasons == {"waited_long": 1}
    assert sat.average == pytest.approx(11 / 3) and sat.satisfied_share == pytest.approx(2 / 3)
    guides = {g.guide: g for g in F.guides(conn, NOV)}
    assert (guides["vneid"].opened, guides["vneid"].finished, guides["vneid"].stops) == (3, 1, {1: 1, 2: 1})
    assert guides["vneid"].most_left_step == 1  # ties go to the earlier step
    assert (guides["nop-ho-so"].opened, guides["nop-ho-so"].stops) == (1, {0: 1})
    assert F.scans(conn, NOV) == F.ScanFigure(pages=5, documents=1, document_bytes=1000, sessions=2)


def test_an_empty_range_gives_zeros_and_no_rates(dataset):
    s = F.summary(dataset.database.conn, DateRange(date(2025, 1, 1), date(2025, 12, 31)))
    assert s.empty and s.total == F.Counts()
    assert s.total.self_filing_rate is None and s.total.completion_rate is None
    assert s.total.avg_duration_s is None and s.satisfaction.average is None
    assert [k for k, _c in s.by_month] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert all(c == F.Counts() for _k, c in s.by_month + s.by_day) and len(s.by_day) == 365
    assert s.guides == [] and s.scans == F.ScanFigure()


def test_an_empty_database(store):
    s = F.summary(store.database.conn, NOV)
    assert s.empty and s.not_filed_reasons == {}


def test_summary_total_equals_the_sum_of_its_months(dataset):
    s = F.summary(dataset.database.conn, DateRange(date(2026, 10, 1), date(2026, 12, 31)))
    assert s.total.sessions == 9 and s.total.filed == 5
    assert s.total == F.total(dataset.database.conn, s.range)


def test_presets_and_local_today():
    from datetime import datetime, timezone
    late = datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc)  # 00:30 on 1 January in Vietnam
    assert F.local_today(7, late) == date(2027, 1, 1) and F.local_today(0, late) == date(2026, 12, 31)
    today = date(2026, 3, 15)
    assert F.preset_range("today", today) == DateRange(today, today)
    assert F.preset_range("this_month", today) == DateRange(date(2026, 3, 1), today)
    assert F.preset_range("last_month", today) == DateRange(date(2026, 2, 1), date(2026, 2, 28))
    assert F.preset_range("last_month", date(2026, 1, 10)) == DateRange(date(2025, 12, 1), date(2025, 12, 31))
    assert F.preset_range("this_year", today) == DateRange(date(2026, 1, 1), today)


def test_chart_groups_list_every_day_or_month_of_the_range(dataset):
    conn = dataset.database.conn
    kind, groups = F.chart_groups(F.summary(conn, NOV))
    assert kind == "day" and len(groups) == 30 and groups[0][0] == "2026-11-01"
    assert dict(groups)["2026-11-04"] == F.Counts() and dict(groups)["2026-11-02"].sessions == 2
    kind, groups = F.chart_groups(F.summary(conn, DateRange(date(2026, 10, 15), date(2027, 2, 1))))
    assert kind == "month" and [k for k, _ in groups] == ["2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]


def test_every_day_week_and_month_of_a_range_is_listed_with_zeros(dataset):
    conn = dataset.database.conn
    by_day = F.counts_by(conn, NOV, "day")
    assert [k for k, _c in by_day] == [f"2026-11-{d:02d}" for d in range(1, 31)]
    assert dict(by_day)["2026-11-04"] == F.Counts()
    assert [k for k, _c in F.counts_by(conn, NOV, "week")] == ["2026-10-26", "2026-11-02", "2026-11-09",
                                                              "2026-11-16", "2026-11-23", "2026-11-30"]
    s = F.summary(conn, DateRange(date(2026, 11, 3), date(2026, 11, 5)))
    assert [(k, c.sessions) for k, c in s.by_day] == [("2026-11-03", 2), ("2026-11-04", 0), ("2026-11-05", 1)]


DEC = DateRange(date(2026, 12, 2), date(2026, 12, 3))


def test_by_officer_with_several_officers_a_day(store):
    from tests.staff.conftest import add_session

    db = store.database
    day1, day2 = "2026-12-02T02:00:00.000+00:00", "2026-12-03T02:00:00.000+00:00"
    rows = [  # (officer, procedure, outcome, helped, day)
        (1, "A", "filed_alone", 0, day1), (2, "A", "filed_alone", 0, day1), (1, "A", "filed_helped", 1, day1),
        (2, "B", "not_filed", 0, day1), (3, "A", "filed_alone", 1, day1), (1, "A", "filed_alone", 0, day2),
        (None, "A", "filed_alone", 0, day2), (2, "A", "filed_alone", 0, day1)]
    for i, (officer, code, outcome, helped, ts) in enumerate(rows):
        add_session(db, f"d{i}", ts, officer_id=officer, procedure_code=code, outcome=outcome, helped=helped)
    # By hand: officer 1: 3 sessions (alone d0 d5, helped d2); officer 2: 3 (alone d1 d7, not filed
    # d3); officer 3: 1 (d4: "alone" on a helped session is with help); none: 1 (alone d6).
    got = {k: (c.sessions, c.filed_alone, c.filed_helped, c.not_filed) for k, c in F.counts_by(store.database.conn,
                                                                                              DEC, "officer")}
    assert got == {"0": (1, 1, 0, 0), "1": (3, 2, 1, 0), "2": (3, 2, 0, 1), "3": (1, 0, 1, 0)}
    s = F.summary(store.database.conn, DEC)
    assert [k for k, _c in s.by_officer] == ["0", "1", "2", "3"]
    assert s.total.filed_alone == 5 and s.total.filed_helped == 2 and s.total.sessions == 8
    assert [(k, c.sessions) for k, c in s.by_day] == [("2026-12-02", 6), ("2026-12-03", 2)]


def test_a_session_in_which_anyone_helped_counts_as_with_help(store):
    from tests.staff.conftest import add_session

    add_session(store.database, "h1", "2026-12-02T02:00:00.000+00:00", outcome="filed_alone", helped=1,
                mode="guided")
    add_session(store.database, "h2", "2026-12-02T03:00:00.000+00:00", outcome="filed_alone", helped=0)
    t = F.total(store.database.conn, DEC)
    assert (t.filed_alone, t.filed_helped, t.stepped_in) == (1, 1, 1)


@pytest.mark.parametrize("start, end", [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02"),
                                        ("9999-12-31", "9999-12-31")])
def test_ranges_at_the_calendar_edge_are_refused_not_overflowing(start, end):
    with pytest.raises(RangeError) as err:
        parse_range(start, end)
    assert err.value.code == "out_of_range"
    with pytest.raises(RangeError):
        utc_bounds(DateRange(date(9999, 12, 31), date(9999, 12, 31)), 7)
    assert utc_bounds(parse_range("0001-01-02", "0001-01-02"), 14)[0] == "0001-01-01T10:00:00"
    assert utc_bounds(parse_range("9999-12-30", "9999-12-30"), -12)[1] == "9999-12-31T12:00:00"


def test_the_covering_index_covers_every_column_the_figures_read(dataset):
    """SQLite answers each query over sessions from idx_sessions_figures alone (no table lookup)."""
    import re

    from kiosk_app.stats import figures
    from kiosk_app.stats.export import Labels, session_sql

    conn = dataset.database.conn
    lo, hi = utc_bounds(NOV, 7)
    queries = {"cube": (figures.CUBE_SQL, ["+7 hours", lo, hi]), "guides": (figures.GUIDES_SQL, [lo, hi]),
               "portal": (figures.PORTAL_SQL, ["+7 hours", lo, lo, hi]), "details": (figures.DETAILS_SQL, [lo, hi]),
               "scans": (figures.SCANS_SQL, [lo, hi])}
    # (the portal query looks its few sessions up by id, the primary key)
    covered = {"cube": [("sessions", "idx_sessions_figures")], "details": [("sessions", "idx_sessions_figures")],
               "guides": [("events", "idx_events_figures")],
               "scans": [("events", "idx_events_figures")], "portal": [("events", "idx_events_figures")]}
    for name, (sql, params) in queries.items():
        plan = " / ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        for table, index in covered[name]:
            steps = [step for step in plan.split(" / ") if re.search(rf"\b{table}\b", step)]
            assert steps and all(f"COVERING INDEX {index}" in step for step in steps), (name, plan)
    # The export's list of sessions reads every column: it walks the index in order, then the rows.
    sql, params = session_sql(Labels({}, {}), 7, for_csv=True)
    plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, {**params, "lo": lo, "hi": hi}))
    assert ("idx_sessions_figures" in plan or "sessions_started_at" in plan) and "TEMP B-TREE" not in plan, plan


def test_the_outcome_conditions_agree_with_the_effective_outcome(store):
    """COUNT_SQL counts with one condition per outcome; the exports show EFFECTIVE_OUTCOME."""
    conn = store.database.conn
    one = "FROM (SELECT :mode AS mode, :outcome AS outcome, :helped AS helped)"
    for mode in ("self", "guided", "practice", None):
        for outcome in ("filed_alone", "filed_helped", "not_filed", "practice", "", None, "odd"):
            for helped in (0, 1, None):
                row = {"mode": mode, "outcome": outcome, "helped": helped}
                effective = conn.execute(f"SELECT {F.EFFECTIVE_OUTCOME} {one}", row).fetchone()[0]
                matches = [k for k, cond in F.OUTCOME_IS.items()
                           if conn.execute(f"SELECT {cond} {one}", row).fetchone()[0]]
                assert matches == ([effective] if effective in F.OUTCOME_IS else []), (row, effective, matches)
