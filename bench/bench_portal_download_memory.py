"""What the portal keeps per receipt download: N portal sessions (a fresh profile, page and view
each, as the kiosk makes them), each loading a page and, with --download, downloading a 60 kB
PDF into the session folder; RSS of this process after each session, and the QtWebEngine
objects still alive (C++ side, found through the application's object tree and shiboken).

    .venv/bin/python bench/bench_portal_download_memory.py --sessions 20 [--download] [--no-end]

Run both ways in turn; the difference per session is what a download keeps.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "portal"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--download", action="store_true")
    args = p.parse_args()

    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
    from kiosk_app.qt_fixes import prepare_qt

    prepare_qt()
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from conftest import FakeSession, FakeSessions, RecordingChooser, RecordingDialogs, Response, TestSite
    from kiosk_app.portal.options import PortalOptions
    from kiosk_app.portal.rules import PortalRules
    from kiosk_app.portal.view import PortalScreen

    site = TestSite()
    pdf = b"%PDF-1.4\n" + b"0" * 60_000 + b"\n%%EOF\n"
    site.routes["/"] = Response("<html><body><a id=r href='/bien-nhan.pdf'>biên nhận</a></body></html>")
    site.routes["/bien-nhan.pdf"] = Response(pdf, ctype="application/pdf",
                                              headers={"Content-Disposition": "attachment; filename=bien-nhan.pdf"})
    options = PortalOptions(home_url=site.url("/"), rules=PortalRules.from_lists([site.origin]))
    sessions = FakeSessions()
    screen = PortalScreen(options, sessions, lambda parent: RecordingDialogs(), lambda parent: RecordingChooser(), None)
    sessions.screen = screen
    screen.resize(1280, 900)
    screen.show()
    work = Path(tempfile.mkdtemp(prefix="dl-mem-"))

    def wait_for(signal, timeout_ms=20000):
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def settle():
        for _ in range(5):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
        gc.collect()

    def live(kind: str) -> int:
        return sum(1 for o in gc.get_objects() if type(o).__name__ == kind)

    made = {"profile": 0, "page": 0, "download": 0}
    gone = {"profile": 0, "page": 0, "download": 0}

    def watch(kind, obj):
        made[kind] += 1
        obj.destroyed.connect(lambda *_: gone.__setitem__(kind, gone[kind] + 1))

    start = rss_mb()
    print(f"download={args.download} start RSS {start:.1f} MB", flush=True)
    figures = []
    for n in range(1, args.sessions + 1):
        session = FakeSession(work / f"s{n}")
        screen.start_session(session)
        watch("profile", screen.profile.profile)
        watch("page", screen.page)
        screen.profile.profile.downloadRequested.connect(lambda d: watch("download", d))
        wait_for(screen.page.loadFinished)
        if args.download:
            screen.page.runJavaScript("document.getElementById('r').click()")
            wait_for(screen.download_finished)
            assert session.named("portal.download"), session.events
        screen.end_session()
        settle()
        figures.append(rss_mb())
        print(f"{n:3d} RSS {figures[-1]:7.1f} MB  python wrappers alive: profiles={live('QWebEngineProfile')} "
              f"downloads={live('QWebEngineDownloadRequest')} pages={live('KioskPage')}; Qt objects made/deleted: "
              + ", ".join(f"{k} {made[k]}/{gone[k]}" for k in made), flush=True)
    per = (figures[-1] - figures[1]) / max(1, len(figures) - 2)
    print(f"download={args.download}: per session after the 2nd {per:+.2f} MB (RSS {figures[1]:.1f} → {figures[-1]:.1f})")
    screen.close()
    import shiboken6

    shiboken6.delete(screen)
    site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
