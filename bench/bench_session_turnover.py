"""Session turnover: "Kết thúc" confirmed → home screen painted and ready for the next resident.

    .venv/bin/python bench/bench_session_turnover.py [--sessions 50]

Beside it, a bare QStackedWidget switching to a page on a click (the least any kiosk must do).
Each session writes a scanned-looking file into its working folder, so the wipe has work to do.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QStackedWidget  # noqa: E402

from kiosk_app.app import Kiosk, Options, prepare_qt  # noqa: E402
from kiosk_app.config import load_config  # noqa: E402
from kiosk_app.paths import KioskPaths  # noqa: E402


def settle(app: QApplication) -> None:
    app.processEvents()
    app.processEvents()


def bare_switch(app: QApplication, runs: int) -> list[float]:
    stack = QStackedWidget()
    home, page = QLabel("home"), QPushButton("Kết thúc")
    stack.addWidget(home)
    stack.addWidget(page)
    page.clicked.connect(lambda: stack.setCurrentWidget(home))
    stack.resize(1366, 768)
    stack.show()
    times = []
    for _ in range(runs):
        stack.setCurrentWidget(page)
        settle(app)
        t = time.perf_counter()
        QTest.mouseClick(page, Qt.MouseButton.LeftButton)
        stack.repaint()
        settle(app)
        times.append(time.perf_counter() - t)
    stack.close()
    return times


def kiosk_turnover(app: QApplication, runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = KioskPaths(Path(tmp))
        paths.ensure()
        cfg = load_config()
        # The end questions are answered by "Bỏ qua" and the rating screen is off: the turnover alone.
        cfg = dataclasses.replace(cfg, feedback=dataclasses.replace(cfg.feedback, enabled=False))
        kiosk = Kiosk(cfg, paths, Options(windowed=True))
        kiosk.start()
        settle(app)
        times = []
        for _ in range(runs):
            QTest.mouseClick(kiosk.front.home, Qt.MouseButton.LeftButton)
            session = kiosk.sessions.current
            (session.work_dir / "cccd.pdf").write_bytes(os.urandom(300_000))
            kiosk.front.end_confirm.open()
            settle(app)
            t = time.perf_counter()
            QTest.mouseClick(kiosk.front.end_confirm.yes_button, Qt.MouseButton.LeftButton)
            QTest.mouseClick(kiosk.ending.questions.findChild(QPushButton, "endSkip"), Qt.MouseButton.LeftButton)
            kiosk.window.repaint()
            settle(app)
            times.append(time.perf_counter() - t)
            assert kiosk.nav.current == "home" and not session.work_dir.exists()
        kiosk.shutdown()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=50)
    args = parser.parse_args()
    prepare_qt()
    app = QApplication(sys.argv[:1])
    bare = bare_switch(app, args.sessions)
    kiosk = kiosk_turnover(app, args.sessions)
    b, k = statistics.median(bare), statistics.median(kiosk)
    print(f"sessions: {args.sessions}, platform: {os.environ['QT_QPA_PLATFORM']}")
    print(f"bare page switch on click:          median {b * 1000:.2f} ms")
    print(f"kiosk 'Kết thúc' → home ready:      median {k * 1000:.2f} ms (max {max(kiosk) * 1000:.1f} ms)")
    print(f"ratio kiosk / bare: {k / b:.1f}x", flush=True)
    # PySide6 may crash while the interpreter tears down Qt objects; the figures are out.
    os._exit(0)


if __name__ == "__main__":
    main()
