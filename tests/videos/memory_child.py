"""Plays one video many times through the kiosk's player on X11; prints RSS and glibc's arenas.

    python memory_child.py VIDEO PLAYS

Run as its own process by test_video_memory.py (a fresh process: the test suite's own threads
and memory would blur the figures). After each play it prints {"plays": n, "rss_mb": ...} on
stdout; at the end glibc's malloc_stats() writes one "Arena N:" block per arena on stderr.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk_app.qt_fixes import pin_singletons_if_binding_leaks
from kiosk_app.videos.vlc_player import DEFAULT_VLC_ARGS, VlcPlayer

PLAYED_S = 0.6  # how far each play goes before it is stopped (read from the player, not a clock)
DEADLINE_S = 30.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for(app, condition) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the player did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    video, plays = Path(sys.argv[1]), int(sys.argv[2])
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    pin_singletons_if_binding_leaks()
    app = QApplication(sys.argv[:1])
    surface = QWidget()
    surface.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
    surface.resize(640, 360)
    surface.show()
    player = VlcPlayer(DEFAULT_VLC_ARGS + ("--aout=dummy",))
    player.attach(int(surface.winId()))
    for n in range(1, plays + 1):
        player.load(video)
        player.play()
        wait_for(app, lambda: player.is_playing() and player.position() >= PLAYED_S)
        player.stop()
        wait_for(app, lambda: not player.is_playing())
        print(json.dumps({"plays": n, "rss_mb": round(rss_mb(), 1)}), flush=True)
    player.close()
    ctypes.CDLL(None).malloc_stats()
    return 0


if __name__ == "__main__":
    sys.exit(main())
