"""Real libvlc (dummy audio and video output) driving a guide through its steps."""

from __future__ import annotations

import pytest

from kiosk_app.videos import vlc_player
from kiosk_app.videos.library import load_library
from kiosk_app.videos.playback import GuidePlayback, watched_fraction
from kiosk_app.videos.player import PlayerError
from kiosk_app.videos.vlc_player import VlcPlayer
from video_media import STEP_S, VLC_TEST_ARGS, make_png, one_guide_manifest

WAIT_MS = 10_000
ALLOWED_FIELDS = {"guide", "step", "steps", "via", "from_step", "left_early", "furthest_step", "finished",
                  "watched_fraction", "seconds_open"}


@pytest.fixture
def library(media_dir):
    return load_library(media_dir / "manifest.toml")


@pytest.fixture
def player():
    p = VlcPlayer(VLC_TEST_ARGS)
    assert p.available, "libvlc must be installed for these tests"
    yield p
    p.close()


@pytest.fixture
def events():
    return []


def make_playback(player, events, pause_after_step=False):
    return GuidePlayback(player, lambda event, **fields: events.append((event, fields)),
                         pause_after_step=pause_after_step)


def wait_position(qtbot, player, low, high=None):
    """Wait until the player plays at a time in [low, high)."""
    def there():
        t = player.position()
        assert player.is_playing() and t >= low and (high is None or t < high), (player.is_playing(), t)
    qtbot.waitUntil(there, timeout=WAIT_MS)


def test_touching_a_step_lands_on_its_start(qtbot, player, events, library):
    playback = make_playback(player, events)
    playback.open(library.guide("mau"))
    wait_position(qtbot, player, 0.1)
    with qtbot.waitSignal(playback.step_changed, timeout=WAIT_MS) as changed:
        playback.go_to(2)
    assert changed.args == [2]
    wait_position(qtbot, player, 2 * STEP_S, 2 * STEP_S + 1.0)
    assert playback.current == 2
    playback.previous_step()
    wait_position(qtbot, player, STEP_S, STEP_S + 1.0)
    assert playback.current == 1
    playback.repeat_step()
    wait_position(qtbot, player, STEP_S, STEP_S + 1.0)
    steps = [(f["via"], f["from_step"], f["left_early"]) for e, f in events if e == "video.step"]
    assert steps == [("open", None, False), ("list", 0, True), ("previous", 2, True), ("repeat", 1, True)]


def test_the_current_step_follows_playback(qtbot, player, events, library):
    playback = make_playback(player, events)
    with qtbot.waitSignal(playback.step_changed, timeout=WAIT_MS, check_params_cb=lambda i: i == 1):
        playback.open(library.guide("mau"))
    assert STEP_S <= player.position() < STEP_S + 1.0
    assert ("video.step", {"guide": "mau", "step": 1, "via": "play", "from_step": 0, "left_early": False}) in events


def test_playback_holds_at_the_end_of_each_step(qtbot, player, events, library):
    playback = make_playback(player, events, pause_after_step=True)
    with qtbot.waitSignal(playback.step_held, timeout=WAIT_MS) as held:
        playback.open(library.guide("mau"))
    assert held.args == [0]
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=WAIT_MS)
    assert player.position() < STEP_S and playback.current == 0
    playback.toggle_pause()  # the big play button goes on to the next step while held
    wait_position(qtbot, player, STEP_S, 2 * STEP_S)
    assert playback.current == 1 and not playback.held
    assert events[-1] == ("video.step", {"guide": "mau", "step": 1, "via": "next", "from_step": 0, "left_early": False})


def test_the_end_of_the_guide_and_starting_again(qtbot, player, events, library):
    playback = make_playback(player, events)
    playback.open(library.guide("mau"), step=2, via="portal")
    with qtbot.waitSignal(playback.finished, timeout=WAIT_MS):
        pass
    assert playback.at_end and playback.current == 2 and not player.is_playing()
    playback.toggle_pause()
    wait_position(qtbot, player, 0.0, STEP_S)
    assert playback.current == 0
    playback.close()
    names = [e for e, _ in events]
    assert names[0] == "video.opened" and events[0][1]["via"] == "portal" and events[0][1]["step"] == 2
    assert "video.finished" in names and names[-1] == "video.closed"
    closed = events[-1][1]
    assert closed["furthest_step"] == 2 and closed["watched_fraction"] == 1.0
    for _, fields in events:
        assert set(fields) <= ALLOWED_FIELDS


def test_closing_early_records_how_far_the_resident_watched(qtbot, player, events, library):
    playback = make_playback(player, events)
    playback.open(library.guide("mau"))
    wait_position(qtbot, player, 0.5)
    playback.close()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=WAIT_MS)
    closed = events[-1]
    assert closed[0] == "video.closed" and closed[1]["finished"] is False
    assert 0 < closed[1]["watched_fraction"] < 0.5


@pytest.mark.parametrize("name, error", [("nothing.mp4", PlayerError.MISSING), ("corrupt.mp4", PlayerError.CORRUPT),
                                         (".", PlayerError.MISSING)])
