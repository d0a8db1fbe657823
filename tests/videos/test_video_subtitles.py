"""Subtitles in UTF-8 or Windows-1258 reach VLC as UTF-8; unreadable ones are not offered."""

from __future__ import annotations

import logging
import unicodedata

import pytest
from video_media import SRT

from kiosk_app.videos.library import check_library, load_library
from kiosk_app.videos.subtitles import decode_srt, problem_with_subtitles, subtitles_for_vlc
from kiosk_app.videos.vlc_player import tracks_settled

WAIT_MS = 10_000
GARBAGE = bytes(range(128, 256)) * 8
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def cp1258(text: str) -> bytes:
    """`text` as Windows-1258 writes Vietnamese: a base letter, then a combining tone mark."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = next(c for c in decomposed if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_windows_1258_is_made_utf8_nfc(tmp_path):
    data = cp1258(SRT)
    assert data != SRT.encode("utf-8") and b"\xec" in data  # the acute accent of "Bước", combining
    assert decode_srt(data) == (SRT, "cp1258")
    source = tmp_path / "vi.srt"
    source.write_bytes(data)
    copy = subtitles_for_vlc(source, tmp_path / "copies")
    assert copy != source and copy.read_text(encoding="utf-8") == SRT


@pytest.mark.parametrize("data", [SRT.encode("utf-8"), b"\xef\xbb\xbf" + SRT.encode("utf-8")])
def test_utf8_with_or_without_bom_is_handed_over_as_it_is(tmp_path, data):
    source = tmp_path / "vi.srt"
    source.write_bytes(data)
    assert decode_srt(data) == (SRT, "utf-8-sig")
    assert subtitles_for_vlc(source, tmp_path / "copies") == source
    assert problem_with_subtitles(source) is None


@pytest.mark.parametrize("data", [GARBAGE, b"\0\1\2 00:00:01,000 --> 00:00:02,000", "Không phải phụ đề".encode()])
def test_garbage_is_no_subtitles(tmp_path, data):
    source = tmp_path / "vi.srt"
    source.write_bytes(data)
    assert decode_srt(data) is None
    assert subtitles_for_vlc(source, tmp_path / "copies") is None
    assert "is not an SRT file in UTF-8 or Windows-1258" in problem_with_subtitles(source)


def test_check_reports_undecodable_subtitles(library_dir):
    (library_dir / "pattern.srt").write_bytes(GARBAGE)
    problems = check_library(library_dir / "manifest.toml")
    assert any("id=mau" in p and "pattern.srt is not an SRT file" in p for p in problems), problems


def test_windows_1258_subtitles_play_as_utf8(qtbot, screen, library_dir):
    (library_dir / "pattern.srt").write_bytes(cp1258(SRT))
    screen.open_guide(load_library(library_dir / "manifest.toml").guide("mau"))
    handed = screen.player._subtitles
    assert handed.parent != library_dir and handed.read_text(encoding="utf-8") == SRT
    assert screen.subtitles_button.isVisibleTo(screen)
    mp = screen.player._mp
    qtbot.waitUntil(lambda: mp.video_get_spu() != -1, timeout=WAIT_MS)  # VLC took the track
    copies = handed.parent
    screen.player.close()
    assert not copies.exists()


@pytest.mark.allow_log("video.subtitles_unusable")
def test_garbage_subtitles_offer_no_button(qtbot, screen, library_dir, caplog):
    (library_dir / "pattern.srt").write_bytes(GARBAGE)
    with caplog.at_level(logging.WARNING, logger="kiosk.videos"):
        screen.open_guide(load_library(library_dir / "manifest.toml").guide("mau"))
    assert not screen.subtitles_button.isVisibleTo(screen)
    qtbot.waitUntil(lambda: screen.player.is_playing(), timeout=WAIT_MS)
    logged = [r.fields for r in caplog.records if getattr(r, "event", None) == "video.subtitles_unusable"]
    assert logged == [{"subtitles": str(library_dir / "pattern.srt")}]


def test_a_subtitle_track_added_late_is_waited_for():
    assert not tracks_settled(False, True, 0.4)  # a guide opened at a later step: not yet
    assert tracks_settled(True, True, 0.4) and tracks_settled(False, False, 0.4)
    assert tracks_settled(False, True, 2.0)  # a file libvlc never showed a track of


def test_a_guide_opened_at_a_later_step_keeps_its_subtitle_button(qtbot, screen, library_dir):
    with qtbot.waitSignal(screen.player.tracks_known, timeout=WAIT_MS) as known:
        screen.open_guide(load_library(library_dir / "manifest.toml").guide("mau"), step=1, via="portal")
    assert known.args[1] is True
    assert screen.subtitles_button.isVisibleTo(screen)
