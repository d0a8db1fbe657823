import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk_app.admin.pin import ADMIN_PIN_SETTING, hash_pin
from kiosk_app.shell.theme import Metrics
from kiosk_app.shell.widgets import Screen
from kiosk_app.shell.window import is_escape_key, staff_corner_tapped
from kiosk_app.strings import common as T
from tests.conftest import click

K, M = Qt.Key, Qt.KeyboardModifier


def db_session(kiosk, sid):
    return kiosk.store._db["sessions"].get(sid)


def test_touching_home_starts_a_session_and_opens_the_menu(make_kiosk, qtbot):
    kiosk = make_kiosk()
    assert kiosk.nav.current == "home" and kiosk.sessions.current is None
    with qtbot.waitSignal(kiosk.sessions.started):
        qtbot.mouseClick(kiosk.front.home, Qt.MouseButton.LeftButton)
    assert kiosk.nav.current == "menu"
    assert db_session(kiosk, kiosk.sessions.current.id)["start_kind"] == "resident"


@pytest.mark.parametrize("tile", ["guides", "scan"])
def test_menu_tiles_lead_to_their_screen(make_kiosk, qtbot, tile):
    kiosk = make_kiosk(start_screen="menu")
    click(qtbot, kiosk.window, f"menu_{tile}")
    assert kiosk.nav.current == tile  # the portal's tile: tests/portal


