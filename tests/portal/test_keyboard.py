"""The on-screen keyboard: Vietnamese marks as a pure function, and typing into a portal page."""

import unicodedata

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from kiosk_app.shell.spelling import mark_word
from tests.portal.web import js, start


@pytest.mark.parametrize("char, mark, result", [
    ("a", "sac", "á"), ("a", "mu", "â"), ("â", "sac", "ấ"), ("ấ", "huyen", "ầ"), ("ấ", "sac", "â"),
    ("e", "mu", "ê"), ("ê", "nang", "ệ"), ("ệ", "mu", "ẹ"), ("o", "moc", "ơ"), ("ơ", "hoi", "ở"),
    ("u", "moc", "ư"), ("ư", "nga", "ữ"), ("a", "trang", "ă"), ("ă", "nang", "ặ"), ("Y", "sac", "Ý"),
    ("d", "d", "đ"), ("Đ", "d", "D"), ("i", "mu", None), ("b", "sac", None), ("", "sac", None),
    ("e", "trang", None), ("a", "unknown", None),
])
def test_a_mark_on_one_letter(char, mark, result):
    assert mark_word(char, mark) == result
    if result:
        assert unicodedata.is_normalized("NFC", result)


def touch(widget, pos: QPoint | None = None) -> None:
    """A tap as the screen would send it: to the window, which hands it on (its filters see it)."""
    at = widget.mapTo(widget.window(), pos if pos is not None else widget.rect().center())
    QTest.mouseClick(widget.window().windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def test_keyboard_appears_on_a_text_field_and_types_vietnamese(qtbot, make_screen, new_session, practice):
    screen = make_screen(home_url=practice.base_url + "/dang-nhap")
    screen.show()
    qtbot.waitExposed(screen)
    start(qtbot, screen, new_session())
    assert screen.keyboard.isHidden()
    with qtbot.waitSignal(screen.page.text_focus, timeout=10000, check_params_cb=lambda on: on):
        js(qtbot, screen, "document.getElementById('mat_khau').focus()")
    qtbot.waitUntil(lambda: screen.keyboard.isVisible(), timeout=5000)
    keys = screen.keyboard.keys
    for name in ("shift", "n", "g", "u", "y", "e", "n"):
        keys[name].click()
    for name in ("mark-mu", "mark-nga"):  # touched as a finger would: through the window
        touch(keys[name])
    qtbot.waitUntil(lambda: js(qtbot, screen, "document.getElementById('mat_khau').value") == "Nguyễn", timeout=5000)
    # The field stays in sight above the keyboard.
    def field_in_sight():
        bottom = js(qtbot, screen, "document.getElementById('mat_khau').getBoundingClientRect().bottom")
        return 0 < bottom * screen.page.zoomFactor() <= screen.view.height()

    qtbot.waitUntil(field_in_sight, timeout=5000)
    keys["backspace"].click()
    qtbot.waitUntil(lambda: js(qtbot, screen, "document.getElementById('mat_khau').value") == "Nguyễ", timeout=5000)
    # A touch in the field may move its cursor: a mark then changes nothing it cannot see.
    rect = "document.getElementById('mat_khau').getBoundingClientRect()"
    x, y = js(qtbot, screen, f"{rect}.left + 4"), js(qtbot, screen, f"({rect}.top + {rect}.bottom) / 2")
    zoom = screen.page.zoomFactor()
    touch(screen.view, QPoint(int(x * zoom), int(y * zoom)))  # the cursor goes before "N"
    touch(keys["mark-sac"])
    keys["x"].click()
    qtbot.waitUntil(lambda: js(qtbot, screen, "document.getElementById('mat_khau').value") == "xNguyễ",
                    timeout=5000)
    # Its height comes from the screen: the page keeps more than half of it.
    assert screen.keyboard.height() <= screen.screen().availableGeometry().height() * 0.6
    assert screen.keyboard.width() == screen.width()
    with qtbot.waitSignal(screen.page.text_focus, timeout=10000, check_params_cb=lambda on: not on):
        js(qtbot, screen, "document.activeElement.blur()")
    qtbot.waitUntil(lambda: screen.keyboard.isHidden(), timeout=5000)


def test_keyboard_goes_when_the_page_changes(qtbot, make_screen, new_session, practice):
    screen = make_screen(home_url=practice.base_url + "/dang-nhap")
    screen.show()
    qtbot.waitExposed(screen)
    start(qtbot, screen, new_session())
    with qtbot.waitSignal(screen.page.text_focus, timeout=10000, check_params_cb=lambda on: on):
        js(qtbot, screen, "document.getElementById('so_dinh_danh').focus()")
    qtbot.waitUntil(lambda: screen.keyboard.isVisible(), timeout=5000)
    assert screen.title_label.isHidden()  # its line goes to the page while typing
    # The page navigates by itself (a script, a timer): the field being typed in is gone.
    with qtbot.waitSignal(screen.page_loaded, timeout=15000):
        js(qtbot, screen, f"location.href = {practice.home_url!r}")
    assert screen.keyboard.isHidden()
    assert screen.title_label.isVisible()


def test_the_keyboard_stays_up_from_one_field_to_the_next(qtbot, make_screen, new_session, practice):
    """Moving to the next field never hides the keyboard, even for a moment (the page would jump,
    and a touch landing in the jump could leave it hidden)."""
    screen = make_screen(home_url=practice.base_url + "/dang-nhap")
    screen.show()
    qtbot.waitExposed(screen)
    start(qtbot, screen, new_session())
    said = []
    screen.page.text_focus.connect(said.append)
    with qtbot.waitSignal(screen.page.text_focus, timeout=10000, check_params_cb=lambda on: on):
        js(qtbot, screen, "document.getElementById('so_dinh_danh').focus()")
    with qtbot.waitSignal(screen.page.text_focus, timeout=10000, check_params_cb=lambda on: on):
        js(qtbot, screen, "document.getElementById('mat_khau').focus()")
    assert screen.keyboard.isVisible()
    with qtbot.waitSignal(screen.page.text_focus, timeout=10000, check_params_cb=lambda on: not on):
        js(qtbot, screen, "document.getElementById('login-button').focus()")
    qtbot.waitUntil(lambda: screen.keyboard.isHidden(), timeout=5000)
    # Messages come in order: no "off" between the two fields, only once a button took the focus.
    assert said[:2] == [True, True] and not any(said[2:]), said
