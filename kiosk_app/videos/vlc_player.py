"""The GuidePlayer on libvlc (python-vlc), with every libvlc call on the Qt main thread."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from kiosk_app.logs import log_event
from kiosk_app.videos.malloc import cap_malloc_arenas, trim_malloc
from kiosk_app.videos.player import GuidePlayer, PlayerError, check_media_file
from kiosk_app.videos.subtitles import subtitles_for_vlc

log = logging.getLogger("kiosk.videos")

POLL_MS = 100  # how often the position is read while playing
SUBTITLES_WAIT_S = 2.0  # of play, before a subtitle file libvlc shows no track of counts as empty


def tracks_settled(has_subtitles: bool, subtitles_handed: bool, played_s: float) -> bool:
    """Whether the tracks can be reported: libvlc adds the subtitle track a moment after a seek
    (a guide opened at a later step), so a subtitle file it was handed gets some play first."""
    return has_subtitles or not subtitles_handed or played_s >= SUBTITLES_WAIT_S

# Options for a kiosk: no title overlay or on-screen display, subtitles on a dark box.
DEFAULT_VLC_ARGS = (
    "--quiet",
    "--no-video-title-show",
    "--no-osd",
    "--no-snapshot-preview",
    "--no-stats",
    "--no-sub-autodetect-file",  # the manifest names the subtitles; no second copy by file name
    "--freetype-background-opacity=160",
)


class _VlcEvents(QObject):
    """Carries libvlc events to the main thread: the callbacks only emit and return."""

    playing = Signal()
    paused = Signal()
    vout = Signal()
    length = Signal(int)
    end_reached = Signal()
    failed = Signal()
    es_added = Signal()


def _load_vlc():
    try:
        import vlc  # noqa: PLC0415 - a missing libvlc must not stop the kiosk from starting
    except (ImportError, OSError) as exc:  # python-vlc raises OSError when libvlc is absent
        log.warning("python-vlc unavailable: %s", exc)
        return None
    return vlc


class VlcPlayer(GuidePlayer):
    def __init__(self, vlc_args: tuple[str, ...] = DEFAULT_VLC_ARGS, parent: QObject | None = None):
        super().__init__(parent)
        self._vlc = _load_vlc()
        self._instance = None
        self._mp = None
        self._handlers: dict = {}
        self._event_manager = None
        if self._vlc is not None:
            cap_malloc_arenas()
            try:
                self._instance = self._vlc.Instance(list(vlc_args))
            except Exception as exc:  # noqa: BLE001 - any failure means "no engine"
                log.warning("libvlc would not start: %s", exc)
            if self._instance is not None:
                self._mp = self._instance.media_player_new()
                self._mp.video_set_mouse_input(False)  # touches go to Qt, not to VLC
                self._mp.video_set_key_input(False)
        self._events = _VlcEvents(self)
        self._events.playing.connect(self._on_playing)
        self._events.paused.connect(lambda: self._set_playing(False))
        self._events.vout.connect(self._on_vout)
        self._events.length.connect(lambda ms: self.duration_changed.emit(ms / 1000))
        self._events.end_reached.connect(self._on_end)
        self._events.failed.connect(lambda: self._fail(PlayerError.CORRUPT))
        self._events.es_added.connect(self._apply_subtitles)
        if self._mp is not None:
            self._attach_events()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._video: Path | None = None
        self._subtitles: Path | None = None  # as handed to libvlc: UTF-8
        self._copies: Path | None = None
        self._subtitles_visible = True
        self._playing = False
        self._at_end = False
        self._saw_video = False
        self._subtitles_added = False
        self._tracks_reported = False
        self._tracks_from: float | None = None
        self._pending_seek: float | None = None
        self._pending_pause = False
        self._last_position = -1.0

    @property
    def available(self) -> bool:
        return self._mp is not None

    def _attach_events(self) -> None:
        et = self._vlc.EventType
        ev = self._events
        # These run on a libvlc thread: emitting a signal of a main-thread object queues it.
        self._handlers = {
            et.MediaPlayerPlaying: lambda e: ev.playing.emit(),
            et.MediaPlayerPaused: lambda e: ev.paused.emit(),
            et.MediaPlayerVout: lambda e: ev.vout.emit(),
            et.MediaPlayerLengthChanged: lambda e: ev.length.emit(e.u.new_length),
            et.MediaPlayerEndReached: lambda e: ev.end_reached.emit(),
            et.MediaPlayerEncounteredError: lambda e: ev.failed.emit(),
            et.MediaPlayerESAdded: lambda e: ev.es_added.emit(),
        }
        # The event manager holds the C callback: it must live as long as the player.
        self._event_manager = self._mp.event_manager()
        for event_type, handler in self._handlers.items():
            self._event_manager.event_attach(event_type, handler)

    # ------------------------------------------------------------ the protocol

    def attach(self, window_id: int) -> None:
        if self._mp is None:
            return
        # A window id is only a real native window on these Qt platforms; elsewhere (offscreen,
        # Wayland) handing it to libvlc would make it draw into nothing or crash.
        platform = QGuiApplication.platformName()
        if platform == "xcb":
            self._mp.set_xwindow(int(window_id))
        elif platform == "windows":
            self._mp.set_hwnd(int(window_id))
        elif platform == "cocoa":
            self._mp.set_nsobject(int(window_id))
        else:
            log.info("no native window on Qt platform %r: video is not embedded", platform)

    def load(self, video: Path, subtitles: Path | None = None) -> None:
        self.stop()
        # Recorded first: an error below must name this file, not the one played before.
        self._video, self._subtitles = Path(video), None
        if self._mp is None:
            self._fail(PlayerError.NO_ENGINE)
            return
        problem = check_media_file(video)
        if problem is not None:
            self._fail(problem)
            return
        if subtitles is not None:
            self._subtitles = subtitles_for_vlc(subtitles, self._subtitle_folder())
            if self._subtitles is None:
                log_event(log, "video.subtitles_unusable", level=logging.WARNING, subtitles=str(subtitles))
        self._saw_video = False
        self._tracks_reported = False
        self._tracks_from = None
        self._last_position = -1.0
        self._set_fresh_media()

    def _subtitle_folder(self) -> Path:
        """Where UTF-8 copies of subtitles in other encodings go; removed when the player closes."""
        if self._copies is None:
            self._copies = Path(tempfile.mkdtemp(prefix="kiosk-subtitles-"))
        return self._copies

    def subtitles_loaded(self) -> bool:
        return self._subtitles is not None

    def _set_fresh_media(self) -> None:
        self._subtitles_added = False
        media = self._instance.media_new_path(str(self._video))
        self._mp.set_media(media)
        media.release()

    def play(self) -> None:
        if self._mp is None or self._video is None:
            return
        if self._at_end:
            self.seek(0.0)
            return
        self._pending_pause = False
        self._mp.play()
        self._timer.start()

    def pause(self) -> None:
        if self._mp is None or self._video is None:
            return
        self._pending_pause = True
        if self._playing:
            self._mp.set_pause(1)

    def seek(self, seconds: float) -> None:
        if self._mp is None or self._video is None:
            return
        seconds = max(0.0, seconds)
        state = self._mp.get_state()
        restart = self._at_end or state in (self._vlc.State.Ended, self._vlc.State.Stopped,
                                            self._vlc.State.NothingSpecial, self._vlc.State.Error)
        if restart:
            # A finished player cannot seek: start it again and seek once it plays.
            self._at_end = False
            self._pending_seek = seconds
            self._subtitles_added = False
            self._mp.stop()
            self._set_fresh_media()  # the old item keeps the subtitle track; it must join late again
            self._mp.play()
            self._timer.start()
        elif state == self._vlc.State.Opening or not self._mp.is_seekable():
            self._pending_seek = seconds
        else:
            self._mp.set_time(int(seconds * 1000))
        self._last_position = seconds
        self.position_changed.emit(seconds)

    def stop(self) -> None:
        self._timer.stop()
        self._pending_seek = None
        self._pending_pause = False
        self._at_end = False
        if self._mp is not None:
            self._mp.stop()  # returns once libvlc's decoder and output threads have ended
            if self._video is not None:
                trim_malloc()
        self._set_playing(False)

    def set_volume(self, percent: int) -> None:
        if self._mp is not None:
            self._mp.audio_set_volume(max(0, min(100, int(percent))))

    def set_subtitles(self, visible: bool) -> None:
        self._subtitles_visible = visible
        self._apply_subtitles()

    def position(self) -> float:
        if self._mp is None:
            return 0.0
        if self._pending_seek is not None:
            return self._pending_seek
        return max(0, self._mp.get_time()) / 1000

    def duration(self) -> float:
        return 0.0 if self._mp is None else max(0, self._mp.get_length()) / 1000

    def is_playing(self) -> bool:
        return self._playing

    def close(self) -> None:
        self.stop()
        if self._mp is not None:
            for event_type in self._handlers:
                self._event_manager.event_detach(event_type)
            self._mp.release()
            self._mp = None
        if self._instance is not None:
            self._instance.release()
            self._instance = None
        if self._copies is not None:
            shutil.rmtree(self._copies, ignore_errors=True)
            self._copies = None

    # ------------------------------------------------------------ events, on the main thread

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    def _on_playing(self) -> None:
        if self._mp is None:
            return
        if self._pending_seek is not None:
            self._mp.set_time(int(self._pending_seek * 1000))
            self._pending_seek = None
        if self._pending_pause:
            self._mp.set_pause(1)
            self._pending_pause = False
            return
        self._set_playing(True)

    def _on_vout(self) -> None:
        if self._mp is None or self._mp.has_vout() <= 0:
            return
        if not self._subtitles_added and self._subtitles is not None and Path(self._subtitles).is_file():
            # Added only once the video output exists: a libvlc 3 subtitle decoder that starts
            # first waits up to 6 s for it, and a stop() in that time blocks just as long.
            self._subtitles_added = True
            self._mp.add_slave(self._vlc.MediaSlaveType.subtitle, Path(self._subtitles).resolve().as_uri(), True)
        if not self._saw_video:
            self._saw_video = True
            self.video_shown.emit()

    def _on_end(self) -> None:
        self._timer.stop()
        self._set_playing(False)
        if not self._saw_video and self.duration() <= 0:
            self._fail(PlayerError.CORRUPT)
            return
        self._at_end = True
        self.position_changed.emit(self.duration())
        self.ended.emit()

    def _fail(self, error: PlayerError) -> None:
        log_event(log, "video.error", level=logging.WARNING, video=str(self._video), error=error.value)
        self.stop()
        self._video = None
        self.error.emit(error.value)

    def _apply_subtitles(self) -> None:
        if self._mp is None:
            return
        tracks = [t for t in (self._mp.video_get_spu_description() or []) if t[0] != -1]
        if not tracks:
            return
        wanted = tracks[0][0] if self._subtitles_visible else -1
        if self._mp.video_get_spu() != wanted:
            self._mp.video_set_spu(wanted)

    def _poll(self) -> None:
        if self._mp is None or self._pending_seek is not None:
            return
        seconds = max(0, self._mp.get_time()) / 1000
        if seconds != self._last_position:
            self._last_position = seconds
            self.position_changed.emit(seconds)
        if not self._tracks_reported and self._playing and seconds > 0.3:
            if self._tracks_from is None:
                self._tracks_from = seconds  # a guide opened at a later step starts there
            has_subtitles = self._mp.video_get_spu_count() > 0
            if tracks_settled(has_subtitles, self._subtitles is not None, seconds - self._tracks_from):
                self._tracks_reported = True
                self.tracks_known.emit(self._mp.audio_get_track_count() > 0, has_subtitles)


def create_player(vlc_args: tuple[str, ...] = DEFAULT_VLC_ARGS, parent: QObject | None = None) -> VlcPlayer:
    """A player; when libvlc is missing it still exists and reports NO_ENGINE on load."""
    return VlcPlayer(vlc_args, parent)
