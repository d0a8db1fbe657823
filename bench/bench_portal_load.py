"""Portal: session start → practice portal home page loaded, and memory over many sessions.

    .venv/bin/python bench/bench_portal_load.py [--runs 15] [--sessions 200]

Beside the kiosk's portal screen (a fresh off-the-record profile, locked-down page and view per
session), a bare QWebEngineView loading the same page. Memory is the proportional set size (PSS)
of this process and all its children (the QtWebEngine processes), after 10 and after N sessions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer, QUrl  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk_app.app import prepare_qt  # noqa: E402


class BenchSessions:
    """The least a session manager does for the portal: a current session, no logging."""

    def __init__(self):
        self.current = None

    def record(self, event, **fields):
        pass

    def update(self, **fields):
        pass


class BenchSession:
    def __init__(self, work_dir: Path):
        self.work_dir = work_dir


def wait(signal, timeout_ms: int = 30000):
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def settle(app, rounds: int = 5):
    for _ in range(rounds):
        app.processEvents()
        app.sendPostedEvents(None, 0)  # deleteLater of pages and profiles


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def pss_mb() -> tuple[float, int]:
    total, procs = 0, 0
    for pid in descendants(os.getpid()):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    procs += 1
        except OSError:
            pass
    return total / 1024, procs


def bare_load(app, url: str) -> float:
    from PySide6.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView()
    view.resize(1366, 700)
    view.show()
    t = time.perf_counter()
    view.load(QUrl(url))
    wait(view.loadFinished)
    elapsed = time.perf_counter() - t
    view.close()
    view.deleteLater()
    settle(app)
    return elapsed


def kiosk_load(app, screen, sessions, folder: Path, n: int) -> float:
    session = BenchSession(folder / f"s{n}")
    session.work_dir.mkdir(parents=True, exist_ok=True)
    sessions.current = session
    t = time.perf_counter()
    screen.start_session(session)
    wait(screen.page_loaded)
    elapsed = time.perf_counter() - t
    screen.end_session()
    sessions.current = None
    settle(app)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    prepare_qt()
    app = QApplication(sys.argv[:1])
    from kiosk_app.config import load_config
    from kiosk_app.portal.options import portal_options
    from kiosk_app.portal.view import PortalScreen
    from kiosk_app.practice.server import PracticePortal

    portal = PracticePortal().start()
    sessions = BenchSessions()
    screen = PortalScreen(portal_options(load_config().portal, portal.home_url), sessions)
    screen.resize(1366, 768)
    screen.show()
    folder = Path(tempfile.mkdtemp(prefix="bench-portal-"))

    # Warm both paths once (the first QtWebEngine start is paid by whoever comes first).
    bare_load(app, portal.home_url)
    kiosk_load(app, screen, sessions, folder, -1)
    bare, kiosk = [], []
    for i in range(args.runs):
        bare.append(bare_load(app, portal.home_url))
        kiosk.append(kiosk_load(app, screen, sessions, folder, i))
    b, k = statistics.median(bare) * 1000, statistics.median(kiosk) * 1000
    print(f"home page loaded, median of {args.runs}: bare view {b:.0f} ms, kiosk session {k:.0f} ms, "
          f"ratio {k / b:.2f}x (kiosk max {max(kiosk) * 1000:.0f} ms)")

    marks = {}
    for n in range(1, args.sessions + 1):
        kiosk_load(app, screen, sessions, folder, n)
        if n in (10, args.sessions):
            marks[n] = pss_mb()
    ten, last = marks[10], marks[args.sessions]
    print(f"memory (PSS, kiosk + browser processes): after 10 sessions {ten[0]:.0f} MB in {ten[1]} processes, "
          f"after {args.sessions} sessions {last[0]:.0f} MB in {last[1]} processes, ratio {last[0] / ten[0]:.2f}x")
    portal.stop()


if __name__ == "__main__":
    main()
