"""The per-day totals the triggers keep equal a recomputation from the raw sessions."""

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from kiosk_app.storage import day_totals
from kiosk_app.stats import figures as F
from kiosk_app.stats.figures import DateRange

from .conftest import add_session

RANGE = DateRange(date(2026, 10, 30), date(2026, 12, 2))


def _summary(conn, raw: bool, monkeypatch, offset: int = 7):
    with monkeypatch.context() as m:
        if raw:
            m.setattr(day_totals, "available", lambda conn, offset_hours: False)
        else:
            assert day_totals.available(conn, offset)
        s = F.summary(conn, RANGE, offset)
    return s


def _same(a, b):
    for group in ("by_day", "by_week", "by_month", "by_procedure", "by_officer"):
        left, right = getattr(a, group), getattr(b, group)
        assert [k for k, _ in left] == [k for k, _ in right], group
        for (k, x), (_, y) in zip(left, right):
            assert x.duration_total_s == pytest.approx(y.duration_total_s), (group, k)
            assert x.__dict__ | {"duration_total_s": 0} == y.__dict__ | {"duration_total_s": 0}, (group, k)
    assert a.not_filed_reasons == b.not_filed_reasons and a.satisfaction == b.satisfaction


def _random_session(rnd: random.Random) -> dict:
    started = datetime(2026, 10, 30, tzinfo=timezone.utc) + timedelta(minutes=rnd.randrange(34 * 24 * 60))
    return dict(started_at=started.isoformat(timespec="milliseconds"),
                start_kind=rnd.choice(["resident", "staff", "demo"]),
                mode=rnd.choice(["self", "guided", "practice"]),
                outcome=rnd.choice(["filed_alone", "filed_helped", "not_filed", "practice", "", None]),
                procedure_code=rnd.choice(["A", "B", "", None]), officer_id=rnd.choice([None, 0, 1, 2]),
                helped=rnd.choice([0, 1, None]), duration_s=rnd.choice([None, 60, 90.5, 600]),
                not_filed_reason=rnd.choice([None, "", "no_level2", "other"]),
                satisfaction=rnd.choice([None, 1, 3, 5]), trips=rnd.choice([None, 0, 2]),
                satisfaction_reason=rnd.choice([None, "", "waited_long"]))


def test_totals_follow_inserts_updates_and_deletes(store, monkeypatch):
    db, conn, rnd = store.database, store.database.conn, random.Random(12)
    for i in range(300):
        add_session(db, f"s{i}", **_random_session(rnd))
    for i in rnd.sample(range(300), 120):  # a session's answers change while it runs, or later
        changes = {k: v for k, v in _random_session(rnd).items() if rnd.random() < 0.4}
        if changes:
            db["sessions"].update(f"s{i}", changes)
    conn.execute("UPDATE sessions SET kiosk_id = 'other' WHERE rowid % 7 = 0")  # a column not counted
    for i in rnd.sample(range(300), 40):
        conn.execute("DELETE FROM sessions WHERE id = ?", [f"s{i}"])
    fast = _summary(conn, False, monkeypatch)
    assert fast.total.sessions > 100
    _same(fast, _summary(conn, True, monkeypatch))


def test_the_backfill_of_an_older_log_equals_the_raw_figures(store, monkeypatch):
    conn, rnd = store.database.conn, random.Random(3)
    for i in range(200):
        add_session(store.database, f"s{i}", **_random_session(rnd))
    conn.execute("DROP TABLE day_counts")  # as before the migration: no totals
    conn.execute("DROP TABLE day_details")
    for name in ("insert", "delete", "update_old", "update_new"):
        conn.execute(f"DROP TRIGGER day_totals_{name}")
    raw = _summary(conn, True, monkeypatch)
    day_totals.create(conn)
    _same(_summary(conn, False, monkeypatch), raw)


def test_another_offset_reads_the_raw_sessions(store):
    assert day_totals.available(store.database.conn, 7)
    assert not day_totals.available(store.database.conn, 0)
