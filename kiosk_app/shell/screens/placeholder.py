"""A screen that is not built yet: says so plainly and leads back to the menu."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import common as T


class PlaceholderScreen(Screen):
    back = Signal()

    def __init__(self, name: str, title: str):
        super().__init__()
        self.name = name
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 60, 60, 60)
        box.addWidget(label(title, "huge"))
        box.addWidget(label(T.COMING_SOON))
        box.addStretch(1)
        box.addWidget(button(T.BACK_TO_MENU, "primary", self.back.emit, name="placeholderBack"))
