"""Watching one guide step by step: which step is on, pausing at its end, and what gets logged."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk_app.videos.library import Guide, step_index_at
from kiosk_app.videos.player import GuidePlayer

# A step is held this long before its end, so the pause never shows the next step's picture.
HOLD_MARGIN_S = 0.4
# Right after a seek the engine may still report the old time for a few updates; positions
# this far from the target are ignored until one lands near it (or too many went by).
LANDING_WINDOW_S = (-0.1, 1.5)
LANDING_MAX_UPDATES = 30

Recorder = Callable[..., None]  # record(event, **fields), e.g. SessionManager.record


def _no_record(event: str, **fields) -> None:
    return None


def step_end_reached(guide: Guide, index: int, seconds: float) -> bool:
    """True when playback at `seconds` has come to the end of step `index` (not the last one)."""
    end = guide.step_end(index)
    return end is not None and index + 1 < len(guide.steps) and seconds >= end - HOLD_MARGIN_S


def watched_fraction(furthest_s: float, length_s: float, finished: bool) -> float | None:
    """How much of the video was watched: the furthest point over the video's length (1.0 once
    played to its end); None when the length never became known (the video did not play)."""
    if finished:
        return 1.0
    if length_s <= 0:
        return None
    return round(min(1.0, furthest_s / length_s), 3)


class GuidePlayback(QObject):
    """Drives a GuidePlayer through the steps of one guide.

    With `pause_after_step`, playback pauses at the end of each step so the resident can do it,
    then goes on with "next step" (or "repeat"). Session events carry no personal data.
    """

    step_changed = Signal(int)
    step_held = Signal(int)  # paused at the end of this step, waiting for the resident
    finished = Signal()  # the whole guide was played to its end

    def __init__(self, player: GuidePlayer, record: Recorder = _no_record,
                 pause_after_step: bool = True, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.player = player
        self._record = record
        self.pause_after_step = pause_after_step
        self._clock = clock
        self.guide: Guide | None = None
        self.current = 0
        self.held = False
        self.at_end = False
        self._furthest = 0
        self._opened_at = 0.0
        self._position = 0.0
        self._max_position = 0.0
        self._length = 0.0  # the video's length as the player reported it, 0 while unknown
        self._landing: tuple[float, int] | None = None  # (target seconds, updates left)
        player.position_changed.connect(self._on_position)
        player.ended.connect(self._on_ended)
        player.duration_changed.connect(self._on_duration)

    # ------------------------------------------------------------ commands

    def open(self, guide: Guide, step: int = 0, via: str = "menu") -> None:
        """Start `guide` at `step`. `via` says where the resident came from (menu, portal)."""
        if self.guide is not None:
            self.close()
        self.guide = guide
        self.current = max(0, min(step, len(guide.steps) - 1))
        self._furthest = self.current
        self._opened_at = self._clock()
        self._position = self._max_position = guide.steps[self.current].start
        self.held = self.at_end = False
        self._length = 0.0
        self._record("video.opened", guide=guide.id, step=self.current, steps=len(guide.steps), via=via)
        self.player.load(guide.video, guide.subtitles)
        if self.current:
            self.player.seek(guide.steps[self.current].start)
        self.player.play()
        self.step_changed.emit(self.current)
        self._record_step("open", None, False)

    def go_to(self, index: int, via: str = "list") -> None:
        if self.guide is None:
            return
        index = max(0, min(index, len(self.guide.steps) - 1))
        # Left before its end: neither held at the end of the step nor at the end of the guide.
        left_early = not (self.held or self.at_end)
        self.held = self.at_end = False
        changed, previous = index != self.current, self.current
        self.current = index
        self._furthest = max(self._furthest, index)
        target = self.guide.steps[index].start
        self.player.seek(target)
        self._landing = (target, LANDING_MAX_UPDATES)
        self.player.play()
        if changed:
            self.step_changed.emit(index)
        self._record_step(via, previous, left_early)

    def next_step(self) -> None:
        if self.guide is not None and self.current + 1 < len(self.guide.steps):
            self.go_to(self.current + 1, via="next")

    def previous_step(self) -> None:
        if self.guide is not None:
            self.go_to(max(0, self.current - 1), via="previous")

    def repeat_step(self) -> None:
        self.go_to(self.current, via="repeat")

    def toggle_pause(self) -> None:
        if self.player.is_playing():
            self.player.pause()
        elif self.held and self.guide is not None:
            self.next_step()
        elif self.at_end:
            self.go_to(0, via="restart")
        else:
            self.player.play()

    def close(self) -> None:
        """Stop playing and log how far the resident watched."""
        if self.guide is None:
            return
        guide, self.guide = self.guide, None
        length = self._length or self.player.duration()  # read before stop(), which forgets it
        if self._landing is None:  # where it stands now: position updates come a moment late
            self._max_position = max(self._max_position, self.player.position())
        self.player.stop()
        self._record("video.closed", guide=guide.id, step=self.current, furthest_step=self._furthest,
                     steps=len(guide.steps), finished=self.at_end,
                     watched_fraction=watched_fraction(self._max_position, length, self.at_end),
                     seconds_open=round(self._clock() - self._opened_at, 1))

    # ------------------------------------------------------------ following the player

    def _on_position(self, seconds: float) -> None:
        if self.guide is None or self.at_end or not self._landed(seconds):
            return
        self._position = seconds
        self._max_position = max(self._max_position, seconds)
        if self.held:
            return
        if self.pause_after_step and self.player.is_playing() and step_end_reached(self.guide, self.current, seconds):
            self.held = True
            self.player.pause()
            self.step_held.emit(self.current)
            return
        index = step_index_at(self.guide, seconds)
        # Playing only ever moves forward; going back is the resident's doing (go_to).
        if index > self.current and self.player.is_playing():
            previous, self.current = self.current, index
            self._furthest = max(self._furthest, index)
            self.step_changed.emit(index)
            self._record_step("play", previous, False)

    def _landed(self, seconds: float) -> bool:
        if self._landing is None:
            return True
        target, left = self._landing
        low, high = LANDING_WINDOW_S
        if target + low <= seconds <= target + high or left <= 0:
            self._landing = None
            return True
        self._landing = (target, left - 1)
        return False

    def _on_duration(self, seconds: float) -> None:
        if self.guide is not None and seconds > 0:
            self._length = seconds

    def _on_ended(self) -> None:
        if self.guide is None:
            return
        self.at_end = True
        self.held = False
        self._max_position = max(self._max_position, self._length, self.player.duration())
        last = len(self.guide.steps) - 1
        if self.current != last:
            self.current = last
            self.step_changed.emit(last)
        self._record("video.finished", guide=self.guide.id, steps=len(self.guide.steps))
        self.finished.emit()

    def _record_step(self, via: str, from_step: int | None, left_early: bool) -> None:
        """A step reached: how (open, play, next, previous, repeat, list, restart), from which
        step, and whether that one was left before its end (skipped or cut short)."""
        self._record("video.step", guide=self.guide.id, step=self.current, via=via, from_step=from_step,
                     left_early=left_early)
