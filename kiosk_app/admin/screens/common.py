"""Pieces shared by the staff and question screens: a big answer button, a page of answers, a stepper."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk_app.shell.theme import PRIMARY
from kiosk_app.shell.widgets import button, label


class AnswerButton(QPushButton):
    """A large answer: wrapped, centred text on a coloured face; the whole face is the target."""

    def __init__(self, text: str, name: str, color: str = "", min_height: int = 150, text_role: str = "title"):
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "answer")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        self.text_label = label(text, text_role)
        self.text_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(self.text_label)
        if color:
            self.setStyleSheet(f"QPushButton#{name} {{ background: {color}; border-color: {color}; }}"
                               f"QPushButton#{name}:pressed {{ background: #111827; }}")
            self.text_label.setStyleSheet("background: transparent; color: white;")
        else:
            self.text_label.setStyleSheet("background: transparent;")

    def answer_text(self) -> str:
        return self.text_label.text()

    def make_checkable(self) -> None:
        """A choice that stays selected: white text on blue while checked."""
        self.setCheckable(True)
        # No id selector: object names carry procedure codes such as "proc_1.001193", and a dot
        # there makes "#proc_1.001193" a class selector that never matches (white on white).
        self.setStyleSheet(f"QPushButton:checked {{ background: {PRIMARY}; border-color: {PRIMARY}; }}")
        self.toggled.connect(lambda on: self.text_label.setStyleSheet(
            f"background: transparent; color: {'white' if on else PRIMARY}; font-weight: bold;"))
        self.toggled.emit(False)


def choice_page(question: str, answers: Sequence[tuple[str, str, str]], on_pick: Callable[[str], None],
                columns: int, prefix: str, min_height: int = 150, note: str = "") -> QWidget:
    """A question and its answers (key, text, colour) in a grid; picking one calls on_pick(key)."""
    page = QWidget()
    box = QVBoxLayout(page)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(18)
    q = label(question, "huge")
    q.setObjectName(f"{prefix}Question")
    box.addWidget(q)
    if note:
        box.addWidget(label(note, "muted"))
    grid = QGridLayout()
    grid.setSpacing(20)
    for i, (key, text, color) in enumerate(answers):
        b = AnswerButton(text, f"{prefix}_{key}", color, min_height)
        b.clicked.connect(lambda _=False, k=key: on_pick(k))
        grid.addWidget(b, i // columns, i % columns)
    for c in range(columns):
        grid.setColumnStretch(c, 1)
    box.addLayout(grid, 1)
    return page


class Stepper(QWidget):
    """A number set by touch: big − and + around its value, kept between `minimum` and `maximum`."""

    changed = Signal(float)

    def __init__(self, value: float, minimum: float, maximum: float, step: float, name: str, suffix: str = ""):
        super().__init__()
        self.setObjectName(name)
        self.minimum, self.maximum, self.step, self.suffix = minimum, maximum, step, suffix
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.down = button("−", "", lambda: self.set_value(self.value - self.step), name=f"{name}Down")
        self.shown = label("", wrap=False)
        self.shown.setObjectName(f"{name}Value")
        self.shown.setMinimumWidth(56)
        self.up = button("+", "", lambda: self.set_value(self.value + self.step), name=f"{name}Up")
        for b in (self.down, self.up):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for w in (self.down, self.shown, self.up):
            row.addWidget(w)
        self.value = minimum
        self.set_value(value)

    def set_value(self, value: float) -> None:
        self.value = min(self.maximum, max(self.minimum, value))
        self.shown.setText(f"{self.value:g}{self.suffix}")
        self.down.setEnabled(self.value > self.minimum)
        self.up.setEnabled(self.value < self.maximum)
        self.changed.emit(self.value)
