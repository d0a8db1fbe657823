"""Qt settings needed before the QApplication exists, and work-arounds for bugs of the Qt binding
(each checked at run time and applied only when needed)."""

from __future__ import annotations

import ctypes
import logging
import os
import sys

log = logging.getLogger("kiosk.qt")

# Enough references that no kiosk could ever drop them all (Python 3.12 makes these immortal).
PINNED_REFS = 1 << 40


def _binding_drops_singletons() -> bool:
    """True when PySide6 returns None/True without a reference of its own."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(10):
        probe.setObjectName("probe")  # a method returning nothing
        probe.fired.emit()  # returns True
    return sys.getrefcount(None) < none_before or sys.getrefcount(True) < true_before


def pin_singletons_if_binding_leaks() -> bool:
    """Keep None, True and False alive despite the binding's missing references; True if needed.

    PySide6 6.12.0 (seen with Python 3.11) drops a reference to None on every call of a method
    returning nothing, and one to True on every emit(). Python < 3.12 then frees them and aborts
    ("none_dealloc", "bool_dealloc") after enough calls: minutes for a video player reporting
    its position ten times a second. Python 3.12+ has immortal singletons and is not affected.
    """
    if sys.version_info >= (3, 12) or not _binding_drops_singletons():
        return False
    for singleton in (None, True, False):
        if sys.getrefcount(singleton) < PINNED_REFS:
            # ob_refcnt is the first field of every CPython object.
            ctypes.c_ssize_t.from_address(id(singleton)).value += PINNED_REFS
    log.warning("PySide6 drops references to None/True: pinned them (use Python >= 3.12 to avoid this)")
    return True


def prepare_qt() -> None:
    """Settings Qt needs before the QApplication exists (the kiosk, and the doctor's page probe)."""
    from PySide6.QtCore import QCoreApplication, Qt

    from kiosk_app.portal.engine import prepare_webengine_process

    # QtWebEngine shares OpenGL contexts with the widgets; must be set before the app is made.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    # The guide's video surface is a native window; without this its ancestors' siblings (every
    # screen) become native too, and touches skip the kiosk window where the idle watch and the
    # staff entry listen (WindowInputFilters).
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontCreateNativeWidgetSiblings)
    prepare_webengine_process()  # Chromium flags: before QtWebEngine first starts
    pin_singletons_if_binding_leaks()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root (containers, test machines); an installed
        # kiosk runs as its own unprivileged user and keeps the sandbox.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