def test_end_asks_first_then_wipes_and_returns_home(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu")
    session = kiosk.sessions.current
    (session.work_dir / "giay-khai-sinh.pdf").write_bytes(b"%PDF-")
    QGuiApplication.clipboard().setText("079123456789")
    click(qtbot, kiosk.window, "menu_end")
    assert kiosk.front.end_confirm.isVisible()
    click(qtbot, kiosk.window, "endConfirmNo")
    assert kiosk.sessions.current is session and kiosk.nav.current == "menu"
    click(qtbot, kiosk.window, "menu_end")
    click(qtbot, kiosk.window, "endConfirmYes")
    assert kiosk.nav.current == "end_questions"  # did you submit? (answers: tests/staff)
    with qtbot.waitSignal(kiosk.sessions.ended) as ended:
        click(qtbot, kiosk.window, "endSkip")
    assert ended.args == [session.id, "finished"]
    assert kiosk.nav.current == "satisfaction"
    click(qtbot, kiosk.window, "satDone")
    assert kiosk.nav.current == "home"
    assert not session.work_dir.exists()
    assert QGuiApplication.clipboard().text() == ""
    assert db_session(kiosk, session.id)["end_reason"] == "finished"


def test_idle_session_shows_countdown_then_ends_as_timeout(make_kiosk, qtbot):
    kiosk = make_kiosk(idle_timeout_s=0.3, countdown_s=0.6, start_screen="menu")
    session = kiosk.sessions.current
    with qtbot.waitSignal(kiosk.idle.warning, timeout=5000):
        pass
    assert kiosk.front.idle_overlay.isVisible()
    qtbot.waitUntil(lambda: "giây" in kiosk.front.idle_overlay.seconds.text())
    with qtbot.waitSignal(kiosk.sessions.ended, timeout=5000) as ended:
        pass
    assert ended.args == [session.id, "timeout"]
    assert kiosk.nav.current == "home" and not kiosk.front.idle_overlay.isVisible()
    assert db_session(kiosk, session.id)["end_reason"] == "timeout"


def test_continue_on_the_countdown_keeps_the_session(make_kiosk, qtbot):
    kiosk = make_kiosk(idle_timeout_s=0.3, countdown_s=30, start_screen="menu")
    session = kiosk.sessions.current
    with qtbot.waitSignal(kiosk.idle.warning, timeout=5000):
        pass
    with qtbot.waitSignal(kiosk.idle.resumed):
        click(qtbot, kiosk.window, "idleContinue")
    assert not kiosk.front.idle_overlay.isVisible()
    assert kiosk.sessions.current is session


class KeyProbe(Screen):
    name = "probe"

    def __init__(self):
        super().__init__()
        self.keys = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() not in (K.Key_Control, K.Key_Alt, K.Key_Shift):
            self.keys.append((event.key(), event.modifiers()))


@pytest.mark.parametrize("key, mods", [
    (K.Key_Escape, M.NoModifier), (K.Key_F4, M.AltModifier), (K.Key_W, M.ControlModifier),
    (K.Key_Q, M.ControlModifier), (K.Key_F11, M.NoModifier), (K.Key_I, M.ControlModifier | M.ShiftModifier),
    (K.Key_P, M.ControlModifier),
])
def test_escape_keys_never_reach_the_screens(make_kiosk, qtbot, key, mods):
    kiosk = make_kiosk()
    probe = KeyProbe()
    kiosk.nav.add(probe)
    kiosk.nav.go("probe")
    probe.setFocus()
    # Through the window, as the system delivers keys (straight to a widget skips the lockdown).
    window = kiosk.window.windowHandle()
    QTest.keyClick(window, K.Key_A)
    QTest.keyClick(window, key, mods)
    assert probe.keys == [(K.Key_A, M.NoModifier)]
    assert kiosk.window.isVisible()


def test_ordinary_typing_is_not_an_escape_key():
    assert not is_escape_key(K.Key_A, M.NoModifier)
    assert not is_escape_key(K.Key_V, M.ControlModifier)  # paste into a portal field
    assert not is_escape_key(K.Key_Backspace, M.NoModifier)


def test_close_requests_are_ignored(make_kiosk):
    kiosk = make_kiosk()
    assert kiosk.window.close() is False
    assert kiosk.window.isVisible()


def test_corner_taps_must_be_quick_and_many():
    hit, taps = False, []
    for t in (0.0, 0.5, 1.0, 1.5):
        hit, taps = staff_corner_tapped(taps, t)
        assert not hit
    hit, taps = staff_corner_tapped(taps, 2.0)
    assert hit and taps == []
    for t in (10, 15, 20, 25, 30):  # too slow
        hit, taps = staff_corner_tapped(taps, t)
    assert not hit


def test_staff_entry_without_admin_pin_says_so(make_kiosk, qtbot):
    kiosk = make_kiosk()
    QTest.keyClick(kiosk.window.windowHandle(), K.Key_A, M.ControlModifier | M.AltModifier | M.ShiftModifier)
    assert kiosk.nav.current == "staff_pin"
    assert kiosk.staff.pin.message.text() == T.STAFF_PIN_NOT_SET
    assert T.PROBLEM_NO_ADMIN_PIN in kiosk.problems()
    click(qtbot, kiosk.window, "pinCancel")
    assert kiosk.nav.current == "home"


@pytest.mark.allow_log("staff.login_failed")
def test_staff_pin_opens_the_staff_menu_which_can_end_the_session(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu")
    kiosk.store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    session = kiosk.sessions.current
    kiosk.window.staff_requested.emit()
    for d in "1111":
        click(qtbot, kiosk.window, f"pin{d}")
    click(qtbot, kiosk.window, "pinOk")
    assert kiosk.nav.current == "staff_pin"
    assert kiosk.staff.pin.message.text() == T.STAFF_PIN_WRONG.format(left=4)
    for d in "2468":
        click(qtbot, kiosk.window, f"pin{d}")
    click(qtbot, kiosk.window, "pinOk")
    assert kiosk.nav.current == "staff_menu"
    with qtbot.waitSignal(kiosk.sessions.ended) as ended:
        click(qtbot, kiosk.window, "staffEnd")
    assert ended.args == [session.id, "staff"]
    assert kiosk.nav.current == "home"


def test_staff_back_returns_to_the_resident_screen(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="scan")
    kiosk.store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    kiosk.window.staff_requested.emit()
    kiosk.staff.pin.field.setText("2468")
    click(qtbot, kiosk.window, "pinOk")
    click(qtbot, kiosk.window, "staffBack")
    assert kiosk.nav.current == "scan"


def test_staff_exit_allows_the_window_to_close(make_kiosk, qtbot):
    kiosk = make_kiosk()
    kiosk.store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    kiosk.window.staff_requested.emit()
    kiosk.staff.pin.field.setText("2468")
    click(qtbot, kiosk.window, "pinOk")
    click(qtbot, kiosk.window, "staffExit")
    assert kiosk.staff.menu.exit_confirm.isVisible() and not kiosk.window.allow_close  # asked first
    click(qtbot, kiosk.window, "exitConfirmNo")
    assert kiosk.nav.current == "staff_menu" and not kiosk.window.allow_close
    click(qtbot, kiosk.window, "staffExit")
    click(qtbot, kiosk.window, "exitConfirmYes")
    assert kiosk.window.allow_close
    assert kiosk.window.close() is True


@pytest.mark.allow_log("staff.login_")
def test_wrong_pins_lock_the_staff_login(make_kiosk, qtbot):
    kiosk = make_kiosk()
    kiosk.store.set_setting(ADMIN_PIN_SETTING, hash_pin("2468"))
    kiosk.window.staff_requested.emit()
    for _ in range(5):
        kiosk.staff.pin.field.setText("0000")
        click(qtbot, kiosk.window, "pinOk")
    assert kiosk.staff.pin.message.text() == T.STAFF_PIN_LOCKED.format(minutes=5)
    kiosk.staff.pin.field.setText("2468")
    click(qtbot, kiosk.window, "pinOk")
    assert kiosk.nav.current == "staff_pin"  # even the right PIN waits out the lock


@pytest.mark.parametrize("width, height, dpi", [(1366, 768, 96), (1920, 1080, 96), (1920, 1080, 160)])
def test_touch_targets_are_at_least_15_mm(width, height, dpi):
    m = Metrics.for_screen(width, height, dpi)
    assert m.target_px / dpi * 25.4 >= 15
    assert m.text_px >= 20


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_every_menu_button_is_big_and_fully_on_screen(make_kiosk, qtbot, size):
    from kiosk_app.shell import theme
    kiosk = make_kiosk(start_screen="menu", windowed=True)
    metrics = Metrics.for_screen(*size, 96)
    QApplication.instance().setStyleSheet(theme.stylesheet(metrics))
    kiosk.window.resize(*size)
    qtbot.waitUntil(lambda: kiosk.window.size().width() == size[0])
    for name, tile in kiosk.front.menu.tiles.items():
        top_left = tile.mapTo(kiosk.window, QPoint(0, 0))
        assert tile.height() >= metrics.target_px, name
        assert top_left.y() + tile.height() <= size[1], f"{name} runs off the screen"
    QApplication.instance().setStyleSheet("")


def test_lazy_screens_are_built_on_first_visit_only(make_kiosk):
    kiosk = make_kiosk()
    built = []

    def factory():
        screen = KeyProbe()
        built.append(screen)
        return screen
    kiosk.nav.add_lazy("probe", factory)
    assert built == [] and all(s.name != "probe" for s in kiosk.nav.screens())
    kiosk.nav.go("probe")
    kiosk.nav.go("home")
    kiosk.nav.go("probe")
    assert len(built) == 1 and kiosk.nav.current == "probe"


def session_rows(kiosk):
    kiosk.store.flush()
    return kiosk.store.database["sessions"].count


def test_staff_entry_from_the_home_screen_starts_no_resident_session(make_kiosk, qtbot):
    kiosk = make_kiosk()
    window = kiosk.window.windowHandle()
    for _ in range(5):  # through the window, as a finger's touches come
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 20))
    assert kiosk.nav.current == "staff_pin"
    assert kiosk.sessions.current is None and not kiosk.front.home._corner_wait.isActive()
    assert session_rows(kiosk) == 0
    click(qtbot, kiosk.window, "pinCancel")
    assert kiosk.nav.current == "home"
    # A resident who touches that corner once still gets a session, a moment later.
    with qtbot.waitSignal(kiosk.sessions.started, timeout=5000):
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 20))
        assert kiosk.sessions.current is None
    assert kiosk.nav.current == "menu" and session_rows(kiosk) == 1


