"""Overlays over any screen: the idle countdown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk_app.shell.theme import INK
from kiosk_app.shell.widgets import Overlay, button, label
from kiosk_app.strings import common as T


class IdleOverlay(Overlay):
    """'Bạn còn ở đó không?' with a big 'Tiếp tục'; a touch anywhere also continues."""

    continued = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent, "idle")
        # Opaque: the resident may have walked away, and what they typed (an ID number) must not
        # show through to the next person while the question waits.
        self.setStyleSheet(f"#Overlay {{ background: {INK}; }}")
        self.body.addWidget(label(T.IDLE_QUESTION, "title"))
        self.number = label("", "huge")
        self.number.setObjectName("IdleNumber")
        self.body.addWidget(self.number)
        self.seconds = label("")
        self.seconds.setObjectName("IdleSeconds")
        self.body.addWidget(self.seconds)
        self.continue_button = button(T.IDLE_CONTINUE, "primary", self._continue, name="idleContinue")
        self.body.addWidget(self.continue_button)

    def set_seconds(self, seconds: int) -> None:
        self.number.setText(str(seconds))
        self.seconds.setText(T.IDLE_EXPLAIN.format(seconds=seconds))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._continue()

    def _continue(self) -> None:
        self.hide()
        self.continued.emit()
