"""The kiosk started as a person starts it, driven with real clicks on a real X server."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import ROOT, wait_until

pytestmark = pytest.mark.e2e

# Where things are on a 1366×768 screen (see the screenshots in the README).
CENTER = (683, 400)
END_TILE = (1000, 620)
CONFIRM_YES = (720, 470)
FIRST_ANSWER = (366, 400)  # "Đã nộp xong", then "Tôi tự làm" (tests/staff covers every answer)
SATISFACTION_SKIP = (1250, 690)


def xdo(display, *args):
    subprocess.run(["xdotool", *map(str, args)], env=dict(os.environ, DISPLAY=display), check=True)


def touch(display, xy):
    xdo(display, "mousemove", *xy, "click", "1")


def screenshot(display, path: Path) -> Image.Image:
    subprocess.run(["import", "-window", "root", str(path)], env=dict(os.environ, DISPLAY=display), check=True)
    return Image.open(path).convert("RGB")


def read_db(data_dir: str, sql: str):
    conn = sqlite3.connect(f"file:{data_dir}/kiosk.db?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_resident_session_from_touch_to_wipe(start_kiosk, xvfb_display, tmp_path):
    kiosk = start_kiosk("--temp-data-dir", "--windowed", display=xvfb_display)
    ready = kiosk.wait_event("app.ready")
    data_dir = ready["data_dir"]
    assert ready["screen"] == "home"

    # The big blue "Chạm vào màn hình để bắt đầu" band is on screen.
    wait_until(lambda: screenshot(xvfb_display, tmp_path / "home.png").getpixel((683, 540))
               == (11, 79, 156), what="the home screen painted")

    touch(xvfb_display, CENTER)
    started = kiosk.wait_event("session.started")
    kiosk.wait_event("ui.screen", screen="menu")
    for key in ("Escape", "alt+F4", "ctrl+w", "ctrl+q", "F11"):
        xdo(xvfb_display, "key", key)
    kiosk.wait_event("shell.key_refused")
    assert kiosk.proc.poll() is None

    touch(xvfb_display, END_TILE)
    kiosk.wait_event("ui.overlay", overlay="endConfirm")
    # The question is painted with its red "Kết thúc" button where the resident touches next.
    wait_until(lambda: screenshot(xvfb_display, tmp_path / "confirm.png").getpixel(CONFIRM_YES)
               == (163, 22, 26), what="the end question on screen")
    touch(xvfb_display, CONFIRM_YES)
    kiosk.wait_event("ui.screen", screen="end_questions")
    touch(xvfb_display, FIRST_ANSWER)
    kiosk.wait_event("ui.question", question="helped")
    touch(xvfb_display, FIRST_ANSWER)
    ended = kiosk.wait_event("session.ended", reason="finished")
    assert ended["session"] == started["session"]
    kiosk.wait_event("ui.screen", screen="satisfaction")
    touch(xvfb_display, SATISFACTION_SKIP)
    kiosk.wait_event("ui.screen", screen="home")

    rows = read_db(data_dir, "SELECT id, start_kind, end_reason FROM sessions")
    assert rows == [(started["session"], "resident", "finished")]
    events = [e for (e,) in read_db(data_dir, "SELECT event FROM events ORDER BY id")]
    assert events[0] == "session.started" and events[-1] == "session.ended"
    assert not any(Path(data_dir, "sessions").iterdir())

    assert kiosk.stop() == 0
    assert kiosk.events()[-1]["event"] == "app.exit"
    assert not Path(data_dir).exists()  # --temp-data-dir leaves nothing behind


def test_five_taps_in_the_corner_open_the_staff_pin(start_kiosk, xvfb_display):
    kiosk = start_kiosk("--temp-data-dir", "--windowed", display=xvfb_display)
    kiosk.wait_event("app.ready")
    for _ in range(5):
        touch(xvfb_display, (20, 20))
    kiosk.wait_event("ui.screen", screen="staff_pin")


def test_wrong_pins_keep_the_staff_entry_locked_after_a_kill(start_kiosk, xvfb_display, tmp_path):
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "set-admin-pin", "--pin-stdin",
                    "--data-dir", str(data)], input="2468\n", text=True, check=True, cwd=ROOT,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)

    def enter_pin(kiosk, pin):
        xdo(xvfb_display, "key", "ctrl+alt+shift+a")
        kiosk.wait_event("ui.screen", screen="staff_pin")
        xdo(xvfb_display, "type", pin)
        xdo(xvfb_display, "key", "Return")

    first = start_kiosk("--data-dir", str(data), "--windowed", display=xvfb_display)
    first.wait_event("app.recovered")
    xdo(xvfb_display, "key", "ctrl+alt+shift+a")
    first.wait_event("ui.screen", screen="staff_pin")
    for n in range(1, 6):
        xdo(xvfb_display, "type", "1111")
        xdo(xvfb_display, "key", "Return")
        first.wait_event("staff.login_failed", failures=n)
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()

    second = start_kiosk("--data-dir", str(data), "--windowed", display=xvfb_display)
    second.wait_event("app.recovered")
    enter_pin(second, "2468")
    second.wait_event("staff.login_locked")
    assert not any(e["event"] == "staff.login" for e in second.events())


def test_a_session_cut_by_a_crash_is_closed_as_interrupted(start_kiosk, tmp_path):
    data = tmp_path / "data"
    first = start_kiosk("--data-dir", str(data), "--start-screen", "scan")
    started = first.wait_event("session.started")
    first.wait_event("app.recovered")  # the database is open and the session row written
    folder = data / "sessions" / started["session"]
    assert folder.is_dir()
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()

    second = start_kiosk("--data-dir", str(data))
    recovered = second.wait_event("app.recovered")
    assert recovered["interrupted"] == 1
    assert read_db(str(data), f"SELECT end_reason FROM sessions WHERE id = '{started['session']}'") == \
        [("interrupted",)]
    assert not folder.exists()


@pytest.mark.allow_log("app.config_error")
def test_a_broken_config_stops_start_up_with_one_clear_message(start_kiosk, tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[session]\nidle_timeout_s = "hai phút"\n', encoding="utf-8")
    kiosk = start_kiosk("--temp-data-dir", "--config", str(bad))
    error = kiosk.wait_event("app.config_error")
    assert error["key"] == "session.idle_timeout_s" and error["file"] == str(bad)
    kiosk.wait_event("app.problem_shown")
    assert not any(e["event"] == "app.ready" for e in kiosk.events())
    stderr = wait_until(lambda: kiosk.stderr_file.read_text(encoding="utf-8"), what="stderr")
    assert f"Config error in {bad}: session.idle_timeout_s = 'hai phút' is not allowed" in stderr
    assert "Traceback" not in stderr


@pytest.mark.allow_log("app.data_dir_error")
def test_an_unwritable_data_dir_is_reported_not_crashed(start_kiosk, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    kiosk = start_kiosk("--data-dir", str(blocker / "data"))
    kiosk.wait_event("app.data_dir_error")
    kiosk.wait_event("app.problem_shown")
    assert "Traceback" not in kiosk.stderr_file.read_text()


@pytest.mark.allow_log("storage.corrupt", "storage.problem")
def test_a_corrupt_database_is_set_aside_and_the_kiosk_still_starts(start_kiosk, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.db").write_bytes(b"garbage" * 1000)
    kiosk = start_kiosk("--data-dir", str(data))
    kiosk.wait_event("storage.corrupt")
    kiosk.wait_event("app.ready")
    assert list(data.glob("kiosk.db.corrupt-*"))


def test_opening_the_staff_menu_from_home_adds_no_session(start_kiosk, xvfb_display, tmp_path):
    data_dir = tmp_path / "data"
    kiosk = start_kiosk("--data-dir", str(data_dir), "--windowed", display=xvfb_display)
    kiosk.wait_event("app.ready")
    wait_until(lambda: screenshot(xvfb_display, tmp_path / "home.png").getpixel((683, 540))
               == (11, 79, 156), what="the home screen painted")
    xdo(xvfb_display, "mousemove", 20, 20, "click", "--repeat", 5, "--delay", 200, 1)  # the staff corner
    kiosk.wait_event("ui.screen", screen="staff_pin")
    assert not [e for e in kiosk.events() if e["event"] == "session.started"]
    assert kiosk.stop() == 0
    assert read_db(str(data_dir), "SELECT COUNT(*) FROM sessions") == [(0,)]
