"""The kiosk's one on-screen keyboard, for every place text is typed (portal pages, staff fields,
document names): big keys sized from the screen, lower and upper case, digits, and Vietnamese
marks put where spelling puts them on the word just typed (Nguyen + â ê ô → Nguyên, + ã → Nguyễn):
the keyboard keeps the letters of that word, deletes them and types the word anew. ``KeyboardDock`` holds the window's
screens and shows the keyboard under the staff fields, keeping the field being typed in sight."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

from kiosk_app.logs import log_event
from kiosk_app.shell.spelling import mark_word, place_tone, word_tone
from kiosk_app.shell.theme import FONT_FAMILY
from kiosk_app.strings import keyboard as text

log = logging.getLogger("kiosk.shell")

# The keys, row by row on a grid of COLUMNS: (name, columns it spans). A one-character name types
# itself; "mark-*" marks the word just typed; the others are the word keys below.
COLUMNS = 13
ROWS: tuple[tuple[tuple[str, int], ...], ...] = (
    tuple((c, 1) for c in "1234567890-") + (("backspace", 2),),
    tuple((c, 1) for c in "qwertyuiopđ/:"),
    tuple((c, 1) for c in "asdfghjkl@+") + (("enter", 2),),
    (("shift", 2),) + tuple((c, 1) for c in "zxcvbnm,.()"),
    tuple(("mark-" + m, 1) for m in ("sac", "huyen", "hoi", "nga", "nang", "mu", "trang", "moc"))
    + (("space", 3), ("hide", 2)),
)
MARK_LABELS = {"sac": "á", "huyen": "à", "hoi": "ả", "nga": "ã", "nang": "ạ", "mu": "â ê ô", "trang": "ă",
               "moc": "ơ ư"}
WORD_LABELS = {"backspace": text.KEY_BACKSPACE, "enter": text.KEY_ENTER, "shift": text.KEY_SHIFT,
               "space": text.KEY_SPACE, "hide": text.KEY_HIDE}
MARGIN, GAP = 8, 6
HEIGHT_SHARE = 0.42  # of the screen's height, at most; the rest stays for the page or the form
MAX_KEY_PX = 88


@dataclass(frozen=True)
class KeyboardSize:
    key_w: float
    key_h: int
    height: int
    char_px: int  # font size of one-character keys


def keyboard_size(width: int, screen_height: int, dpi: float) -> KeyboardSize:
    """Key sizes from the room there is: the width the keyboard gets and the screen's height.
    A key is never lower than 15 mm unless the screen has no room for that."""
    rows = len(ROWS)
    key_w = max(1.0, (width - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS)
    mm15 = round(15 / 25.4 * (dpi or 96))
    fitting = (screen_height * HEIGHT_SHARE - 2 * MARGIN - (rows - 1) * GAP) / rows
    key_h = int(min(MAX_KEY_PX, max(mm15, fitting)))
    key_h = max(1, min(key_h, int((screen_height * 0.6 - 2 * MARGIN) / rows - GAP)))  # tiny screens
    height = rows * key_h + (rows - 1) * GAP + 2 * MARGIN
    return KeyboardSize(key_w, key_h, height, max(8, int(min(key_h * 0.5, key_w * 0.45))))


def key_rects(size: KeyboardSize) -> dict[str, tuple[int, int, int, int]]:
    """Where each key goes: (x, y, width, height) inside the keyboard."""
    rects = {}
    step = size.key_w + GAP
    for r, row in enumerate(ROWS):
        col = 0
        y = MARGIN + r * (size.key_h + GAP)
        for name, span in row:
            x0, x1 = MARGIN + col * step, MARGIN + (col + span) * step - GAP
            rects[name] = (round(x0), y, round(x1) - round(x0), size.key_h)
            col += span
    return rects


# Shift: one tap is one capital letter, a second tap locks capitals, a third goes back.
SHIFT_NEXT = {"off": "once", "once": "lock", "lock": "off"}


def shift_after_letter(state: str) -> str:
    return "off" if state == "once" else state


class OnScreenKeyboard(QWidget):
    """Types into ``target()`` (the widget that receives key events: a web view's input widget,
    a QLineEdit) with synthetic key events; never takes the focus from it."""

    hide_requested = Signal()

    def __init__(self, target: Callable[[], QWidget | None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # Its width comes from what holds it: never from its keys (that would widen the window).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._target = target
        self.shift = "off"
        self.word = ""  # the letters of the word being typed here, for the mark keys
        self._watched: QObject | None = None  # the field (or window) whose touches reset ``word``
        self.keys: dict[str, QPushButton] = {}
        for row in ROWS:
            for name, _span in row:
                self._key(name)
        self._laid_out_for: tuple[int, int] | None = None

    def _key(self, name: str) -> None:
        if name.startswith("mark-"):
            mark = name[5:]
            button = QPushButton(MARK_LABELS[mark], self)
            button.setProperty("keyKind", "mark")
            button.clicked.connect(lambda _=False, m=mark: self.mark(m))
        elif len(name) == 1:
            button = QPushButton(name, self)
            button.setProperty("keyKind", "char")
            button.clicked.connect(lambda _=False, c=name: self.type_char(c))
        else:
            button = QPushButton(WORD_LABELS[name], self)
            button.setProperty("keyKind", "word")
            button.clicked.connect({"backspace": lambda _=False: self.backspace(),
                                    "enter": lambda _=False: self._send(Qt.Key.Key_Return, "\r"),
                                    "shift": self._next_shift,
                                    "space": lambda _=False: self.type_char(" "),
                                    "hide": lambda _=False: self.hide_requested.emit()}[name])
        button.setObjectName("key-" + name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
        button.setAutoRepeat(name == "backspace")
        self.keys[name] = button

    # sizes -------------------------------------------------------------------------------------
    def _size_for(self, width: int) -> KeyboardSize:
        screen = self.screen()
        geo = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)
        dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
        return keyboard_size(min(width, geo.width()), geo.height(), dpi)

    def preferred_height(self) -> int:
        screen = self.screen()
        return self._size_for(screen.availableGeometry().width() if screen else 1366).height

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self.preferred_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._lay_out()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._lay_out()
        log_event(log, "ui.keyboard", width=self.width(), height=self.height())

    def _lay_out(self) -> None:
        size = self._size_for(self.width())
        for name, (x, y, w, h) in key_rects(size).items():
            self.keys[name].setGeometry(x, y, w, h)
        if self._laid_out_for != (size.key_h, round(size.key_w)):
            self._laid_out_for = (size.key_h, round(size.key_w))
            self._style(size)

    def _style(self, size: KeyboardSize) -> None:
        """Fonts that fit the keys: every label whole, the word keys sharing one size."""
        rects = key_rects(size)
        word_px = size.char_px
        for name, label in list(WORD_LABELS.items()) + [("mark-" + m, t) for m, t in MARK_LABELS.items()]:
            room = rects[name][2] - 12
            while word_px > 8 and QFontMetrics(self._font(word_px)).horizontalAdvance(label) > room:
                word_px -= 1
        self.setStyleSheet(f"""
            #onScreenKeyboard {{ background: #263238; }}
            #onScreenKeyboard QPushButton {{ min-height: 0; min-width: 0; padding: 0; margin: 0;
                border: none; border-radius: 8px; background: #ffffff; color: #000000;
                font-family: "{FONT_FAMILY}"; font-weight: bold; font-size: {size.char_px}px; }}
            #onScreenKeyboard QPushButton[keyKind="word"] {{ background: #cfd8dc; font-size: {word_px}px; }}
            #onScreenKeyboard QPushButton[keyKind="mark"] {{ background: #fff3c4; font-size: {word_px}px; }}
            #onScreenKeyboard QPushButton[active="true"] {{ background: #ffd400; }}
            #onScreenKeyboard QPushButton:pressed {{ background: #ffd400; }}
        """)

    @staticmethod
    def _font(px: int) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(px)
        font.setBold(True)
        return font

    # typing ------------------------------------------------------------------------------------
    def _next_shift(self, _=False) -> None:
        self._set_shift(SHIFT_NEXT[self.shift])

    def _set_shift(self, state: str) -> None:
        self.shift = state
        upper = state != "off"
        for name, button in self.keys.items():
            if len(name) == 1 and name.isalpha():
                button.setText(name.upper() if upper else name)
        shift = self.keys["shift"]
        shift.setText(text.KEY_CAPS if state == "lock" else text.KEY_SHIFT)
        shift.setProperty("active", upper)
        shift.style().unpolish(shift)
        shift.style().polish(shift)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.word = ""  # nothing of what a resident typed stays once the keyboard goes
        super().hideEvent(event)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        # A touch in the field may move its cursor away from the word typed. The target may be
        # the whole window (a page's): touches on the keys themselves do not count.
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin) and event.points():
            where = self.mapFromGlobal(event.points()[0].globalPosition().toPoint())
            if not (self.isVisible() and self.rect().contains(where)):
                self.word = ""
        return False

    def _send(self, key: int, chars: str) -> None:
        target = self._target()
        if target is None or not shiboken6.isValid(target):
            return
        if target is not self._watched:
            self._watched = target
            target.installEventFilter(self)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, chars))

    def _send_char(self, char: str) -> None:
        self._send(Qt.Key.Key_unknown if not char.isascii() else (ord(char.upper()) if char.isalnum() else 0), char)

    def type_char(self, char: str) -> None:
        if self.shift != "off" and char.isalpha():
            char = char.upper()
            self._set_shift(shift_after_letter(self.shift))
        self._send_char(char)
        # A space, a digit or a sign ends the word being typed (đ is a letter).
        self.word = self.word + char if char.isalpha() else ""
        self.word = self.current_word()
        tone = word_tone(self.word)
        if tone:
            self._retype(place_tone(self.word, tone))  # hóa + n → hoán: the tone follows the spelling

    def backspace(self) -> None:
        self._send(Qt.Key.Key_Backspace, "")
        self.word = self.word[:-1]  # past the word's start: what lies before is not known here
        self.word = self.current_word()

    def current_word(self) -> str:
        """The letters of the word just before the cursor: from a plain field itself (the cursor may
        have been moved by a touch), else those typed here since the last space."""
        target = self._target()
        if isinstance(target, QLineEdit) and shiboken6.isValid(target):
            return WORD_END.search(target.text()[:target.cursorPosition()]).group(0)
        return self.word

    def mark(self, mark: str) -> None:
        self.word = self.current_word()
        changed = mark_word(self.word, mark)
        if changed is not None:
            self._retype(changed)

    def _retype(self, word: str) -> None:
        """Replace the word just typed with ``word``: its letters deleted, the new ones typed."""
        if word == self.word:
            return
        keep = 0
        while keep < min(len(word), len(self.word)) and word[keep] == self.word[keep]:
            keep += 1
        for _ in self.word[keep:]:
            self._send(Qt.Key.Key_Backspace, "")
        for char in word[keep:]:
            self._send_char(char)
        self.word = word

    def reset(self) -> None:
        self.word = ""
        if self.shift != "off":
            self._set_shift("off")


WORD_END = re.compile(r"[^\W\d_]*$")  # the letters at the end of a text
TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit)


def is_text_field(widget: QObject | None) -> bool:
    if not isinstance(widget, TEXT_FIELDS):
        return False
    return not getattr(widget, "isReadOnly", lambda: False)()


def content_offset(field_top: int, field_bottom: int, content_height: int, room: int, margin: int = 16) -> int:
    """How far to lift content taller than the room above the keyboard so that the field being
    typed into is in sight (0: not at all)."""
    if content_height <= room:
        return 0
    wanted = field_bottom + margin - room
    return max(0, min(wanted, field_top - margin, content_height - room))


class KeyboardDock(QWidget):
    """Holds the window's screens (``content``) and, under them, the keyboard for text fields the
    ``serves`` predicate accepts. The content never sets the window's size: the window stays the
    screen's size whatever a screen asks for."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.content = content
        content.setParent(self)
        self.serves: Callable[[QWidget], bool] = lambda _field: False
        self._field: QWidget | None = None
        self.keyboard = OnScreenKeyboard(self._target, self)
        self.keyboard.hide()
        self.keyboard.hide_requested.connect(self.hide_keyboard)
        self._watched: set[int] = set()
        self._following = False
        self.follow_focus(True)

    def follow_focus(self, on: bool) -> None:
        """Whether the dock follows the application's focus. Off while a web page is shown: Qt
        reports the focus of QtWebEngine's internal widgets too, also while one is being
        destroyed, and Python must never be handed those (the portal's page says itself when a
        field takes the focus)."""
        if on == self._following:
            return
        signal = QApplication.instance().focusChanged
        signal.connect(self._focus_changed) if on else signal.disconnect(self._focus_changed)
        self._following = on

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.content.sizeHint()

    def _target(self) -> QWidget | None:
        field = self._field
        return field if field is not None and shiboken6.isValid(field) else None

    def _focus_changed(self, _old, new) -> None:
        if new is None or not shiboken6.isValid(self) or not self.isAncestorOf(new) or self.keyboard.isAncestorOf(new):
            return
        if is_text_field(new) and self.serves(new):
            self._watch(new)
            self.show_for(new)
        elif self.keyboard.isVisible():
            self.hide_keyboard()

    def show_for(self, field: QWidget) -> None:
        self._field = field
        self._watch(field)
        self.keyboard.reset()
        self.keyboard.show()
        self._lay_out()

    def _watch(self, field: QWidget) -> None:
        """A tap on a field that has the focus already brings back a hidden keyboard."""
        if id(field) not in self._watched:
            self._watched.add(id(field))
            field.installEventFilter(self)
            field.destroyed.connect(lambda _=None, key=id(field): self._watched.discard(key))

    def hide_keyboard(self) -> None:
        if self.keyboard.isHidden():
            return
        self.keyboard.hide()
        self._field = None
        self._lay_out()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.MouseButtonRelease and self.keyboard.isHidden() and is_text_field(obj)
                and self.serves(obj)):
            self.show_for(obj)
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._lay_out()

    def _lay_out(self) -> None:
        width, height = self.width(), self.height()
        if self.keyboard.isHidden():
            self.content.setGeometry(0, 0, width, height)
            return
        kb_height = min(self.keyboard.preferred_height(), height)
        room = height - kb_height
        self.keyboard.setGeometry(0, room, width, kb_height)
        self.keyboard.raise_()
        page = getattr(self.content, "currentWidget", lambda: self.content)() or self.content
        needed = max(room, page.minimumSizeHint().height())
        self.content.setGeometry(0, 0, width, needed)
        if page.layout() is not None:
            page.layout().activate()
        field = self._target()
        offset = 0
        if field is not None and self.content.isAncestorOf(field):
            self._scroll_to(field)
            top = field.mapTo(self.content, field.rect().topLeft()).y()
            offset = content_offset(top, top + field.height(), needed, room)
        self.content.move(0, -offset)

    @staticmethod
    def _scroll_to(field: QWidget) -> None:
        """A field in a scrolled list (a long form): scrolled into the part that shows."""
        parent = field.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(field):
                parent.ensureWidgetVisible(field, 16, 16)
            parent = parent.parentWidget()
