import json

import pytest

from kiosk_app.session.idle import ACTIVE, EXPIRED, WARNING, IdleWatcher, idle_phase
from kiosk_app.session.manager import SessionManager
from kiosk_app.storage.session_store import SessionStore


@pytest.fixture
def sessions(store, kiosk_paths, qtbot):
    return SessionManager(store, kiosk_paths, "kiosk-test")


def rows(store, sql, *args):
    return list(store._db.execute(sql, args))


def test_start_opens_a_row_a_folder_and_an_event(sessions, store, qtbot):
    with qtbot.waitSignal(sessions.started) as got:
        s = sessions.start("resident")
    assert got.args[0] is s
    assert s.work_dir.is_dir()
    row = store._db["sessions"].get(s.id)
    assert row["kiosk_id"] == "kiosk-test" and row["start_kind"] == "resident" and row["ended_at"] is None
    assert rows(store, "SELECT event FROM events WHERE session_id = ?", s.id) == [("session.started",)]


@pytest.mark.allow_log("wipe step broken failed")
def test_end_runs_every_wipe_step_in_order_then_removes_the_folder(sessions, store, qtbot):
    ran = []
    sessions.add_wipe_step("first", lambda s: ran.append(("first", s.id)))
    sessions.add_wipe_step("broken", lambda s: 1 / 0)
    sessions.add_wipe_step("last", lambda s: ran.append(("last", s.id)))
    s = sessions.start()
    (s.work_dir / "scan.pdf").write_bytes(b"%PDF- resident document")
    (s.work_dir / "sub").mkdir()
    (s.work_dir / "sub" / "x.jpg").write_bytes(b"jpeg")
    with qtbot.waitSignal(sessions.ended) as got:
        sessions.end("finished")
    assert got.args == [s.id, "finished"]
    assert ran == [("first", s.id), ("last", s.id)]  # a broken step does not stop the others
    assert not s.work_dir.exists()
    assert sessions.current is None
    row = store._db["sessions"].get(s.id)
    assert row["end_reason"] == "finished" and row["ended_at"] and row["duration_s"] >= 0
    wipes = [json.loads(d) for (d,) in rows(store, "SELECT data FROM events WHERE event='session.wipe'")]
    assert [(w["step"], w["ok"]) for w in wipes] == [("first", True), ("broken", False), ("last", True)]


def test_recorded_events_hold_only_the_given_fields(sessions, store):
    s = sessions.start()
    sessions.record("video.step", guide="login", step=3)
    (data,) = rows(store, "SELECT data FROM events WHERE event='video.step' AND session_id=?", s.id)[0]
    assert json.loads(data) == {"guide": "login", "step": 3}


def test_update_sets_outcome_fields(sessions, store):
    s = sessions.start()
    sessions.update(mode="practice", submitted=1)
    row = store._db["sessions"].get(s.id)
    assert row["mode"] == "practice" and row["submitted"] == 1
    with pytest.raises(ValueError):
        sessions.update(mode="bogus")


def test_starting_again_ends_the_running_session(sessions, store):
    first = sessions.start()
    second = sessions.start()
    assert store._db["sessions"].get(first.id)["end_reason"] == "staff"
    assert sessions.current is second


def test_crash_recovery_closes_open_sessions_as_interrupted_and_removes_folders(store, kiosk_paths, qtbot):
    crashed = SessionManager(store, kiosk_paths, "k")
    s = crashed.start()
    (s.work_dir / "cccd.pdf").write_bytes(b"%PDF-")
    # The process dies here: no end(). A new kiosk starts on the same data dir.
    after = SessionManager(store, kiosk_paths, "k")
    assert after.recover_interrupted() == [s.id]
    assert store._db["sessions"].get(s.id)["end_reason"] == "interrupted"
    assert not s.work_dir.exists()
    assert list(kiosk_paths.sessions_dir.iterdir()) == []


def test_session_goes_on_when_the_database_cannot_be_written(kiosk_paths, qtbot):
    store = SessionStore(None, None)
    sessions = SessionManager(store, kiosk_paths, "k")
    s = sessions.start()
    sessions.record("scan.page", pages=1)
    sessions.end("finished")
    assert not s.work_dir.exists()
    assert store.pending >= 4  # started, event, wipe/ended, row writes kept for later


@pytest.mark.parametrize("idle, phase, left", [
    (0, ACTIVE, 60), (59.5, ACTIVE, 0.5), (60, WARNING, 10), (69, WARNING, 1), (70, EXPIRED, 0), (500, EXPIRED, 0),
])
def test_idle_phase(idle, phase, left):
    assert idle_phase(idle, 60, 10) == (phase, pytest.approx(left))


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_idle_watcher_warns_counts_down_then_expires(qtbot):
    clock = FakeClock()
    watcher = IdleWatcher(60, 10, tick_ms=10, clock=clock)
    watcher.start()
    clock.now += 61
    with qtbot.waitSignal(watcher.warning, timeout=2000):
        pass
    with qtbot.waitSignal(watcher.countdown, timeout=2000) as tick:
        pass
    assert tick.args[0] == 9
    clock.now += 10
    with qtbot.waitSignal(watcher.expired, timeout=2000):
        pass
    assert not watcher.running


def test_idle_watcher_poke_during_warning_resumes(qtbot):
    clock = FakeClock()
    watcher = IdleWatcher(60, 10, tick_ms=10, clock=clock)
    watcher.start()
    clock.now += 65
    with qtbot.waitSignal(watcher.warning, timeout=2000):
        pass
    with qtbot.waitSignal(watcher.resumed, timeout=2000):
        watcher.poke()
    clock.now += 30
    with qtbot.assertNotEmitted(watcher.warning, wait=100):
        pass
    watcher.stop()