def test_the_idle_question_hides_what_was_typed_behind_it(make_kiosk, qtbot):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    kiosk = make_kiosk(start_screen="menu")
    screen = Screen()
    screen.name = "typed"
    field = QLineEdit("079123456789")
    field.setStyleSheet("font-size: 60px; background: white; color: black;")
    QVBoxLayout(screen).addWidget(field)
    kiosk.nav.add(screen)
    kiosk.nav.go("typed")
    kiosk.front.idle_overlay.open()
    kiosk.front.idle_overlay.set_seconds(30)
    with_number = kiosk.window.grab().toImage()
    field.clear()
    assert kiosk.window.grab().toImage() == with_number  # nothing of the page shows through


@pytest.mark.allow_log("storage.corrupt", "storage.problem")
def test_a_damaged_database_moved_aside_is_told_to_staff_on_the_home_screen(make_kiosk, qtbot, kiosk_paths):
    kiosk_paths.ensure()
    kiosk_paths.db_file.write_bytes(b"this is not sqlite at all" * 400)
    kiosk = make_kiosk()
    qtbot.waitUntil(lambda: kiosk.front.home.notice.isVisible())
    assert kiosk.store.moved_aside is not None and kiosk.store.moved_aside.exists()
    assert T.PROBLEM_DB_CORRUPT in kiosk.problems() and T.PROBLEM_DB_CORRUPT in kiosk.front.home.notice.text()


