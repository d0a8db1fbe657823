"""The kiosk window: frameless, fullscreen, deaf to the usual ways out; screens and navigation."""

from __future__ import annotations

import logging
import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QWindow
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk_app.logs import log_event
from kiosk_app.shell.keyboard import KeyboardDock
from kiosk_app.shell.widgets import Screen
from kiosk_app.strings import common as T

log = logging.getLogger("kiosk.shell")

K, M = Qt.Key, Qt.KeyboardModifier
_CTRL_BLOCKED = {K.Key_W, K.Key_Q, K.Key_N, K.Key_T, K.Key_O, K.Key_S, K.Key_P, K.Key_U, K.Key_J,
                 K.Key_H, K.Key_D, K.Key_L}
_ALWAYS_BLOCKED = {K.Key_Escape, K.Key_F11, K.Key_F12, K.Key_Meta, K.Key_Super_L, K.Key_Super_R,
                   K.Key_Menu, K.Key_Print}
STAFF_KEY = QKeySequence("Ctrl+Alt+Shift+A")
STAFF_TAPS, STAFF_TAP_WINDOW_S, STAFF_CORNER_PX = 5, 4.0, 90


def is_escape_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """Keys that would close, leave, print, or open browser tools: never reach the kiosk."""
    if key in _ALWAYS_BLOCKED:
        return True
    if modifiers & M.AltModifier and key in (K.Key_F4, K.Key_Tab, K.Key_Left, K.Key_Right, K.Key_Home):
        return True
    if modifiers & M.ControlModifier:
        if key in _CTRL_BLOCKED or key in (K.Key_F4, K.Key_Tab, K.Key_Backtab):
            return True
        if modifiers & M.ShiftModifier and key in (K.Key_I, K.Key_C, K.Key_Delete):
            return True
    return False


def in_staff_corner(x: int, y: int) -> bool:
    """A touch at (x, y) of the window is in the hidden staff corner."""
    return 0 <= x < STAFF_CORNER_PX and 0 <= y < STAFF_CORNER_PX


def staff_corner_tapped(taps: list[float], now: float) -> tuple[bool, list[float]]:
    """Record a tap in the hidden corner; True when enough taps came quickly enough."""
    recent = [t for t in taps if now - t <= STAFF_TAP_WINDOW_S] + [now]
    if len(recent) >= STAFF_TAPS:
        return True, []
    return False, recent


class Navigator(QObject):
    """Which screen is shown. Screens ask it to go somewhere; it never reaches into them."""

    going = Signal(str)  # before the screen is shown (focus moves then)
    changed = Signal(str)

    def __init__(self, stack: QStackedWidget):
        super().__init__(stack)
        self._stack = stack
        self._screens: dict[str, Screen] = {}
        self._factories: dict[str, Callable[[], Screen]] = {}
        self.previous = ""

    def add(self, screen: Screen) -> None:
        old = self._screens.get(screen.name)
        if old is not None:
            self._stack.removeWidget(old)
            old.deleteLater()
        self._screens[screen.name] = screen
        self._stack.addWidget(screen)

    def add_lazy(self, name: str, factory: Callable[[], Screen]) -> None:
        """A screen built the first time it is needed (heavy ones: web view, video player),
        so that the home screen appears quickly. A screen already built under that name is
        dropped and built anew from `factory` on its next visit."""
        old = self._screens.pop(name, None)
        if old is not None:
            self._stack.removeWidget(old)
            old.deleteLater()
        self._factories[name] = factory

    def screen(self, name: str) -> Screen:
        if name not in self._screens:
            self.add(self._factories.pop(name)())
        return self._screens[name]

    def is_built(self, name: str) -> bool:
        return name in self._screens

    def screens(self) -> list[Screen]:
        """The screens built so far (one never built holds nothing of a resident)."""
        return list(self._screens.values())

    @property
    def current(self) -> str:
        w = self._stack.currentWidget()
        return w.name if isinstance(w, Screen) else ""

    def go(self, name: str) -> None:
        screen = self.screen(name)
        self.going.emit(name)
        if self.current != name:
            self.previous = self.current
        self._stack.setCurrentWidget(screen)
        screen.entered()
        log_event(log, "ui.screen", screen=name)
        self.changed.emit(name)


