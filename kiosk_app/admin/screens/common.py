"""Pieces shared by the question screens: a big answer button and a page of answers."""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk_app.shell.theme import PRIMARY
from kiosk_app.shell.widgets import label


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
