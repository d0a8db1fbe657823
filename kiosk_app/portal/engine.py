"""Process-wide QtWebEngine setup that must happen before the QApplication exists."""

from __future__ import annotations

import os
from typing import MutableMapping

# --disable-pinch: a resident's two fingers must not zoom the page into an unreadable corner
# (the kiosk has its own zoom level). Remote debugging would be a way into the page from outside.
CHROMIUM_FLAGS = ("--disable-pinch", "--disable-features=TranslateUI,AutofillServerCommunication")


def prepare_webengine_process(environ: MutableMapping[str, str] = os.environ) -> None:
    """Call before creating the QApplication (kiosk ``__main__`` and the test session)."""
    from PySide6.QtCore import QCoreApplication, Qt

    flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    for flag in CHROMIUM_FLAGS:
        if flag not in flags:
            flags.append(flag)
    environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    environ.pop("QTWEBENGINE_REMOTE_DEBUGGING", None)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to sandbox as root (CI containers); a real kiosk runs as a normal user.
        environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
