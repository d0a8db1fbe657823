"""A bundled guide in the kiosk started as a person starts it, touched with real clicks on Xvfb."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from video_media import one_guide_manifest

from tests.conftest import wait_until

pytestmark = pytest.mark.e2e

# Where things are on the 1366×768 screen, fullscreen.
FIRST_GUIDE_TILE = (250, 330)  # the first of the guides side by side
VIDEO_MIDDLE = (480, 330)
MENU_BUTTON = (1290, 60)
TITLE_CARD = (11, 61, 145)  # the first frame of every bundled guide


def touch(display: str, xy) -> None:
    subprocess.run(["xdotool", "mousemove", *map(str, xy), "click", "1"], env=dict(os.environ, DISPLAY=display),
                   check=True)


def pixel(display: str, path: Path, xy) -> tuple[int, int, int]:
    subprocess.run(["import", "-window", "root", str(path)], env=dict(os.environ, DISPLAY=display), check=True)
    return Image.open(path).convert("RGB").getpixel(xy)


def test_touching_a_guide_shows_its_first_frame_then_the_menu_stops_it(start_kiosk, xvfb_display, tmp_path):
    settings = tmp_path / "kiosk.toml"
    settings.write_text('[videos]\nextra_vlc_args = ["--aout=dummy"]\n', encoding="utf-8")
    kiosk = start_kiosk("--temp-data-dir", "--config", str(settings), "--start-screen", "guides",
                        display=xvfb_display)
    kiosk.wait_event("app.ready", screen="guides")
    wait_until(lambda: pixel(xvfb_display, tmp_path / "list.png", FIRST_GUIDE_TILE) != (0, 0, 0),
               what="the guide list painted")
    touch(xvfb_display, FIRST_GUIDE_TILE)
    opened = kiosk.wait_event("video.opened")
    assert opened["guide"] == "dang-nhap" and opened["via"] == "menu" and opened["session"]

    def shows_title_card():
        rgb = pixel(xvfb_display, tmp_path / "video.png", VIDEO_MIDDLE)
        return all(abs(a - b) < 40 for a, b in zip(rgb, TITLE_CARD))

    wait_until(shows_title_card, timeout=30, what="the guide's first frame on screen")
    touch(xvfb_display, MENU_BUTTON)
    closed = kiosk.wait_event("video.closed")
    assert closed["guide"] == "dang-nhap" and closed["finished"] is False
    kiosk.wait_event("ui.screen", screen="menu")


@pytest.mark.parametrize("video", ["tone.mp4", "pattern.mp4"])
def test_the_video_area_is_black_when_nothing_is_drawn(start_kiosk, xvfb_display, tmp_path, media_dir, video):
    """Sound only, or a video played to its end: the area must not keep the list's picture."""
    (media_dir / f"one-{video}.toml").write_text(one_guide_manifest(video), encoding="utf-8")
    settings = tmp_path / "kiosk.toml"
    settings.write_text(f'[videos]\nmanifest = "{media_dir / f"one-{video}.toml"}"\npause_after_step = false\n'
                        'extra_vlc_args = ["--aout=dummy"]\n', encoding="utf-8")
    kiosk = start_kiosk("--temp-data-dir", "--config", str(settings), "--start-screen", "guides",
                        display=xvfb_display)
    kiosk.wait_event("app.ready", screen="guides")
    wait_until(lambda: max(pixel(xvfb_display, tmp_path / "list.png", VIDEO_MIDDLE)) > 200,
               what="the guide list painted under where the video will be")
    touch(xvfb_display, FIRST_GUIDE_TILE)
    kiosk.wait_event("video.opened")
    if video == "pattern.mp4":
        kiosk.wait_event("video.finished")
    wait_until(lambda: max(pixel(xvfb_display, tmp_path / "video.png", VIDEO_MIDDLE)) < 40, timeout=15,
               what="a black video area")
