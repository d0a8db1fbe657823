"""The one on-screen keyboard: keys sized from the screen, labels that fit, capitals and marks,
the dock that keeps the staff field in sight, and a window that stays the screen's size."""

import itertools
import os
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk_app.shell.keyboard import (
    OnScreenKeyboard,
    content_offset,
    key_rects,
    keyboard_size,
)
from kiosk_app.shell.widgets import Screen
from kiosk_app.strings import common as T
from tests.conftest import click, wait_until

SIZES = [(1366, 768), (1920, 1080), (1280, 1024), (1024, 600)]


@pytest.mark.parametrize("width, height", SIZES)
def test_keys_fill_the_width_without_overlapping_or_leaving_the_keyboard(width, height):
    size = keyboard_size(width, height, 96)
    rects = key_rects(size)
    for x, y, w, h in rects.values():
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= size.height
    for (a, (ax, ay, aw, ah)), (b, (bx, by, bw, bh)) in itertools.combinations(rects.items(), 2):
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)
    assert size.height <= height * 0.6  # the page or the form keeps most of the screen
    if height >= 768:
        assert size.key_h >= round(15 / 25.4 * 96)  # 15 mm touch targets


def test_content_offset_lifts_only_as_far_as_the_field_needs():
    assert content_offset(100, 150, content_height=400, room=500) == 0  # all fits
    assert content_offset(100, 150, content_height=900, room=500) == 0  # field already above
    assert content_offset(600, 650, content_height=900, room=500) == 166
    assert content_offset(850, 890, content_height=900, room=500) == 400  # never past the end


@pytest.fixture
def keyboard(qtbot):
    field = QLineEdit()
    qtbot.addWidget(field)
    kb = OnScreenKeyboard(lambda: field)
    qtbot.addWidget(kb)
    kb.field = field
    return kb


@pytest.mark.parametrize("width", [1366, 1920, 1024])
def test_every_label_fits_its_key(keyboard, qtbot, width):
    keyboard.resize(width, keyboard.preferred_height())
    keyboard.show()
    qtbot.waitExposed(keyboard)
    keyboard._set_shift("lock")  # the longest shift label
    for name, button in keyboard.keys.items():
        button.ensurePolished()
        metrics = QFontMetrics(button.font())
        assert metrics.horizontalAdvance(button.text()) <= button.width(), name
        assert metrics.height() <= button.height(), name
        assert button.minimumSizeHint().width() <= button.width() or button.minimumWidth() == 0
    assert keyboard.minimumSizeHint().width() == 0  # never widens what holds it


def test_types_lower_and_upper_case_digits_and_marks(keyboard):
    for name in ("shift", "n", "g", "u", "y", "e", "mark-mu", "mark-nga", "n", "space", "1", "9"):
        keyboard.keys[name].click()
    assert keyboard.field.text() == "Nguyễn 19"
    keyboard.keys["shift"].click()
    keyboard.keys["shift"].click()  # twice: capitals stay
    assert keyboard.keys["shift"].text() == "⇪ CHỮ HOA"
    for name in ("space", "g", "i", "a", "mark-sac", "y"):
        keyboard.keys[name].click()
    assert keyboard.field.text() == "Nguyễn 19 GIÁY"
    keyboard.keys["backspace"].click()
    keyboard.keys["shift"].click()
    keyboard.keys["đ"].click()
    assert keyboard.field.text() == "Nguyễn 19 GIÁđ"


def test_a_mark_goes_where_spelling_puts_it_on_the_word_just_typed(keyboard):
    """"Nguyen" then "â ê ô" and "ã" is "Nguyễn", not a mark on the n typed last; the tone follows
    the letters typed after it; a word the cursor was moved into is the one marked."""
    def tap(*names):
        for name in names:
            keyboard.keys[name].click()

    tap("shift", "n", "g", "u", "y", "e", "n", "mark-mu")
    assert keyboard.field.text() == "Nguyên"
    tap("mark-nga")
    assert keyboard.field.text() == "Nguyễn"
    tap("space", "h", "o", "a", "mark-huyen")
    assert keyboard.field.text() == "Nguyễn hòa"
    tap("n", "g")
    assert keyboard.field.text() == "Nguyễn hoàng"
    tap("space", "t", "r", "u", "o", "n", "g", "mark-moc", "mark-huyen", "space", "d", "u", "c")
    tap("mark-moc", "mark-sac")
    assert keyboard.field.text() == "Nguyễn hoàng trường dức"
    keyboard.field.setCursorPosition(len("Nguyễn hoàng"))  # a touch in the field, after "hoàng"
    tap("mark-sac")
    assert keyboard.field.text() == "Nguyễn hoáng trường dức"
    tap("space", "1", "mark-sac")  # no letters before the cursor: nothing to mark
    assert keyboard.field.text() == "Nguyễn hoáng 1 trường dức"


class KeyTarget(QWidget):
    """Stands for a web page's field: takes key events, says nothing of its text or cursor."""

    def __init__(self):
        super().__init__()
        self.typed = ""

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        self.typed = self.typed[:-1] if event.key() == Qt.Key.Key_Backspace else self.typed + event.text()