def present(window: QWidget, windowed: bool) -> None:
    """Show a top-level kiosk window: fullscreen and frameless, or a plain window for development."""
    if windowed:
        window.resize(1366, 768)
        window.show()
        return
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    # Without a window manager (cage, Xvfb) fullscreen is only a hint: take the screen too.
    screen = window.screen() or QGuiApplication.primaryScreen()
    window.setGeometry(screen.geometry())
    window.showFullScreen()


class KioskWindow(QWidget):
    staff_requested = Signal()

    def __init__(self, windowed: bool = False):
        super().__init__()
        self.setObjectName("KioskWindow")
        self.setWindowTitle(T.APP_TITLE)
        self.windowed = windowed
        self.allow_close = False
        self.stack = QStackedWidget()
        # The screens sit in the dock, which never passes their minimum size up to the window.
        self.keyboard_dock = KeyboardDock(self.stack)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.keyboard_dock)
        self.nav = Navigator(self.stack)
        self.nav.changed.connect(lambda _name: self.keyboard_dock.hide_keyboard())

    def present(self) -> None:
        present(self, self.windowed)

    # A resident cannot close the kiosk; staff exit sets allow_close first.
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.allow_close or self.windowed:
            event.accept()
        else:
            log_event(log, "shell.close_refused")
            event.ignore()


class WindowInputFilters(QObject):
    """Puts the kiosk's input filters (idle watch, lockdown) on each of its top-level windows.

    Never on the QApplication: a Python filter there makes PySide wrap every QObject that gets
    any event, QtWebEngine's internal ones included (a download's queued call to its profile
    internals crashed the kiosk with SIGSEGV on xcb). Every touch, click and key for a widget
    passes through its top-level QWindow first, so a filter there sees them all. The main window
    is followed (`follow`), dialogs are watched when they take the focus."""

    def __init__(self, filters: list[QObject], parent: QObject | None = None):
        super().__init__(parent)
        self._filters = list(filters)
        QGuiApplication.instance().focusWindowChanged.connect(self.watch)

    def follow(self, widget: QWidget) -> None:
        """Keep the filters on this top-level widget's window, also when Qt replaces it: on xcb it
        does when the first web view joins a window already shown (its QWindow is made anew)."""
        widget.installEventFilter(self)  # sees the events of this one widget only
        self.watch(widget.windowHandle())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.WinIdChange:
            self.watch(obj.windowHandle())
        return False

    def watch(self, window: QWindow | None) -> None:
        if window is None:
            return
        for event_filter in self._filters:
            window.installEventFilter(event_filter)  # again on the same window: no duplicate

    def unwatch(self, window: QWindow | None) -> None:
        if window is not None:
            for event_filter in self._filters:
                window.removeEventFilter(event_filter)


class LockdownFilter(QObject):
    """Filter on the kiosk's windows: swallows escape keys, notices the hidden staff entry."""

    def __init__(self, window: KioskWindow):
        super().__init__(window)
        self._window = window
        self._taps: list[float] = []

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        etype = event.type()
        if etype in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            combo = QKeySequence(event.keyCombination())
            if combo.matches(STAFF_KEY) == QKeySequence.SequenceMatch.ExactMatch:
                if etype == QEvent.Type.KeyPress:
                    self._window.staff_requested.emit()
                return True
            if is_escape_key(event.key(), event.modifiers()):
                if etype == QEvent.Type.KeyPress:
                    log_event(log, "shell.key_refused", key=int(event.key()))
                return True
        elif etype == QEvent.Type.MouseButtonPress and obj is self._window.windowHandle():
            # Seen once per press at the window, before any widget takes it (not a dialog's).
            pos = self._window.mapFromGlobal(event.globalPosition().toPoint())
            if in_staff_corner(pos.x(), pos.y()):
                hit, self._taps = staff_corner_tapped(self._taps, time.monotonic())
                if hit:
                    self._window.staff_requested.emit()
        return False

