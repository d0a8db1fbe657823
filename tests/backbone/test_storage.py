import json
import sqlite3

import pytest
from sqlite_utils import Database

from kiosk_app.storage.database import connect, migrate, open_database, schema_version
from kiosk_app.storage.migrations import MIGRATIONS, SCHEMA_VERSION
from kiosk_app.storage.session_store import SessionStore


def session_row(sid="s1", **extra):
    return {"id": sid, "kiosk_id": "k", "started_at": "2026-01-01T00:00:00+00:00",
            "start_kind": "resident", "mode": "self", **extra}


def test_new_database_is_current_and_in_wal_mode(kiosk_paths):
    opened = open_database(kiosk_paths.db_file, kiosk_paths.backups_dir)
    assert opened.problem is None
    assert schema_version(opened.db) == SCHEMA_VERSION
    assert opened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"sessions", "events", "settings"} <= set(opened.db.table_names())
    assert list(kiosk_paths.backups_dir.iterdir()) == []  # nothing to back up when new


@pytest.mark.parametrize("old_version", range(1, SCHEMA_VERSION))
def test_old_database_is_backed_up_then_migrated_keeping_its_data(kiosk_paths, old_version):
    db = connect(kiosk_paths.db_file)
    migrate(db, kiosk_paths.backups_dir, MIGRATIONS[:old_version])
    db["sessions"].insert(session_row())
    db.conn.close()

    opened = open_database(kiosk_paths.db_file, kiosk_paths.backups_dir)
    assert schema_version(opened.db) == SCHEMA_VERSION
    assert opened.db["sessions"].get("s1")["kiosk_id"] == "k"
    backups = list(kiosk_paths.backups_dir.glob(f"kiosk-v{old_version}-*.db"))
    assert len(backups) == 1
    saved = Database(backups[0])
    assert saved.execute("PRAGMA user_version").fetchone()[0] == old_version
    assert saved["sessions"].count == 1


def test_migrations_run_in_order_once_each(kiosk_paths):
    ran = []
    steps = [lambda db, i=i: ran.append(i) for i in range(3)]
    db = connect(kiosk_paths.db_file)
    assert migrate(db, kiosk_paths.backups_dir, steps[:2]) == 2
    assert migrate(db, kiosk_paths.backups_dir, steps) == 3
    assert migrate(db, kiosk_paths.backups_dir, steps) == 3
    assert ran == [0, 1, 2]


def test_failed_migration_rolls_back_and_keeps_the_version(kiosk_paths):
    def broken(db):
        db["half"].create({"x": int})
        raise RuntimeError("boom")
    db = connect(kiosk_paths.db_file)
    with pytest.raises(RuntimeError):
        migrate(db, kiosk_paths.backups_dir, [broken])
    assert schema_version(db) == 0
    assert "half" not in db.table_names()


@pytest.mark.allow_log("storage.corrupt")
def test_corrupt_database_is_moved_aside_and_a_new_one_started(kiosk_paths):
    kiosk_paths.db_file.write_bytes(b"this is not sqlite at all" * 400)
    opened = open_database(kiosk_paths.db_file, kiosk_paths.backups_dir)
    assert opened.db is not None
    assert opened.moved_aside is not None and opened.moved_aside.read_bytes().startswith(b"this is not")
    assert "moved" in opened.problem
    assert schema_version(opened.db) == SCHEMA_VERSION


@pytest.mark.allow_log("storage.unavailable")
def test_database_from_a_newer_kiosk_is_left_alone(kiosk_paths):
    db = connect(kiosk_paths.db_file)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.conn.close()
    opened = open_database(kiosk_paths.db_file, kiosk_paths.backups_dir)
    assert opened.db is None and "newer" in opened.problem
    assert kiosk_paths.db_file.exists()


@pytest.mark.allow_log("storage.write_failed")
def test_events_are_kept_while_the_database_is_locked_and_written_later(kiosk_paths, monkeypatch):
    import kiosk_app.storage.database as database
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    store, problem = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    assert problem is None
    store.open_session(session_row())
    blocker = sqlite3.connect(str(kiosk_paths.db_file), timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert store.add_event("s1", "t1", "video.opened", {"guide": "login"}) is False
        assert store.add_event("s1", "t2", "video.step", {"step": 2}) is False
        assert store.pending == 2
    finally:
        blocker.rollback()
        blocker.close()
    assert store.flush() is True
    rows = list(store._db.execute("SELECT event, data FROM events ORDER BY id"))
    assert [(e, json.loads(d)) for e, d in rows] == [("video.opened", {"guide": "login"}),
                                                     ("video.step", {"step": 2})]
    assert store.pending == 0


def test_store_without_database_queues_and_reconnects(kiosk_paths):
    calls = []

    def reopen():
        calls.append(1)
        return None if len(calls) == 1 else open_database(kiosk_paths.db_file, kiosk_paths.backups_dir).db

    store = SessionStore(None, reopen)
    assert store.open_session(session_row()) is False
    assert store.pending == 1
    assert store.flush() is True
    assert store._db["sessions"].get("s1")["mode"] == "self"


@pytest.mark.allow_log("storage.dropped", "storage.write_failed")
def test_pending_writes_are_capped_and_the_loss_counted(kiosk_paths, monkeypatch):
    import kiosk_app.storage.session_store as ss
    monkeypatch.setattr(ss, "MAX_PENDING", 3)
    store = SessionStore(None, None)
    for i in range(5):
        store.add_event(None, str(i), "e", {})
    assert store.pending == 3 and store.dropped == 2


def test_close_interrupted_closes_only_open_sessions(kiosk_paths):
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    store.open_session(session_row("open"))
    store.open_session(session_row("done", ended_at="x", end_reason="finished"))
    assert store.close_interrupted("2026-01-02T00:00:00+00:00") == ["open"]
    assert store._db["sessions"].get("open")["end_reason"] == "interrupted"
    assert store._db["sessions"].get("done")["end_reason"] == "finished"
