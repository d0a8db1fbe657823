"""The scan screen inside the real kiosk (in-process): a guided session's procedure lists its papers."""

import dataclasses

from PySide6.QtWidgets import QPushButton

from kiosk_app.strings import scanner as T


def test_a_guided_sessions_procedure_lists_its_papers_on_the_scan_screen(qtbot, kiosk_paths):
    from kiosk_app.app import Kiosk, Options
    from kiosk_app.config import load_config

    cfg = load_config()
    cfg = dataclasses.replace(cfg, scanner=dataclasses.replace(cfg.scanner, device="test:0"))
    kiosk = Kiosk(cfg, kiosk_paths, Options(start_screen="home"))
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    try:
        qtbot.waitUntil(lambda: kiosk.store.available)
        kiosk.outcomes.start_guided(None, "1.001193", "alone")  # as the officer's screen does
        kiosk.nav.go("scan")
        screen = kiosk.nav.screen("scan")
        papers = [b.text() for b in screen.findChildren(QPushButton) if b.objectName()[5:].isdigit() and b.objectName().startswith("paper")
                  and b.isVisible()]
        assert papers == [T.PAPER_TODO.format(name=n) for n in
                          ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "CCCD của cha hoặc mẹ")]
    finally:
        kiosk.shutdown()
