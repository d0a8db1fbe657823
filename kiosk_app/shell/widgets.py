"""Building blocks of every screen: big buttons, tiles, labels, overlays."""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk_app.logs import log_event

log = logging.getLogger("kiosk.shell")


def label(text: str, role: str = "", align=Qt.AlignmentFlag.AlignCenter, wrap: bool = True) -> QLabel:
    w = QLabel(text)
    w.setWordWrap(wrap)
    w.setAlignment(align)
    if role:
        w.setProperty("role", role)
    return w


def button(text: str, role: str = "", on_click: Callable[[], None] | None = None,
           name: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if role:
        b.setProperty("role", role)
    if name:
        b.setObjectName(name)
    if on_click is not None:
        b.clicked.connect(lambda _=False: on_click())
    return b


class TileButton(QPushButton):
    """A large menu tile: a title and a one-line hint under it."""

    def __init__(self, title: str, hint: str, role: str = "tile", name: str = ""):
        super().__init__()
        self.setProperty("role", role)
        self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 12, 24, 12)
        self.title = label(title, "title", Qt.AlignmentFlag.AlignLeft)
        self.hint = label(hint, "", Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        for w in (self.title, self.hint):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            w.setStyleSheet("background: transparent;")
            box.addWidget(w)
        box.addStretch(1)

    def sizeHint(self):  # noqa: N802 - Qt's name
        return self.layout().sizeHint()


class Screen(QWidget):
    """A page of the shell. `entered` runs each time it is shown; `reset` at each session end."""

    name = "screen"

    def entered(self) -> None:
        pass

    def reset(self) -> None:
        pass


class Overlay(QWidget):
    """A dark layer over the whole window with a white card in the middle."""

    def __init__(self, parent: QWidget, name: str):
        super().__init__(parent)
        self.overlay_name = name
        self.setObjectName("Overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card = QWidget()
        self.card.setObjectName("OverlayCard")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.card.setMaximumWidth(1100)
        self.card.setMinimumWidth(min(900, int(parent.width() * 0.7)) if parent.width() > 400 else 0)
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(48, 40, 48, 40)
        self.body.setSpacing(24)
        outer.addWidget(self.card)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parent().rect())
        return False

    def open(self) -> None:
        self.card.setMinimumWidth(min(900, int(self.parent().width() * 0.7)))
        self.setGeometry(self.parent().rect())
        self.raise_()
        self.show()
        log_event(log, "ui.overlay", overlay=self.overlay_name)


class ConfirmOverlay(Overlay):
    accepted = Signal()
    rejected = Signal()

    def __init__(self, parent: QWidget, title: str, text: str, yes: str, no: str, name: str):
        super().__init__(parent, name)
        self.body.addWidget(label(title, "title"))
        self.body.addWidget(label(text))
        row = QHBoxLayout()
        self.no_button = button(no, "", self._reject, name=f"{name}No")
        self.yes_button = button(yes, "danger", self._accept, name=f"{name}Yes")
        row.addWidget(self.no_button)
        row.addWidget(self.yes_button)
        self.body.addLayout(row)

    def _accept(self) -> None:
        self.hide()
        self.accepted.emit()

    def _reject(self) -> None:
        self.hide()
        self.rejected.emit()


def close_dialogs() -> int:
    """Close every modal dialog still open (a page's alert, the file picker, a file viewer…),
    topmost first, as at the end of a session; returns how many. Asks Qt for the modal stack
    instead of searching the widget tree, which would reach into QtWebEngine's internals."""
    closed = 0
    while (dialog := QApplication.activeModalWidget()) is not None:
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()
        if QApplication.activeModalWidget() is dialog:
            log_event(log, "shell.dialog_stays", level=logging.WARNING, dialog=dialog.objectName())
            break
        closed += 1
    if closed:
        log_event(log, "shell.dialogs_closed", count=closed)
    return closed
