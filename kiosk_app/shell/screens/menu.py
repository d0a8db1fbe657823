"""The main menu of a resident session."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QVBoxLayout

from kiosk_app.shell.widgets import Screen, TileButton, label
from kiosk_app.strings import common as T


class MenuScreen(Screen):
    name = "menu"
    chosen = Signal(str)  # guides | scan | portal
    end_requested = Signal()

    def __init__(self):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 40, 60, 40)
        box.setSpacing(28)
        box.addWidget(label(T.MENU_TITLE, "huge"))
        grid = QGridLayout()
        grid.setSpacing(28)
        self.tiles = {}
        for i, (key, title, hint, role) in enumerate([
            ("guides", T.MENU_GUIDES, T.MENU_GUIDES_HINT, "tile"),
            ("scan", T.MENU_SCAN, T.MENU_SCAN_HINT, "tile"),
            ("portal", T.MENU_PORTAL, T.MENU_PORTAL_HINT, "tile"),
            ("end", T.MENU_END, T.MENU_END_HINT, "endtile"),
        ]):
            tile = TileButton(title, hint, role, name=f"menu_{key}")
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            if key == "end":
                tile.clicked.connect(self.end_requested.emit)
            else:
                tile.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
            self.tiles[key] = tile
            grid.addWidget(tile, i // 2, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        box.addLayout(grid, 1)
