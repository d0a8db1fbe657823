"""The attract screen: waits for a resident's touch to start a session."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk_app.shell.widgets import Screen, label
from kiosk_app.strings import common as T


class HomeScreen(Screen):
    name = "home"
    start_requested = Signal()

    def __init__(self, commune: str):
        super().__init__()
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
        if event.button() == Qt.MouseButton.LeftButton:
            self.start_requested.emit()
