"""Run the guide player in a real X window and report what is on the screen, as JSON.

python tests/videos/x11_probe.py MANIFEST GUIDE_ID OUT_DIR [STEP ...]
For the opening and then for each STEP asked (touching that step in the list), it waits until
the video has played a little past the step's start, grabs the screen to OUT_DIR/<n>.png and
records the colour at the middle of the video area. Needs DISPLAY (Xvfb).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk_app.videos.library import load_library  # noqa: E402
from kiosk_app.videos.playback import GuidePlayback  # noqa: E402
from kiosk_app.videos.screens import GuidePlayerScreen  # noqa: E402
from kiosk_app.videos.vlc_player import DEFAULT_VLC_ARGS, VlcPlayer  # noqa: E402

DEADLINE_S = 30


def wait_until(app: QApplication, condition, what: str) -> None:
    end = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    manifest, guide_id, out_dir = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    steps = [int(s) for s in sys.argv[4:]]
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(["probe", "-platform", "xcb"])
    player = VlcPlayer(DEFAULT_VLC_ARGS + ("--aout=dummy",))
    playback = GuidePlayback(player, pause_after_step=False)
    screen = GuidePlayerScreen(playback)
    screen.resize(1280, 720)
    screen.show()
    wait_until(app, lambda: screen.isVisible() and screen.surface.winId(), "the window")
    guide = load_library(manifest).guide(guide_id)
    shown = []
    player.video_shown.connect(lambda: shown.append(True))
    screen.open_guide(guide)
    shots = []

    def grab(name: str, step: int) -> None:
        target = guide.steps[step].start + 0.5
        wait_until(app, lambda: shown and player.is_playing() and player.position() >= target, f"step {step}")
        # Grab what X shows (VLC draws into its own window, so a widget grab would miss it),
        # until the middle of the video area shows a picture rather than the black background.
        centre = screen.surface.mapToGlobal(screen.surface.rect().center())
        end = time.monotonic() + DEADLINE_S
        while True:
            app.processEvents()
            pixmap = app.primaryScreen().grabWindow(0)
            colour = pixmap.toImage().pixelColor(centre)
            if max(colour.red(), colour.green(), colour.blue()) > 60 or time.monotonic() > end:
                break
            time.sleep(0.02)
        path = out_dir / f"{name}.png"
        pixmap.save(str(path))
        shots.append({"name": name, "step": step, "current": playback.current, "position": player.position(),
                      "rgb": [colour.red(), colour.green(), colour.blue()], "png": str(path),
                      "checked": [b.isChecked() for b in screen.step_buttons]})

    grab("open", 0)
    for n, step in enumerate(steps):
        screen.step_buttons[step].click()
        grab(f"step{n}-{step}", step)
    screen.reset()
    player.close()
    print(json.dumps({"shots": shots}))
    sys.stdout.flush()
    os._exit(0)  # skip libvlc/Qt teardown order issues at exit


if __name__ == "__main__":
    sys.exit(main())
