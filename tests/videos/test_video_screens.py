"""The guide list and the player screen, with real libvlc behind them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from video_media import COLOURS, VLC_TEST_ARGS, one_guide_manifest

from kiosk_app.strings import videos as T
from kiosk_app.videos import vlc_player
from kiosk_app.videos.library import load_library
from kiosk_app.videos.playback import GuidePlayback
from kiosk_app.videos.screens import GuideListScreen, GuidePlayerScreen
from kiosk_app.videos.vlc_player import VlcPlayer

WAIT_MS = 10_000
PROBE = Path(__file__).with_name("x11_probe.py")
BUNDLED = Path(__file__).resolve().parents[2] / "videos" / "manifest.toml"


def test_guide_list_shows_every_guide_with_its_thumbnail(qtbot):
    library = load_library(BUNDLED)
    w = GuideListScreen(library)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    assert list(w.tiles) == ["dang-nhap", "kich-hoat-muc-2", "nop-ho-so"]
    for guide in library.guides:
        tile = w.tiles[guide.id]
        assert tile.title.text() == guide.title and not tile.thumbnail.pixmap().isNull()
    assert not w.message.isVisibleTo(w)
    last = w.tiles["nop-ho-so"]  # side by side once laid out: every guide in sight
    qtbot.waitUntil(lambda: w.rect().contains(last.mapTo(w, last.rect().bottomRight())))
    with qtbot.waitSignal(w.guide_chosen, timeout=WAIT_MS) as chosen:
        qtbot.mouseClick(w.tiles["nop-ho-so"], Qt.MouseButton.LeftButton)
    assert chosen.args == ["nop-ho-so"]


def test_guide_list_without_a_library_says_so(qtbot):
    w = GuideListScreen(None, problem="manifest.toml: tệp: không đọc được")
    qtbot.addWidget(w)
    assert not w.tiles
    assert w.message.isVisibleTo(w) and w.message.text() == T.LIBRARY_BROKEN
    empty = GuideListScreen(None)
    qtbot.addWidget(empty)
    assert empty.message.isVisibleTo(empty) and empty.message.text() == T.LIBRARY_EMPTY


def test_step_list_follows_playback_and_touches(qtbot, screen, media_dir):
    guide = load_library(media_dir / "manifest.toml").guide("mau")
    screen.open_guide(guide)
    assert [b.text() for b in screen.step_buttons] == ["1. Màu đỏ", "2. Màu xanh lá", "3. Màu xanh dương"]
    qtbot.waitUntil(lambda: screen.step_buttons[1].isChecked(), timeout=WAIT_MS)  # played into step 2
    assert screen.step_label.text() == "Bước 2/3"
    qtbot.mouseClick(screen.step_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.step_buttons[0].isChecked() and not screen.step_buttons[1].isChecked(),
                    timeout=WAIT_MS)
    assert not screen.prev_button.isEnabled()
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.step_buttons[1].isChecked(), timeout=WAIT_MS)
    assert screen.playback.current == 1


def test_end_of_guide_offers_to_start_again(qtbot, screen, media_dir):
    guide = load_library(media_dir / "manifest.toml").guide("mau")
    screen.open_guide(guide, step=2)
    qtbot.waitUntil(lambda: screen.play_button.text() == T.RESTART, timeout=WAIT_MS)
    assert screen.notice.isVisibleTo(screen) and screen.notice.text() == T.GUIDE_DONE
    assert not screen.next_button.isEnabled()
    qtbot.mouseClick(screen.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.step_buttons[0].isChecked() and screen.play_button.text() == T.PAUSE,
                    timeout=WAIT_MS)


@pytest.mark.allow_log("video")
def test_a_corrupt_video_shows_a_message_and_the_way_back(qtbot, screen, library_dir):
    manifest = library_dir / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("pattern.mp4", "corrupt.mp4"), encoding="utf-8")
    screen.open_guide(load_library(manifest).guide("mau"))
    qtbot.waitUntil(lambda: screen.video_stack.currentWidget() is screen.error_panel, timeout=WAIT_MS)
    assert screen.error_text.text() == T.ERROR_CORRUPT
    assert not screen.play_button.isVisibleTo(screen) and not screen.step_buttons[0].isVisibleTo(screen)
    back = screen.error_panel.findChild(type(screen.play_button), "videoErrorBack")
    with qtbot.waitSignal(screen.back, timeout=WAIT_MS):
        qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert screen.events[-1][0] == "video.closed"


@pytest.mark.allow_log("video")
def test_a_missing_video_then_a_good_one(qtbot, screen, library_dir):
    (library_dir / "pattern.mp4").unlink()
    library = load_library(library_dir / "manifest.toml")
    screen.open_guide(library.guide("mau"))
    qtbot.waitUntil(lambda: screen.error_text.text() == T.ERROR_MISSING, timeout=WAIT_MS)
    screen.open_guide(library.guide("im-lang"))  # the kiosk goes on with another guide
    assert screen.video_stack.currentWidget() is screen.surface and screen.play_button.isVisibleTo(screen)
    qtbot.waitUntil(lambda: screen.notice.isVisibleTo(screen) and screen.notice.text() == T.NO_AUDIO,
                    timeout=WAIT_MS)
    assert not screen.subtitles_button.isVisibleTo(screen)  # this guide has no subtitles


@pytest.mark.allow_log("video")
def test_without_libvlc_the_resident_is_told(qtbot, monkeypatch, media_dir):
    monkeypatch.setattr(vlc_player, "_load_vlc", lambda: None)
    player = VlcPlayer(VLC_TEST_ARGS)
    w = GuidePlayerScreen(GuidePlayback(player))
    qtbot.addWidget(w)
    w.open_guide(load_library(media_dir / "manifest.toml").guide("mau"))
    assert w.error_text.text() == T.ERROR_NO_ENGINE
    with qtbot.waitSignal(w.menu, timeout=WAIT_MS):
        qtbot.mouseClick(w.findChild(type(w.play_button), "videoMenu"), Qt.MouseButton.LeftButton)


def test_volume_and_subtitle_buttons(qtbot, screen, media_dir):
    screen.open_guide(load_library(media_dir / "manifest.toml").guide("mau"))
    mp = screen.player._mp
    qtbot.waitUntil(lambda: screen.player.is_playing(), timeout=WAIT_MS)
    qtbot.mouseClick(screen.volume_down, Qt.MouseButton.LeftButton)
    assert screen.volume_label.text() == T.VOLUME_LEVEL.format(percent=60)  # dummy audio keeps no volume
    for _ in range(3):
        qtbot.mouseClick(screen.volume_down, Qt.MouseButton.LeftButton)
    assert screen.volume_label.text() == T.VOLUME_LEVEL.format(percent=0) and not screen.volume_down.isEnabled()
    qtbot.waitUntil(lambda: mp.video_get_spu() != -1, timeout=WAIT_MS)
    qtbot.mouseClick(screen.subtitles_button, Qt.MouseButton.LeftButton)
    assert screen.subtitles_button.text() == T.SUBTITLES_ON
    qtbot.waitUntil(lambda: mp.video_get_spu() == -1, timeout=WAIT_MS)


def test_session_end_stops_at_once(qtbot, screen, media_dir):
    screen.open_guide(load_library(media_dir / "manifest.toml").guide("mau"))
    qtbot.waitUntil(lambda: screen.player.is_playing(), timeout=WAIT_MS)
    screen.reset()
    assert not screen.player.is_playing()
    assert screen.events[-1][0] == "video.closed"


def _near(rgb, expected, tolerance=60):
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected))


def test_real_window_shows_the_frames_of_each_step(xvfb_display, media_dir, tmp_path):
    """Under Xvfb, a screenshot shows the test pattern's colour of the step touched."""
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    run = subprocess.run([sys.executable, str(PROBE), str(media_dir / "manifest.toml"), "mau", str(tmp_path), "1", "2"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    shots = json.loads(run.stdout.strip().splitlines()[-1])["shots"]
    assert [s["step"] for s in shots] == [0, 1, 2]
    for shot, (_, colour) in zip(shots, COLOURS):
        assert _near(shot["rgb"], colour), shot
        assert shot["current"] == shot["step"] and shot["checked"][shot["step"]]


def test_a_step_past_the_end_says_the_video_is_over(qtbot, screen, library_dir):
    (library_dir / "one.toml").write_text(one_guide_manifest("pattern.mp4", (0, 20)), encoding="utf-8")
    with qtbot.waitSignal(screen.playback.finished, timeout=WAIT_MS):
        screen.open_guide(load_library(library_dir / "one.toml").guide("mot"), step=1)
    assert screen.notice.isVisibleTo(screen) and screen.notice.text() == T.GUIDE_DONE
    assert screen.play_button.text() == T.RESTART
    assert "video.finished" in [e for e, _ in screen.events]
