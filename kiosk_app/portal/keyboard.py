"""The kiosk's on-screen keyboard for portal pages: big keys, Vietnamese marks added to the
letter just typed (a + ˆ → â, â + ´ → ấ), for residents with only a touch screen."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QGridLayout, QPushButton, QSizePolicy, QWidget

from kiosk_app.strings import portal as text

TONES = {"sac": "\u0301", "huyen": "\u0300", "hoi": "\u0309", "nga": "\u0303", "nang": "\u0323"}
SHAPES = {"mu": "\u0302", "trang": "\u0306", "moc": "\u031b"}
_SHAPE_BASES = {"mu": "aeo", "trang": "a", "moc": "ou"}
VOWELS = "aeiouy"


def apply_mark(char: str, mark: str) -> str | None:
    """``char`` with a Vietnamese tone or vowel shape (replacing one it had), or None when the
    mark does not fit the letter. ``mark``: sac, huyen, hoi, nga, nang, mu, trang, moc, d."""
    if not char:
        return None
    if mark == "d":
        return {"d": "đ", "D": "Đ", "đ": "d", "Đ": "D"}.get(char)
    parts = unicodedata.normalize("NFD", char)
    base, marks = parts[0], parts[1:]
    tone = "".join(m for m in marks if m in TONES.values())
    shape = "".join(m for m in marks if m in SHAPES.values())
    if base.lower() not in VOWELS:
        return None
    if mark in TONES:
        tone = "" if tone == TONES[mark] else TONES[mark]  # the same mark again takes it off
    elif mark in SHAPES:
        if base.lower() not in _SHAPE_BASES[mark]:
            return None
        shape = "" if shape == SHAPES[mark] else SHAPES[mark]
    else:
        return None
    return unicodedata.normalize("NFC", base + shape + tone)


LETTER_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
MARK_KEYS = (("á", "sac"), ("à", "huyen"), ("ả", "hoi"), ("ã", "nga"), ("ạ", "nang"),
             ("â ê ô", "mu"), ("ă", "trang"), ("ơ ư", "moc"), ("đ", "d"))


class OnScreenKeyboard(QWidget):
    """Types with synthetic key events sent to ``target()``: the window holding the page, which
    passes them to its focused widget."""

    hide_requested = Signal()

    def __init__(self, target, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._target = target
        self.shift = False
        self.last = ""  # the last letter typed here, so a mark can change it
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(8, 8, 8, 8)
        self.keys: dict[str, QPushButton] = {}
        for row, letters in enumerate(LETTER_ROWS):
            for col, letter in enumerate(letters):
                self._key(grid, letter, row, col + (row // 2), lambda _=False, c=letter: self.type_char(c))
        for col, (label, mark) in enumerate(MARK_KEYS):
            self._key(grid, label, 4, col, lambda _=False, m=mark: self.mark(m), name=f"mark-{mark}")
        self._key(grid, text.KEY_SHIFT, 3, 0, self._toggle_shift, name="shift")
        self._key(grid, text.KEY_BACKSPACE, 3, 9, lambda _=False: self.backspace(), name="backspace", span=2)
        self._key(grid, text.KEY_SPACE, 5, 1, lambda _=False: self.type_char(" "), name="space", span=6)
        self._key(grid, text.KEY_ENTER, 5, 7, lambda _=False: self._send(Qt.Key.Key_Return, "\r"), name="enter", span=2)
        self._key(grid, text.KEY_HIDE, 5, 9, lambda _=False: self.hide_requested.emit(), name="hide", span=2)
        for ch, row, col in (("@", 5, 0), (".", 2, 10), ("-", 1, 10), (",", 3, 8), ("/", 0, 10)):
            self._key(grid, ch, row, col, lambda _=False, c=ch: self.type_char(c))

    def _key(self, grid: QGridLayout, label: str, row: int, col: int, slot, name: str = "", span: int = 1):
        button = QPushButton(label)
        button.setObjectName("key-" + (name or label))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the page's field keeps the focus
        button.setMinimumSize(64, 54)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(slot)
        grid.addWidget(button, row, col, 1, span)
        self.keys[name or label] = button

    def _toggle_shift(self, _=False) -> None:
        self.shift = not self.shift
        for letters in LETTER_ROWS:
            for c in letters:
                self.keys[c].setText(c.upper() if self.shift else c)

    def _send(self, key: int, chars: str) -> None:
        target = self._target()
        if target is None:
            return
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, chars))

    def type_char(self, char: str) -> None:
        if self.shift and char.isalpha():
            char = char.upper()
            self._toggle_shift()
        self._send(Qt.Key.Key_unknown if not char.isascii() else (ord(char.upper()) if char.isalnum() else 0), char)
        self.last = char

    def backspace(self) -> None:
        self._send(Qt.Key.Key_Backspace, "")
        self.last = ""

    def mark(self, mark: str) -> None:
        changed = apply_mark(self.last, mark)
        if changed is None:
            return
        self.backspace()
        self.type_char(changed)

    def reset(self) -> None:
        self.last = ""