def test_the_corrupt_notice_follows_the_store_not_the_words_of_its_message(make_kiosk):
    kiosk = make_kiosk()
    kiosk.store.problem = "the USB stick was moved"  # English detail for the log: never read by the kiosk
    assert T.PROBLEM_DB_CORRUPT not in kiosk.problems()


def test_corner_taps_at_the_window_open_the_staff_entry(make_kiosk, qtbot):
    kiosk = make_kiosk()
    window = kiosk.window.windowHandle()
    for _ in range(5):
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 20))
    assert kiosk.nav.current == "staff_pin"


def test_dialogs_are_locked_down_and_their_touches_keep_the_session(make_kiosk, qtbot):
    """A dialog is a window of its own: it gets the same filters once it has the focus."""
    from PySide6.QtWidgets import QDialog

    kiosk = make_kiosk(start_screen="menu")
    dialog = QDialog(kiosk.window)
    dialog.resize(400, 300)
    dialog.show()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dialog.windowHandle())
    QTest.keyClick(dialog.windowHandle(), K.Key_Escape)  # would reject a plain dialog
    assert dialog.isVisible()
    before = kiosk.idle._last_input
    qtbot.waitUntil(lambda: kiosk.idle._clock() > before)
    QTest.mouseClick(dialog.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))
    assert kiosk.idle._last_input > before
    dialog.close()


def test_filters_follow_the_window_when_qt_makes_a_new_one(make_kiosk, caplog):
    """On xcb, the first web view in a window already shown makes Qt replace its QWindow."""
    from PySide6.QtGui import QKeyEvent

    kiosk = make_kiosk()
    old = kiosk.window.windowHandle()
    kiosk.window.destroy()
    kiosk.window.create()
    new = kiosk.window.windowHandle()
    assert new is not old
    # Straight to the new window, before any focus change could have reached the kiosk.
    caplog.set_level("INFO", logger="kiosk.shell")
    QApplication.sendEvent(new, QKeyEvent(QKeyEvent.Type.KeyPress, K.Key_Escape, M.NoModifier))
    assert [r for r in caplog.records if getattr(r, "event", "") == "shell.key_refused"]


def test_no_python_event_filter_on_the_whole_application(make_kiosk, monkeypatch):
    """A Python filter on the QApplication makes PySide wrap every QObject that gets an event,
    QtWebEngine's internals included: on xcb a download then killed the kiosk (SIGSEGV)."""
    installed = []
    monkeypatch.setattr(QApplication.instance(), "installEventFilter", installed.append)
    kiosk = make_kiosk(start_screen="menu")
    kiosk.nav.go("scan")
    kiosk.nav.go("guides")
    assert installed == []


def test_the_keyboard_dock_is_never_handed_the_portals_focus(make_kiosk, qtbot):
    """On the portal, Qt's focus is QtWebEngine's internal widgets: the dock stops following the
    application's focus before the portal is shown, and follows it again once it is left."""
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    kiosk = make_kiosk(start_screen="menu")
    dock = kiosk.window.keyboard_dock
    seen = []
    kiosk.nav.going.connect(lambda name: seen.append((name, dock._following)))
    portal = Screen()
    portal.name = "portal"  # stands in for the web page: a field whose focus must go unseen
    field = QLineEdit()
    QVBoxLayout(portal).addWidget(field)
    kiosk.nav.add(portal)
    kiosk.nav.go("portal")
    assert not dock._following
    field.setFocus()
    assert not dock.keyboard.isVisible()  # the dock never saw that focus
    kiosk.nav.go("menu")
    # Off before the portal is shown; on again only once the next screen is.
    assert dock._following and seen == [("portal", False), ("menu", False)]
