"""Looking inside a video file with libvlc, for `kiosk-admin check` (not for playing)."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk_app.videos.vlc_player import _load_vlc

PARSE_TIMEOUT_S = 10.0


class MediaProbe:
    """probe(path) -> {"error", "has_video", "has_audio", "duration"}; one libvlc for many files."""

    def __init__(self):
        vlc = _load_vlc()
        self._vlc = vlc
        self._instance = vlc.Instance(["--quiet", "--vout=dummy", "--aout=dummy"]) if vlc else None

    @property
    def available(self) -> bool:
        return self._instance is not None

    def __call__(self, path: Path) -> dict:
        if self._instance is None:
            return {"error": "libvlc is not installed"}
        vlc = self._vlc
        media = self._instance.media_new_path(str(path))
        try:
            media.parse_with_options(vlc.MediaParseFlag.local, int(PARSE_TIMEOUT_S * 1000))
            # A command-line check, not the UI: waiting here blocks nobody.
            deadline = time.monotonic() + PARSE_TIMEOUT_S + 1
            while media.get_parsed_status() == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            status = media.get_parsed_status()
            if status != vlc.MediaParsedStatus.done:
                return {"error": f"libvlc could not read it ({status})"}
            kinds = {t.type for t in media.tracks_get() or ()}
            duration_ms = media.get_duration()
            return {"error": None, "has_video": vlc.TrackType.video in kinds,
                    "has_audio": vlc.TrackType.audio in kinds,
                    "duration": duration_ms / 1000 if duration_ms and duration_ms > 0 else None}
        finally:
            media.release()

    def close(self) -> None:
        if self._instance is not None:
            self._instance.release()
            self._instance = None
