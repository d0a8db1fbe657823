"""Touching a guide → its first frame on screen, beside bare python-vlc playing the same file.

    .venv/bin/python bench/bench_video_first_frame.py [--runs 9] [--guide dang-nhap]

Needs an X server: uses $DISPLAY, or starts a private Xvfb. Both sides are timed the same way:
the screen under the middle of the video area is read back (a few pixels, every millisecond or
so) until it shows the first frame's colour (the title card's blue). The kiosk side is the real
kiosk in-process: a touch on the guide's tile in the list, the player screen built (first run
only), the guide loaded and played. The bare side is a plain native QWidget and python-vlc with
set_xwindow + play. Run 1 of each is cold (libvlc and, for the kiosk, the player screen are
created); the table reports the median of the warm runs, and the cold ones apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_FRAME_RGB = (11, 61, 145)  # the title card of every bundled guide (videos/make_guides.py)
TOLERANCE = 40
DEADLINE_S = 15.0


def ensure_display() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    if not shutil.which("Xvfb"):
        raise SystemExit("needs an X server: set DISPLAY or install Xvfb")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        os.environ["DISPLAY"] = ":" + f.readline().strip()
    return proc


def _centre_rgb(app, widget) -> tuple[int, int, int]:
    centre = widget.mapToGlobal(widget.rect().center())
    colour = app.primaryScreen().grabWindow(0, centre.x() - 2, centre.y() - 2, 4, 4).toImage().pixelColor(1, 1)
    return colour.red(), colour.green(), colour.blue()


def _wait(app, widget, wanted) -> float:
    deadline = time.perf_counter() + DEADLINE_S
    while time.perf_counter() < deadline:
        app.processEvents()
        if wanted(_centre_rgb(app, widget)):
            return time.perf_counter()
    raise SystemExit(f"the screen did not change within {DEADLINE_S} s: {_centre_rgb(app, widget)}")


def wait_for_frame(app, widget) -> float:
    """The time at which the screen under `widget`'s middle shows the first frame's colour."""
    return _wait(app, widget, lambda rgb: all(abs(a - b) <= TOLERANCE for a, b in zip(rgb, FIRST_FRAME_RGB)))


def wait_for_black(app, widget) -> None:
    """No picture left from the run before (a stopped player leaves its last frame on screen)."""
    widget.repaint()
    _wait(app, widget, lambda rgb: max(rgb) < TOLERANCE)


def settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def bench_kiosk(app, runs: int, guide_id: str, manifest: str = "") -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from kiosk_app.app import Kiosk, Options
    from kiosk_app.config import load_config
    from kiosk_app.paths import KioskPaths

    cfg = load_config()
    cfg = dataclasses.replace(cfg, videos=dataclasses.replace(cfg.videos, manifest=manifest,
                                                              extra_vlc_args=["--aout=dummy"]))
    paths = KioskPaths.temporary_dir()
    paths.ensure()
    kiosk = Kiosk(cfg, paths, Options(windowed=False, start_screen="guides"))
    kiosk.start()
    settle(app, 1.0)
    times = []
    try:
        for _ in range(runs):
            kiosk.nav.go("guides")
            settle(app, 0.5)
            tile = kiosk.guides.list_screen.tiles[guide_id]
            t0 = time.perf_counter()
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
            surface = kiosk.nav.screen("guide_player").surface
            times.append(wait_for_frame(app, surface) - t0)
            kiosk.nav.screen("guide_player").leave()
    finally:
        kiosk.shutdown()
        paths.cleanup()
    return times


def bench_bare(app, runs: int, video: Path) -> list[float]:
    import vlc
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    window.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
    window.setStyleSheet("background: black;")
    window.resize(960, 540)
    window.show()
    settle(app, 0.5)
    times = []
    instance = player = None
    for _ in range(runs):
        wait_for_black(app, window)
        t0 = time.perf_counter()
        if instance is None:  # cold: creating libvlc is part of the first run, as in the kiosk
            instance = vlc.Instance(["--quiet", "--aout=dummy"])
            player = instance.media_player_new()
            player.set_xwindow(int(window.winId()))
        player.set_media(instance.media_new_path(str(video)))
        player.play()
        times.append(wait_for_frame(app, window) - t0)
        player.stop()
        settle(app, 0.5)
    player.release()
    instance.release()
    window.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--guide", default="dang-nhap")
    parser.add_argument("--manifest", default="", help="another guide library (default: the bundled one)")
    args = parser.parse_args()
    xvfb = ensure_display()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        from PySide6.QtWidgets import QApplication

        from kiosk_app.app import prepare_qt
        from kiosk_app.videos.library import load_library

        prepare_qt()
        app = QApplication(sys.argv[:1])
        manifest = Path(args.manifest) if args.manifest else ROOT / "videos" / "manifest.toml"
        video = load_library(manifest).guide(args.guide).video
        bare = bench_bare(app, args.runs, video)
        kiosk = bench_kiosk(app, args.runs, args.guide, args.manifest)
        ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        print(f"video: {video.name}, runs: {args.runs} (run 1 cold)")
        print(f"bare python-vlc: cold {bare[0] * 1000:.0f} ms, warm median {ms(bare[1:]):.0f} ms")
        print(f"kiosk:           cold {kiosk[0] * 1000:.0f} ms, warm median {ms(kiosk[1:]):.0f} ms")
        print(f"ratio kiosk/bare: warm {ms(kiosk[1:]) / ms(bare[1:]):.2f}x, cold {kiosk[0] / bare[0]:.2f}x")
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
