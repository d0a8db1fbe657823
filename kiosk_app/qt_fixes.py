"""Work-arounds for bugs of the Qt binding, each checked at run time and applied only when needed."""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("kiosk.qt")


def keep_true_alive_across_emit() -> bool:
    """Patch SignalInstance.emit when it drops a reference to True; returns True if patched.

    PySide6 6.12.0 returns True from emit() without a new reference. On Python 3.11, where True
    is not immortal, each emit lowers its count until the process aborts ("bool_dealloc") —
    within minutes for a video player that reports its position ten times a second.
    """
    from PySide6.QtCore import QObject, Signal, SignalInstance

    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    probe.fired.emit()
    if sys.getrefcount(True) >= before or getattr(SignalInstance.emit, "_keeps_true", False):
        return False
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back what the probe took
    original = SignalInstance.emit

    def emit(self, *args):
        result = original(self, *args)
        if result is True:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
        return result

    emit._keeps_true = True
    SignalInstance.emit = emit
    log.info("patched SignalInstance.emit (it dropped a reference to True)")
    return True
