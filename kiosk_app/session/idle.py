"""The idle countdown: no touch for a while asks "Bạn còn ở đó không?", then ends the session."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

ACTIVE, WARNING, EXPIRED = "active", "warning", "expired"

_INPUT_EVENTS = {
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove,
    QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.Wheel,
}


def idle_phase(idle_s: float, timeout_s: float, countdown_s: float) -> tuple[str, float]:
    """Where a session stands after `idle_s` seconds without input, and the seconds left."""
    if idle_s < timeout_s:
        return ACTIVE, timeout_s - idle_s
    if idle_s < timeout_s + countdown_s:
        return WARNING, timeout_s + countdown_s - idle_s
    return EXPIRED, 0.0


class IdleWatcher(QObject):
    """Watches the input events of the kiosk's windows (shell.window.WindowInputFilters) while a
    session runs."""

    warning = Signal()
    countdown = Signal(int)  # whole seconds left
    resumed = Signal()
    expired = Signal()

    def __init__(self, timeout_s: float, countdown_s: float, tick_ms: int = 250,
                 clock: Callable[[], float] = time.monotonic, parent=None):
        super().__init__(parent)
        self.timeout_s, self.countdown_s = timeout_s, countdown_s
        self._clock = clock
        self._last_input = clock()
        self._phase = ACTIVE
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self.poke()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._phase = ACTIVE

    def poke(self) -> None:
        """Count as a touch (input, or something the resident is watching such as a video)."""
        self._last_input = self._clock()
        if self._phase == WARNING:
            self._phase = ACTIVE
            self.resumed.emit()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if self.running and event.type() in _INPUT_EVENTS and self._phase == ACTIVE:
            self._last_input = self._clock()
        return False

    def _tick(self) -> None:
        phase, left = idle_phase(self._clock() - self._last_input, self.timeout_s, self.countdown_s)
        if phase == WARNING:
            if self._phase != WARNING:
                self._phase = WARNING
                self.warning.emit()
            self.countdown.emit(int(left + 0.999))
        elif phase == EXPIRED:
            self.stop()
            self.expired.emit()
