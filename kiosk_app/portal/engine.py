"""Process-wide QtWebEngine flags: must be set before QtWebEngine starts (app.prepare_qt)."""

from __future__ import annotations

import os
from typing import MutableMapping

# --disable-pinch: a resident's two fingers must not zoom the page into an unreadable corner
# (the kiosk has its own zoom level). No translate bar, no autofill server. --lang=vi: Chromium's
# own controls in Vietnamese (QtWebEngine ships vi.pak) and day-first dates in <input type=date>.
UI_LANGUAGE = "vi"
CHROMIUM_FLAGS = ("--disable-pinch", "--disable-features=TranslateUI,AutofillServerCommunication",
                  f"--lang={UI_LANGUAGE}")
# What the portal is told the resident reads (the profile's Accept-Language).
ACCEPT_LANGUAGE = "vi-VN,vi;q=0.9"


def prepare_webengine_process(environ: MutableMapping[str, str] = os.environ) -> None:
    flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    for flag in CHROMIUM_FLAGS:
        if flag not in flags:
            flags.append(flag)
    environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    # Remote debugging would be a way into the resident's page from outside.
    environ.pop("QTWEBENGINE_REMOTE_DEBUGGING", None)
