"""The kiosk on a database it cannot write: staff are told on the home screen, the log counts the loss."""

import dataclasses
import logging
import sqlite3

import pytest

from kiosk_app.strings import common as C


def _newer(paths):
    conn = sqlite3.connect(paths.db_file)
    conn.execute("PRAGMA user_version = 999")
    conn.close()


def _read_only(paths, monkeypatch):
    import kiosk_app.storage.database as database

    real = database.connect

    def refusing(path):  # as a read-only mount answers: the file opens, nothing can be written
        db = real(path)
        db.conn.execute("PRAGMA query_only = 1")
        return db

    monkeypatch.setattr(database, "connect", refusing)
    monkeypatch.setattr(database.os, "access", lambda p, mode: False)


@pytest.mark.parametrize("kind", ["newer", "read_only"])
def test_staff_see_that_nothing_is_saved_and_the_log_counts_the_loss(qtbot, kiosk_paths, monkeypatch, caplog,
                                                                       kind):
    from kiosk_app.app import Kiosk, Options
    from kiosk_app.config import load_config

    if kind == "newer":
        _newer(kiosk_paths)
    else:
        sqlite3.connect(kiosk_paths.db_file).close()
        _read_only(kiosk_paths, monkeypatch)
    cfg = load_config()
    cfg = dataclasses.replace(cfg, feedback=dataclasses.replace(cfg.feedback, enabled=False))
    kiosk = Kiosk(cfg, kiosk_paths, Options())
    qtbot.addWidget(kiosk.window)
    caplog.set_level(logging.INFO)
    kiosk.start()
    notice = kiosk.home.notice
    qtbot.waitUntil(lambda: C.PROBLEM_DB_KINDS[kind] in notice.text())
    assert C.PROBLEM_DB not in notice.text()  # "kept for later" would not be true
    kiosk.start_resident_session()  # residents are still served
    kiosk.sessions.end("finished")
    kiosk.shutdown()
    lost = [r for r in caplog.records if getattr(r, "event", None) == "storage.lost"]
    assert len(lost) == 1
    fields = lost[0].fields
    assert fields["problem"] == kind and fields["sessions"] == 1 and fields["events"] >= 1
