"""The small protocol screens use to play a guide video, whatever plays it underneath."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal


class PlayerError(StrEnum):
    """Why a video cannot be shown; the screen turns each into a Vietnamese message."""

    NO_ENGINE = "no_engine"  # libvlc is not installed or would not start
    MISSING = "missing"  # the video file does not exist
    UNREADABLE = "unreadable"  # it exists but cannot be read
    CORRUPT = "corrupt"  # it was read but could not be decoded


class GuidePlayer(QObject):
    """Play one video into a native window. Every method is called on the Qt main thread.

    Signals carry seconds as floats. `error` carries a PlayerError value; after it the player
    is stopped and may load another file.
    """

    position_changed = Signal(float)
    duration_changed = Signal(float)
    playing_changed = Signal(bool)
    video_shown = Signal()  # the video output exists: the first frame is on its way to the screen
    tracks_known = Signal(bool, bool)  # has_audio, has_subtitles: once per load, after playback starts
    ended = Signal()
    error = Signal(str)

    def attach(self, window_id: int) -> None:
        """Draw the video into the native window `window_id` (X11 id, HWND, NSView)."""
        raise NotImplementedError

    def load(self, video: Path, subtitles: Path | None = None) -> None:
        raise NotImplementedError

    def play(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def seek(self, seconds: float) -> None:
        """Jump to `seconds`; works while playing, paused or after the end."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop at once and release the file; safe to call at any time."""
        raise NotImplementedError

    def set_volume(self, percent: int) -> None:
        raise NotImplementedError

    def set_subtitles(self, visible: bool) -> None:
        raise NotImplementedError

    def subtitles_loaded(self) -> bool:
        """True when the video loaded last came with subtitles that could be read."""
        raise NotImplementedError

    def position(self) -> float:
        raise NotImplementedError

    def duration(self) -> float:
        raise NotImplementedError

    def is_playing(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        """Release the engine; the player is not used afterwards."""
        self.stop()


def check_media_file(video: Path) -> PlayerError | None:
    """The error to show before even trying to play `video`, or None."""
    try:
        with open(video, "rb") as f:
            f.read(1)
    except FileNotFoundError:
        return PlayerError.MISSING
    except IsADirectoryError:
        return PlayerError.MISSING
    except OSError:
        return PlayerError.UNREADABLE
    return None
