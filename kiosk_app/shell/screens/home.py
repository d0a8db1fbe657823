"""The attract screen: waits for a resident's touch to start a session."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk_app.shell.widgets import Screen, label
from kiosk_app.shell.window import in_staff_corner
from kiosk_app.strings import common as T


# A touch in the hidden staff corner may be the first of the staff's five: the session starts only
# when no further touch comes within this wait (the staff entry leaves the screen and cancels it).
# Residents touch the middle of the screen; one who touches the very corner waits a moment.
CORNER_WAIT_MS = 1500


class HomeScreen(Screen):
    name = "home"
    start_requested = Signal()

    def __init__(self, commune: str):
        super().__init__()
        self._corner_wait = QTimer(self)
        self._corner_wait.setSingleShot(True)
        self._corner_wait.setInterval(CORNER_WAIT_MS)
        self._corner_wait.timeout.connect(self.start_requested)
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 60, 60, 40)
        box.addStretch(2)
        self.commune = label(commune, "muted")
        box.addWidget(self.commune)
        box.addWidget(label(T.HOME_WELCOME, "huge"))
        box.addWidget(label(T.HOME_SUBTITLE))
        box.addStretch(1)
        self.touch = label(T.HOME_TOUCH, "title")
        self.touch.setObjectName("HomeTouch")
        self.touch.setStyleSheet("background: #0B4F9C; color: white; border-radius: 16px; padding: 28px;")
        box.addWidget(self.touch)
        box.addStretch(2)
        self.notice = label("", "notice")
        self.notice.setObjectName("HomeNotice")
        self.notice.hide()
        box.addWidget(self.notice)

    def set_commune(self, commune: str) -> None:
        self.commune.setText(commune)

    def show_notice(self, problems: list[str]) -> None:
        """Problems staff must look at; never technical detail, never a traceback."""
        self.notice.setText("\n".join(T.HOME_STAFF_NOTICE.format(problem=p) for p in problems))
        self.notice.setVisible(bool(problems))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = self.mapTo(self.window(), event.position().toPoint())
        if in_staff_corner(pos.x(), pos.y()):
            self._corner_wait.start()  # (again): the staff's next touch comes within the wait
        else:
            self._corner_wait.stop()
            self.start_requested.emit()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._corner_wait.stop()  # the staff entry opened: no resident session
        super().hideEvent(event)
