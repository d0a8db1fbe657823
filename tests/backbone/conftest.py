import dataclasses

import pytest

from kiosk_app.app import Kiosk, Options
from kiosk_app.config import load_config


@pytest.fixture
def make_kiosk(qtbot, kiosk_paths):
    """Build the real kiosk in-process (offscreen), with settings changed as a test needs."""
    built = []

    def make(idle_timeout_s=120, countdown_s=30, start_screen="home", windowed=False):
        cfg = load_config()
        cfg = dataclasses.replace(cfg, session=dataclasses.replace(
            cfg.session, idle_timeout_s=idle_timeout_s, countdown_s=countdown_s))
        kiosk = Kiosk(cfg, kiosk_paths, Options(windowed=windowed, start_screen=start_screen))
        qtbot.addWidget(kiosk.window)
        kiosk.start()
        built.append(kiosk)
        qtbot.waitUntil(lambda: kiosk.store.available)  # opened right after app.ready
        return kiosk

    yield make
    for kiosk in built:
        kiosk.shutdown()
