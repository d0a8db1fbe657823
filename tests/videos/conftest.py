"""Fixtures of the guide tests: generated media and a private copy of the test library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from video_media import MANIFEST, SRT, VLC_TEST_ARGS, make_pattern, make_tone


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    if not shutil.which("ffmpeg"):
        pytest.fail("ffmpeg is needed to make the test media")
    d = tmp_path_factory.mktemp("guides")
    make_pattern(d / "pattern.mp4")
    make_pattern(d / "silent.mp4", audio=False)
    make_tone(d / "tone.mp4")
    (d / "pattern.srt").write_text(SRT, encoding="utf-8")
    (d / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (d / "corrupt.mp4").write_bytes(bytes(range(256)) * 64)
    return d


@pytest.fixture
def library_dir(media_dir, tmp_path) -> Path:
    """A private copy of the test library, free to break."""
    d = tmp_path / "lib"
    shutil.copytree(media_dir, d)
    return d


@pytest.fixture
def screen(qtbot):
    """The guide player screen on real libvlc (dummy output); `screen.events` is what it logged."""
    from kiosk_app.videos.playback import GuidePlayback
    from kiosk_app.videos.screens import GuidePlayerScreen
    from kiosk_app.videos.vlc_player import VlcPlayer

    events = []
    player = VlcPlayer(VLC_TEST_ARGS)
    playback = GuidePlayback(player, lambda event, **fields: events.append((event, fields)), pause_after_step=False)
    w = GuidePlayerScreen(playback)
    w.events = events
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    yield w
    w.reset()
    player.close()
