"""Shown instead of the kiosk when it cannot start: what is wrong, for the staff, in Vietnamese."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk_app.shell.widgets import button, label
from kiosk_app.strings import common as T


class StartupProblemScreen(QWidget):
    retry = Signal()

    def __init__(self, summary: str, detail: str):
        super().__init__()
        self.setObjectName("KioskWindow")
        box = QVBoxLayout(self)
        box.setContentsMargins(80, 60, 80, 60)
        box.setSpacing(24)
        box.addWidget(label(T.STARTUP_FAILED_TITLE, "huge"))
        box.addWidget(label(summary, "title"))
        box.addWidget(label(T.STARTUP_FAILED_TEXT))
        self.detail = label(detail, "notice", Qt.AlignmentFlag.AlignLeft)
        self.detail.setObjectName("StartupDetail")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        box.addWidget(self.detail)
        box.addStretch(1)
        box.addWidget(button(T.STARTUP_RETRY, "primary", self.retry.emit, name="startupRetry"))
