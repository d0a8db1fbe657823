"""Walk every step of the scan screen on a real X display (xcb) at the screen's full size, save a
screenshot of each step, and check what a resident needs: touch targets of at least 15 mm, text of
at least 18 px, no cut words, nothing larger than the screen.

Run by tests/scanner/test_scan_layout.py: `python -m tests.scanner.scan_flow_shots OUT_DIR WORK_DIR`
with DISPLAY set and SANE_CONFIG_DIR=config/sane. Exits 1 with the list of problems.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

MIN_TARGET_MM = 15.0
MIN_TEXT_PX = 18


def problems_of(screen, app) -> list[str]:
    from PySide6.QtWidgets import QLabel, QPushButton

    dpi = app.primaryScreen().logicalDotsPerInch()
    target = MIN_TARGET_MM / 25.4 * dpi
    found = []
    page = screen.steps.currentWidget()
    if page.minimumSizeHint().height() > page.height() or page.minimumSizeHint().width() > page.width():
        found.append(f"step needs {page.minimumSizeHint()} but has {page.size()}")
    for w in screen.findChildren(QPushButton) + screen.findChildren(QLabel):
        if not w.isVisible() or not w.text():
            continue
        name = f"{type(w).__name__} {w.text()[:30]!r}"
        if w.fontInfo().pixelSize() < MIN_TEXT_PX:
            found.append(f"{name}: text {w.fontInfo().pixelSize()} px")
        if isinstance(w, QPushButton) and (w.height() < target - 1 or w.width() < target - 1):
            found.append(f"{name}: {w.width()}x{w.height()} px, under {MIN_TARGET_MM} mm ({target:.0f} px)")
        wraps = isinstance(w, QLabel) and w.wordWrap()
        if not wraps and w.sizeHint().width() > w.width() + 2:
            found.append(f"{name}: cut ({w.width()} of {w.sizeHint().width()} px)")
        top_left = w.mapTo(screen, w.rect().topLeft())
        if top_left.x() < 0 or top_left.y() < 0 or top_left.x() + w.width() > screen.width() + 1 \
                or top_left.y() + w.height() > screen.height() + 1:
            found.append(f"{name}: outside the screen")
    return found


def main(out: Path, work: Path) -> int:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QPushButton

    from kiosk_app.qt_fixes import pin_singletons_if_binding_leaks

    pin_singletons_if_binding_leaks()
    from kiosk_app.config import load_config
    from kiosk_app.scanner.presets import settings_from_config
    from kiosk_app.scanner.screen import STEP_CHECK, STEP_SCAN, STEP_WHAT, ScanScreen
    from kiosk_app.scanner.service import ScanService
    from kiosk_app.shell import theme

    app = QApplication([])
    theme.load_fonts()
    metrics = theme.metrics_for_app(1.0)
    app.setFont(theme.app_font(metrics))
    app.setStyleSheet(theme.stylesheet(metrics))
    cfg = load_config()
    settings = dataclasses.replace(settings_from_config(cfg.scanner, cfg.guided.procedures), device="test:0")
    service = ScanService(settings, lambda *_a, **_k: None)
    service.begin_session(work)
    screen = ScanScreen(service)
    geometry = app.primaryScreen().geometry()
    screen.setFixedSize(geometry.size())  # as the fullscreen kiosk window holds it
    screen.move(0, 0)
    screen.show()
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    def wait(condition, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def shot(name: str) -> None:
        app.processEvents()
        screen.grab().save(str(out / f"{name}.png"))
        problems.extend(f"{name}: {p}" for p in problems_of(screen, app))

    def touch(name: str) -> None:
        button = next(b for b in screen.findChildren(QPushButton, name) if b.isVisible())
        assert button.isEnabled(), name
        button.click()

    try:
        service.start()
        screen.entered()
        wait(lambda: service.state == "ready", "the test scanner")
        shot("1-which-procedure")
        touch("procedure0")
        shot("1-papers-of-the-procedure")
        touch("paper2")
        shot("2-place-an-id-card")
        touch("changeKind")
        touch("paperOther")
        shot("1-kinds-of-paper")
        touch("preset_text")
        shot("2-place-glass-or-feeder")
        touch("feederButton")
        wait(lambda: screen.steps.currentIndex() in (STEP_SCAN, STEP_CHECK), "the scan")
        shot("3-scanning")
        wait(lambda: screen.steps.currentIndex() == STEP_CHECK, "the pages")
        shot("4-check-the-pages")
        screen.strip.setCurrentRow(2)
        touch("deleteButton")
        shot("4-page-deleted-with-undo")
        touch("toName")
        shot("5-name-it")
        touch("docNameOther")
        shot("5-name-typed")
        touch("docNameBack")
        touch("toName")
        touch("docName0")
        wait(lambda: screen.steps.currentIndex() == STEP_WHAT, "the saved document")
        shot("6-saved-on-to-filing")
    finally:
        service.shutdown()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
