import io
import sys

import pytest

from kiosk_app.admin.auth import StaffAuth
from kiosk_app.admin.cli import main as admin_main
from kiosk_app.admin.pin import ADMIN_PIN_SETTING, hash_pin
from kiosk_app.storage.database import connect, migrate
from kiosk_app.storage.migrations import MIGRATIONS
from kiosk_app.storage.session_store import SessionStore
from kiosk_app.storage.staff_store import StaffStore


def cli(monkeypatch, data_dir, *args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return admin_main([*args, "--data-dir", str(data_dir)])


def test_migration_carries_the_admin_pin_over_as_an_administrator(kiosk_paths):
    db = connect(kiosk_paths.db_file)
    migrate(db, kiosk_paths.backups_dir, MIGRATIONS[:2])
    old_hash = hash_pin("2468")
    db["settings"].insert({"key": ADMIN_PIN_SETTING, "value": old_hash})
    db.conn.close()
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    [admin] = StaffStore(store).accounts()
    assert (admin.role, admin.pin_hash, admin.is_default_admin) == ("admin", old_hash, True)
    assert list(kiosk_paths.backups_dir.glob("kiosk-v2-*.db"))  # backed up before migrating
    result = StaffAuth(store, 5, 60).check("2468")
    assert result.ok and result.role == "admin" and result.staff_id == admin.id
    store.close()


@pytest.mark.allow_log("staff.login_failed")
def test_each_account_signs_in_with_its_own_pin_and_role(store):
    accounts = StaffStore(store)
    an = accounts.add("Nguyễn Văn An", "officer", hash_pin("1111"))
    binh = accounts.add("Trần Thị Bình", "admin", hash_pin("2222"))
    auth = StaffAuth(store, 3, 60)
    assert auth.pin_is_set()
    officer = auth.check("1111")
    assert (officer.ok, officer.role, officer.staff_id, officer.name) == (True, "officer", an, "Nguyễn Văn An")
    assert auth.signed_in == officer
    assert auth.check("2222").role == "admin" and auth.check("2222").staff_id == binh
    accounts.remove(an)
    assert not auth.check("1111").ok  # a removed account no longer signs in
    assert accounts.get(an).active is False


@pytest.mark.allow_log("staff.login_")
def test_wrong_pins_lock_every_account_and_are_logged(store):
    StaffStore(store).add("An", "officer", hash_pin("1111"))
    now = [0.0]
    auth = StaffAuth(store, failed_limit=3, lockout_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert not auth.check("9999").ok
    assert auth.check("1111").locked_for_s == 60
    now[0] = 61
    assert auth.check("1111").ok
    store.flush()
    events = [r[0] for r in store.database.execute("SELECT event FROM events ORDER BY id")]
    assert events == ["staff.login_failed"] * 3 + ["staff.login_locked", "staff.login"]
    assert "9999" not in str(list(store.database.execute("SELECT data FROM events")))


@pytest.mark.allow_log("staff.login_failed")
def test_legacy_pin_works_only_until_accounts_exist(store):
    store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    auth = StaffAuth(store, 5, 60)
    assert auth.check("2468").ok and auth.check("2468").staff_id is None
    accounts = StaffStore(store)
    an = accounts.add("An", "officer", hash_pin("1111"))
    assert not auth.check("2468").ok
    accounts.remove(an)
    assert not auth.pin_is_set()  # removing every account does not bring the old PIN back


@pytest.mark.allow_log("staff.login_failed")
def test_cli_staff_add_list_set_pin_remove(kiosk_paths, monkeypatch, capsys):
    d = kiosk_paths.data_dir
    assert cli(monkeypatch, d, "set-admin-pin", "--pin-stdin", stdin="2468\n") == 0
    assert cli(monkeypatch, d, "staff", "add", "--name", "Nguyễn Văn An", "--pin-stdin", stdin="1357\n") == 0
    assert cli(monkeypatch, d, "staff", "add", "--name", "Lê Chi", "--pin-stdin", stdin="1357\n") == 1
    assert "already uses this PIN" in capsys.readouterr().err
    assert cli(monkeypatch, d, "staff", "list") == 0
    out = capsys.readouterr().out
    assert "admin\tQuản trị (default administrator)" in out and "officer\tNguyễn Văn An" in out
    assert cli(monkeypatch, d, "staff", "set-pin", "--name", "nguyễn văn an", "--pin-stdin", stdin="8642\n") == 0
    assert cli(monkeypatch, d, "set-admin-pin", "--pin-stdin", stdin="9753\n") == 0
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    auth = StaffAuth(store, 5, 60)
    assert auth.check("8642").role == "officer" and auth.check("9753").role == "admin"
    assert not auth.check("1357").ok and not auth.check("2468").ok
    assert len(StaffStore(store).accounts()) == 2  # set-admin-pin updated the same administrator
    store.close()
    assert cli(monkeypatch, d, "staff", "remove", "--name", "Quản trị") == 1
    assert "last administrator" in capsys.readouterr().err
    assert cli(monkeypatch, d, "staff", "remove", "--name", "Nguyễn Văn An") == 0
    assert cli(monkeypatch, d, "staff", "remove", "--id", "999") == 1
    assert cli(monkeypatch, d, "staff", "add", "--name", " ", "--pin-stdin", stdin="1212\n") == 1
    assert "needs a name" in capsys.readouterr().err


@pytest.mark.parametrize("pin", ["12", "abcd", ""])
def test_cli_refuses_bad_pins(kiosk_paths, monkeypatch, capsys, pin):
    assert cli(monkeypatch, kiosk_paths.data_dir, "staff", "add", "--name", "An", "--pin-stdin",
               stdin=pin + "\n") == 1
    assert "4 to 12 digits" in capsys.readouterr().err


def test_v4_gives_the_figures_their_covering_index(kiosk_paths):
    db = connect(kiosk_paths.db_file)
    migrate(db, kiosk_paths.backups_dir, MIGRATIONS[:3])
    db["sessions"].create_index(["started_at", "outcome"], index_name="idx_sessions_started_outcome")
    db.conn.close()
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    names = {r[0] for r in store.database.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_sessions_figures" in names and "idx_sessions_started_outcome" not in names
    from kiosk_app.stats.figures import CUBE_SQL
    plan = " ".join(r[3] for r in store.database.execute("EXPLAIN QUERY PLAN " + CUBE_SQL, ["a", "+7 hours", "a", "b"]))
    assert "COVERING INDEX idx_sessions_figures" in plan
    store.close()


@pytest.mark.parametrize("name, message", [
    ("A" * 10_000, "at most 60 characters"), ("An\nB", "control characters or line breaks"),
    ("An\x1b[2J", "control characters"), ("An\u2028B", "line breaks"), ("Bình\u200b", "control characters")])
def test_staff_names_are_limited_and_printable(store, name, message):
    with pytest.raises(ValueError, match=message):
        StaffStore(store).add(name, "officer", hash_pin("1111"))
    assert StaffStore(store).accounts() == []


def test_staff_names_are_stored_in_nfc(store, monkeypatch, capsys, kiosk_paths):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Bình")
    sid = StaffStore(store).add("  " + nfd + " ", "officer", hash_pin("1111"))
    stored = StaffStore(store).get(sid).name
    assert stored == unicodedata.normalize("NFC", "Nguyễn Thị Bình") and len(stored) == 15
    assert [a.id for a in StaffStore(store).find(nfd)] == [sid]
    store.flush()
    assert cli(monkeypatch, kiosk_paths.data_dir, "staff", "add", "--name", "X\ty", "--pin-stdin",
               stdin="1212\n") == 1
    assert "control characters" in capsys.readouterr().err


def test_staff_list_shows_old_names_with_control_characters_escaped(kiosk_paths, monkeypatch, capsys):
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    store.database.execute("INSERT INTO staff (name, role, pin_hash) VALUES (?, 'officer', 'x')", ["An\nadmin\tX"])
    store.database.conn.commit()
    store.close()
    assert cli(monkeypatch, kiosk_paths.data_dir, "staff", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["1\tofficer\tAn\\nadmin\\tX"]


def test_check_says_a_newer_database_will_not_be_opened(kiosk_paths, monkeypatch, capsys):
    import sqlite3

    kiosk_paths.ensure()
    conn = sqlite3.connect(kiosk_paths.db_file)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    from kiosk_app.admin import checks

    found = checks.check_database(checks.CheckContext(kiosk_paths, None))
    assert not found.ok and "newer kiosk (schema version 999" in found.detail and "will not be opened" in found.detail
    assert "migrates" not in found.detail