def test_in_a_page_the_keyboard_marks_the_letters_it_typed_until_a_touch_moves_the_cursor(qtbot):
    target = KeyTarget()
    qtbot.addWidget(target)
    kb = OnScreenKeyboard(lambda: target)
    qtbot.addWidget(kb)
    for name in ("t", "h", "u", "y", "mark-hoi", "space", "q", "u", "y", "mark-sac"):
        kb.keys[name].click()
    assert target.typed == "thủy quý"
    QTest.mouseClick(target, Qt.MouseButton.LeftButton)  # the cursor may be anywhere now
    kb.keys["mark-huyen"].click()
    assert target.typed == "thủy quý"
    kb.keys["x"].click()
    kb.keys["a"].click()
    kb.show()
    kb.hide()  # the session's letters go with the keyboard
    assert kb.word == ""


class TallScreen(Screen):
    """A staff screen taller and wider than the screen, with a field at its bottom."""

    name = "staff_settings"

    def __init__(self, width: int, height: int):
        super().__init__()
        box = QVBoxLayout(self)
        filler = QWidget()
        filler.setMinimumSize(width, height - 120)
        box.addWidget(filler)
        self.field = QLineEdit()
        self.field.setObjectName("tallField")
        box.addWidget(self.field)


def test_window_stays_the_screen_size_and_the_field_stays_above_the_keyboard(make_kiosk, qtbot):
    kiosk = make_kiosk()
    screen = QGuiApplication.primaryScreen().geometry()
    tall = TallScreen(screen.width() + 8, screen.height() + 200)
    kiosk.nav.add(tall)
    kiosk.nav.go("staff_settings")
    assert kiosk.window.size() == screen.size()  # a screen's minimum size never widens the window
    qtbot.mouseClick(tall.field, Qt.MouseButton.LeftButton)
    tall.field.setFocus()
    dock = kiosk.window.keyboard_dock
    qtbot.waitUntil(dock.keyboard.isVisible)
    assert kiosk.window.size() == screen.size()
    top = tall.field.mapTo(kiosk.window, tall.field.rect().topLeft()).y()
    assert 0 <= top and top + tall.field.height() <= dock.keyboard.y()
    for name in ("shift", "x", "đ"):
        dock.keyboard.keys[name].click()
    assert tall.field.text() == "Xđ"
    click(qtbot, dock.keyboard, "key-hide")
    assert dock.keyboard.isHidden()
    qtbot.mouseClick(tall.field, Qt.MouseButton.LeftButton)  # a tap brings it back
    assert dock.keyboard.isVisible()
    kiosk.nav.go("home")  # another screen: the keyboard goes
    assert dock.keyboard.isHidden()
    assert kiosk.window.size() == screen.size()


def test_the_pin_pad_gets_no_second_keyboard(make_kiosk, qtbot):
    kiosk = make_kiosk()
    kiosk.nav.go("staff_pin")
    kiosk.staff.pin.field.setFocus()
    qtbot.mouseClick(kiosk.staff.pin.field, Qt.MouseButton.LeftButton)
    assert kiosk.window.keyboard_dock.keyboard.isHidden()


@pytest.mark.e2e
def test_on_a_real_display_the_keyboard_fits_and_the_window_stays_the_screen(start_kiosk, xvfb_display, tmp_path):
    """The portal's keyboard on Xvfb (1366×768, fullscreen): it once made the window 1374 px wide
    for good, every later screen cut and off-centre."""
    from tests.backbone.test_e2e import screenshot, touch, xdo

    def window_size():
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", T.APP_TITLE, "getwindowgeometry"],
                             env=dict(os.environ, DISPLAY=xvfb_display), capture_output=True, text=True).stdout
        return out.split("Geometry:")[-1].split()[0] if "Geometry:" in out else ""

    kiosk = start_kiosk("--temp-data-dir", "--start-screen", "portal", "--practice", "on", display=xvfb_display)
    kiosk.wait_event("portal.page")
    wait_until(lambda: window_size() == "1366x768", what="the kiosk window")
    touch(xvfb_display, (500, 476))  # the practice portal's search field
    shown = kiosk.wait_event("ui.keyboard")
    assert shown["width"] == 1366 and shown["height"] <= 768 * 0.6
    # The keyboard's bottom row is on screen, whole: its dark frame shows under the last keys.
    wait_until(lambda: screenshot(xvfb_display, tmp_path / "keyboard.png").getpixel((4, 766)) == (38, 50, 56),
               what="the keyboard painted at the bottom of the screen")
    assert window_size() == "1366x768"
    touch(xvfb_display, (1280, 54))  # "Về menu"
    kiosk.wait_event("ui.screen", screen="menu")
    assert window_size() == "1366x768"


class ScrolledForm(Screen):
    """A long form in a scroll area, as staff settings may be: its last field at the bottom."""

    name = "staff_settings"

    def __init__(self):
        super().__init__()
        from PySide6.QtWidgets import QScrollArea

        area = QScrollArea()
        area.setWidgetResizable(True)
        form = QWidget()
        box = QVBoxLayout(form)
        for i in range(30):
            box.addWidget(QLineEdit(f"dòng {i}"))
        self.field = QLineEdit()
        box.addWidget(self.field)
        area.setWidget(form)
        QVBoxLayout(self).addWidget(area)


def test_a_field_in_a_scrolled_form_is_scrolled_above_the_keyboard(make_kiosk, qtbot):
    kiosk = make_kiosk()
    form = ScrolledForm()
    kiosk.nav.add(form)
    kiosk.nav.go("staff_settings")
    dock = kiosk.window.keyboard_dock
    dock.show_for(form.field)
    top = form.field.mapTo(kiosk.window, form.field.rect().topLeft()).y()
    assert 0 <= top and top + form.field.height() <= dock.keyboard.y()
