import subprocess
import sys

import pytest

from kiosk_app.admin.auth import StaffAuth, lockout_left
from kiosk_app.admin.cli import main as admin_main
from kiosk_app.admin.pin import ADMIN_PIN_SETTING, hash_pin, valid_pin, verify_pin
from kiosk_app.storage.session_store import SessionStore
from tests.conftest import ROOT


def test_pin_hash_is_salted_slow_and_verifiable():
    a, b = hash_pin("2468"), hash_pin("2468")
    assert a != b  # salted
    assert a.startswith("scrypt$16384$8$1$") and "2468" not in a
    assert verify_pin("2468", a) and verify_pin("2468", b)
    assert not verify_pin("2469", a)
    assert not verify_pin("2468", None) and not verify_pin("2468", "garbage")


@pytest.mark.parametrize("pin, ok", [("1234", True), ("123456789012", True), ("123", False),
                                     ("12a4", False), ("１２３４", False), ("", False)])
def test_valid_pin(pin, ok):
    assert valid_pin(pin) is ok


def test_lockout_window():
    assert lockout_left(4, 100, 101, 5, 300) == 0
    assert lockout_left(5, 100, 101, 5, 300) == 299
    assert lockout_left(5, 100, 401, 5, 300) == 0


@pytest.mark.allow_log("staff.login_")
def test_auth_locks_after_limit_and_reopens_after_lockout(kiosk_paths):
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    now = [0.0]
    auth = StaffAuth(store, failed_limit=3, lockout_s=60, clock=lambda: now[0])
    assert auth.check("1111").attempts_left == 2
    assert auth.check("1111").attempts_left == 1
    third = auth.check("1111")
    assert not third.ok and third.locked_for_s == 60
    assert not auth.check("2468").ok  # locked
    now[0] = 61
    assert auth.check("2468").ok


@pytest.mark.allow_log("staff.login_")
def test_the_lockout_survives_a_restart(kiosk_paths):
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    now = [1_000.0]
    auth = StaffAuth(store, failed_limit=3, lockout_s=60, clock=lambda: now[0])
    for _ in range(3):
        auth.check("1111")
    store.close()

    # The plug pulled: a new process, a new store and a new StaffAuth on the same file.
    now[0] += 10
    reopened, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    again = StaffAuth(reopened, failed_limit=3, lockout_s=60, clock=lambda: now[0])
    result = again.check("2468")
    assert not result.ok and result.locked_for_s == 50
    now[0] += 51
    assert again.check("2468").ok
    reopened.close()


def test_a_clock_set_back_never_lengthens_the_lockout():
    assert lockout_left(5, 10_000, 100, 5, 300) == 300


def test_set_admin_pin_then_check_passes(kiosk_paths, capsys, monkeypatch):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("97531\n"))
    assert admin_main(["set-admin-pin", "--pin-stdin", "--data-dir", str(kiosk_paths.data_dir)]) == 0
    store, _ = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    stored = store.get_setting(ADMIN_PIN_SETTING)
    assert verify_pin("97531", stored) and "97531" not in stored
    capsys.readouterr()
    assert admin_main(["check", "--data-dir", str(kiosk_paths.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "OK   admin PIN" in out and "OK   fonts" in out and "OK   database" in out


def test_set_admin_pin_refuses_a_bad_pin(kiosk_paths, monkeypatch, capsys):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("12\n"))
    assert admin_main(["set-admin-pin", "--pin-stdin", "--data-dir", str(kiosk_paths.data_dir)]) == 1
    assert "4 to 12 digits" in capsys.readouterr().err


def test_check_fails_without_admin_pin(kiosk_paths, capsys):
    assert admin_main(["check", "--data-dir", str(kiosk_paths.data_dir)]) == 1
    assert "FAIL admin PIN: not set" in capsys.readouterr().out


def test_check_prints_the_same_config_message_as_the_kiosk(kiosk_paths, tmp_path, capsys):
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[session]\ncountdown_s = 0\n")
    assert admin_main(["check", "--data-dir", str(kiosk_paths.data_dir), "--config", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL config: Config error in {bad}: session.countdown_s = 0 is not allowed; " \
           "expected a whole number from 5 to 300" in out


def test_check_reports_a_damaged_database(kiosk_paths, capsys):
    kiosk_paths.db_file.write_bytes(b"x" * 5000)
    assert admin_main(["check", "--data-dir", str(kiosk_paths.data_dir)]) == 1
    assert "FAIL database" in capsys.readouterr().out


def test_kiosk_admin_runs_as_a_command(kiosk_paths):
    out = subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "check", "--data-dir",
                          str(kiosk_paths.data_dir)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1 and "passed, 1 failed" in out.stdout