@pytest.mark.allow_log("video")
def test_broken_files_report_an_error(qtbot, player, media_dir, name, error):
    with qtbot.waitSignal(player.error, timeout=WAIT_MS) as failed:
        player.load(media_dir / name)
        player.play()
    assert failed.args == [error.value]
    assert not player.is_playing()


@pytest.mark.allow_log("video")
def test_without_libvlc_the_player_says_so(qtbot, monkeypatch, media_dir):
    monkeypatch.setattr(vlc_player, "_load_vlc", lambda: None)
    player = VlcPlayer(VLC_TEST_ARGS)
    assert not player.available
    with qtbot.waitSignal(player.error, timeout=WAIT_MS) as failed:
        player.load(media_dir / "pattern.mp4")
    assert failed.args == [PlayerError.NO_ENGINE.value]
    player.play()  # harmless
    player.close()


def test_tracks_are_reported(qtbot, player, media_dir):
    with qtbot.waitSignal(player.tracks_known, timeout=WAIT_MS) as known:
        player.load(media_dir / "pattern.mp4", media_dir / "pattern.srt")
        player.play()
    assert known.args == [True, True]
    player.stop()
    with qtbot.waitSignal(player.tracks_known, timeout=WAIT_MS) as known:
        player.load(media_dir / "silent.mp4")
        player.play()
    assert known.args == [False, False]


def test_subtitles_can_be_turned_off_and_on(qtbot, player, media_dir):
    with qtbot.waitSignal(player.tracks_known, timeout=WAIT_MS):
        player.load(media_dir / "pattern.mp4", media_dir / "pattern.srt")
        player.play()
    mp = player._mp  # the libvlc player: its selected subtitle track is what the resident sees
    qtbot.waitUntil(lambda: mp.video_get_spu() != -1, timeout=WAIT_MS)
    player.set_subtitles(False)
    qtbot.waitUntil(lambda: mp.video_get_spu() == -1, timeout=WAIT_MS)
    player.set_subtitles(True)
    qtbot.waitUntil(lambda: mp.video_get_spu() != -1, timeout=WAIT_MS)


def test_an_unreadable_file_is_told_apart(monkeypatch, tmp_path):
    from kiosk_app.videos import player as player_module

    video = tmp_path / "locked.mp4"
    video.write_bytes(b"\0")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(player_module, "open", refuse, raising=False)
    assert player_module.check_media_file(video) == PlayerError.UNREADABLE
    monkeypatch.undo()
    assert player_module.check_media_file(video) is None
    assert player_module.check_media_file(tmp_path / "none.mp4") == PlayerError.MISSING


@pytest.mark.allow_log("video")
def test_the_error_log_names_the_file_that_failed(qtbot, player, media_dir, caplog):
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT_MS):
        player.load(media_dir / "pattern.mp4")
        player.play()
    for name in ("nothing.mp4", "corrupt.mp4"):
        caplog.clear()
        with qtbot.waitSignal(player.error, timeout=WAIT_MS):
            player.load(media_dir / name)
            player.play()
        logged = [r for r in caplog.records if getattr(r, "event", None) == "video.error"]
        assert [r.fields["video"] for r in logged] == [str(media_dir / name)]


def _one_guide(folder, video, starts):
    (folder / "one.toml").write_text(one_guide_manifest(video, starts), encoding="utf-8")
    return load_library(folder / "one.toml").guide("mot")


def test_watched_fraction_is_against_the_video_length(qtbot, player, events, library_dir):
    # Steps start at 0 and 1.5 s of a 4.5 s video: half of it watched is 0.5, not 1.5 of 1.5.
    playback = make_playback(player, events)
    playback.open(_one_guide(library_dir, "pattern.mp4", (0, 1.5)))
    wait_position(qtbot, player, 2.25)
    playback.close()
    closed = events[-1][1]
    assert events[-1][0] == "video.closed" and closed["finished"] is False
    assert 0.45 <= closed["watched_fraction"] < 0.75, closed


@pytest.mark.parametrize("video, starts, step", [("pattern.mp4", (0, 20), 1), ("picture.mp4", (0,), 0)])
def test_a_step_past_the_end_or_a_still_picture_finishes_the_guide(qtbot, events, library_dir, video, starts, step):
    """A step that starts after the video's end, or a PNG named .mp4, ends as a watched guide."""
    make_png(library_dir / "picture.mp4")
    player = VlcPlayer(VLC_TEST_ARGS + ("--image-duration=1",))  # a still lasts 10 s by default
    try:
        playback = make_playback(player, events)
        with qtbot.waitSignal(playback.finished, timeout=WAIT_MS):
            playback.open(_one_guide(library_dir, video, starts), step=step)
        playback.close()
    finally:
        player.close()
    names = [e for e, _ in events]
    assert "video.finished" in names and names[-1] == "video.closed" and events[-1][1]["finished"] is True
    assert events[-1][1]["watched_fraction"] == 1.0


def test_watched_fraction_is_the_furthest_point_over_the_length():
    assert watched_fraction(6.0, 12.0, finished=False) == 0.5
    assert watched_fraction(13.0, 12.0, finished=False) == 1.0
    assert watched_fraction(3.0, 12.0, finished=True) == 1.0
    assert watched_fraction(0.0, 0.0, finished=False) is None  # never played: the length is unknown
