"""The emit work-around keeps long-running signal traffic from freeing True."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from kiosk_app.qt_fixes import keep_true_alive_across_emit


class _Ticker(QObject):
    position = Signal(float)
    flag = Signal(bool)


def test_many_emits_leave_true_alone():
    keep_true_alive_across_emit()  # applied at start-up already; a second call changes nothing
    ticker = _Ticker()
    seen = []
    ticker.position.connect(seen.append)
    ticker.flag.connect(seen.append)
    before = sys.getrefcount(True)
    for i in range(20_000):
        ticker.position.emit(i / 10)
        ticker.flag.emit(True)
    seen.clear()
    # Unpatched, PySide6 6.12.0 would have dropped 40 000 references here.
    assert abs(sys.getrefcount(True) - before) < 10
