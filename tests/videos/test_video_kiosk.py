"""The guides inside the real kiosk: menu → list → player, session log, session end, bad library."""

from __future__ import annotations

import dataclasses
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from video_media import VLC_TEST_ARGS

from kiosk_app.app import Kiosk, Options
from kiosk_app.config import load_config
from kiosk_app.strings import common as C
from kiosk_app.strings import videos as T

WAIT_MS = 10_000


@pytest.fixture
def make_kiosk(qtbot, kiosk_paths):
    built = []

    def make(manifest: str, start_screen: str = "menu", idle_timeout_s: float = 120) -> Kiosk:
        cfg = load_config()
        cfg = dataclasses.replace(cfg, videos=dataclasses.replace(
            cfg.videos, manifest=manifest, extra_vlc_args=list(VLC_TEST_ARGS)),
            session=dataclasses.replace(cfg.session, idle_timeout_s=idle_timeout_s, countdown_s=0.3))
        kiosk = Kiosk(cfg, kiosk_paths, Options(windowed=True, start_screen=start_screen))
        qtbot.addWidget(kiosk.window)
        kiosk.start()
        built.append(kiosk)
        qtbot.waitUntil(lambda: kiosk.store.available, timeout=WAIT_MS)
        return kiosk

    yield make
    for kiosk in built:
        kiosk.shutdown()


def events(kiosk, session_id):
    kiosk.store.flush()
    rows = kiosk.store._db.execute("SELECT event, data FROM events WHERE session_id = ? ORDER BY rowid", [session_id])
    return [(e, json.loads(d)) for e, d in rows if e.startswith("video.")]


def test_menu_to_guide_to_session_end(make_kiosk, qtbot, media_dir):
    kiosk = make_kiosk(str(media_dir / "manifest.toml"))
    session = kiosk.sessions.current
    qtbot.mouseClick(kiosk.window.findChild(QPushButton, "menu_guides"), Qt.MouseButton.LeftButton)
    assert kiosk.nav.current == "guides"
    qtbot.mouseClick(kiosk.guides.list_screen.tiles["mau"], Qt.MouseButton.LeftButton)
    assert kiosk.nav.current == "guide_player"
    player_screen = kiosk.nav.screen("guide_player")
    qtbot.waitUntil(lambda: player_screen.player.is_playing(), timeout=WAIT_MS)
    # The default settings pause at the end of each step until the resident goes on.
    qtbot.waitUntil(lambda: player_screen.notice.text() == T.STEP_DONE.format(number=1), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not player_screen.player.is_playing(), timeout=WAIT_MS)
    assert player_screen.step_buttons[0].isChecked() and player_screen.play_button.text() == T.PLAY
    qtbot.mouseClick(player_screen.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player_screen.player.is_playing() and player_screen.step_buttons[1].isChecked(),
                    timeout=WAIT_MS)
    with qtbot.waitSignal(kiosk.sessions.ended, timeout=WAIT_MS):
        kiosk.sessions.end("finished")
    assert not player_screen.player.is_playing() and kiosk.nav.current == "home"
    logged = events(kiosk, session.id)
    names = [e for e, _ in logged]
    assert names[0] == "video.opened" and names[-1] == "video.closed"
    assert ("video.step", {"guide": "mau", "step": 1, "via": "next", "from_step": 0, "left_early": False}) in logged
    assert logged[-1][1]["furthest_step"] == 1 and logged[-1][1]["finished"] is False


def test_the_portal_opens_the_step_for_its_page(make_kiosk, qtbot, media_dir):
    kiosk = make_kiosk(str(media_dir / "manifest.toml"), start_screen="portal")
    assert kiosk.guides.open_for_page("https://example.test/xanh-la/buoc", "")
    assert kiosk.nav.current == "guide_player"
    player_screen = kiosk.nav.screen("guide_player")
    assert player_screen.step_buttons[1].isChecked()
    qtbot.waitUntil(lambda: player_screen.player.is_playing() and player_screen.player.position() >= 1.5,
                    timeout=WAIT_MS)
    assert not kiosk.guides.open_for_page("https://example.test/khong-co", "Trang khác")
    assert player_screen.back_button.text() == C.BACK  # back to the portal page, not the list
    qtbot.mouseClick(player_screen.back_button, Qt.MouseButton.LeftButton)
    assert kiosk.nav.current == "portal" and not player_screen.player.is_playing()
    opened = events(kiosk, kiosk.sessions.current.id)[0]
    assert opened == ("video.opened", {"guide": "mau", "step": 1, "steps": 3, "via": "portal"})


@pytest.mark.allow_log("video.library_error", "video.unknown_guide")
def test_a_broken_library_leaves_the_kiosk_working(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(str(tmp_path / "missing.toml"))
    qtbot.mouseClick(kiosk.window.findChild(QPushButton, "menu_guides"), Qt.MouseButton.LeftButton)
    assert kiosk.nav.current == "guides"
    assert kiosk.guides.list_screen.message.isVisibleTo(kiosk.guides.list_screen)
    assert kiosk.guides.list_screen.message.text() == T.LIBRARY_BROKEN
    assert not kiosk.guides.open("dang-nhap")
    qtbot.mouseClick(kiosk.guides.list_screen.findChild(QPushButton, "guidesBack"), Qt.MouseButton.LeftButton)
    assert kiosk.nav.current == "menu"


@pytest.mark.allow_log("video.guide_left_out", "video.unknown_guide")
def test_one_bad_guide_hides_only_itself(make_kiosk, qtbot, library_dir, caplog):
    manifest = library_dir / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('title = "Video không tiếng"', 'title = ""'),
                        encoding="utf-8")
    kiosk = make_kiosk(str(manifest))
    qtbot.mouseClick(kiosk.window.findChild(QPushButton, "menu_guides"), Qt.MouseButton.LeftButton)
    screen = kiosk.guides.list_screen
    assert list(screen.tiles) == ["mau"] and not screen.message.isVisibleTo(screen)
    left_out = [r.fields for r in caplog.records if getattr(r, "event", None) == "video.guide_left_out"]
    assert left_out == [{"entry": "guides[1] (id=im-lang)", "problem": "'title' must be non-empty text",
                         "manifest": str(manifest)}]
    assert kiosk.guides.open("mau") and not kiosk.guides.open("im-lang")


def test_watching_keeps_the_session_awake_until_the_video_waits(make_kiosk, qtbot, media_dir):
    kiosk = make_kiosk(str(media_dir / "manifest.toml"), idle_timeout_s=0.4)
    session = kiosk.sessions.current
    assert kiosk.guides.open("mau")
    player = kiosk.nav.screen("guide_player").player
    # Playing step 1 takes longer than the idle timeout and its countdown together.
    qtbot.waitUntil(lambda: kiosk.nav.screen("guide_player").playback.held, timeout=WAIT_MS)
    assert kiosk.sessions.current is session and not kiosk.front.idle_overlay.isVisible()
    # Held at the end of the step, nothing plays: the idle countdown runs and ends the session.
    with qtbot.waitSignal(kiosk.sessions.ended, timeout=WAIT_MS) as ended:
        pass
    assert ended.args == [session.id, "timeout"]
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=WAIT_MS)

