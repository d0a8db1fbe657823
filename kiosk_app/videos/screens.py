"""The two guide screens: the list of guides, and the step-by-step player."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (QApplication, QGridLayout, QHBoxLayout, QLabel, QLayout, QPushButton, QScrollArea, QScroller,
                               QSizePolicy, QStackedLayout, QVBoxLayout, QWidget)

from kiosk_app.shell import theme
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import common as C
from kiosk_app.strings import videos as T
from kiosk_app.videos.library import Guide, GuideLibrary
from kiosk_app.videos.playback import GuidePlayback
from kiosk_app.videos.player import PlayerError

ERROR_TEXT = {
    PlayerError.NO_ENGINE: T.ERROR_NO_ENGINE,
    PlayerError.MISSING: T.ERROR_MISSING,
    PlayerError.UNREADABLE: T.ERROR_UNREADABLE,
    PlayerError.CORRUPT: T.ERROR_CORRUPT,
}
VOLUME_STEP = 20
THUMB_W, THUMB_H = 160, 90
LIST_COLUMNS = 3
CHIPS_PER_ROW = 5
# The current step stands out; steps read left-aligned like a list.
STYLE = f"""
QPushButton[role="step"] {{ text-align: left; font-weight: normal; padding: 0; }}
QPushButton[role="step"]:checked {{ background: {theme.PRIMARY}; }}
QPushButton:disabled {{ border-color: #9CA3AF; color: #9CA3AF; background: #F3F4F6; }}
QPushButton[role="guide"] {{ padding: 12px; text-align: left; }}
QPushButton[role="guide"] QLabel {{ background: transparent; }}
"""


def list_style(title_px: int, chip_px: int) -> str:
    """The guide list: titles a little larger than the text, step buttons as small as a finger allows."""
    return STYLE + (f"#guideTitle {{ font-weight: bold; font-size: {title_px}px; }}"
                    f'QPushButton[role="chip"] {{ min-width: {chip_px}px; min-height: {chip_px}px; padding: 0; }}')


def _left(text: str, role: str = "") -> QLabel:
    return label(text, role, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _touch_scroll(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area


class VideoSurface(QWidget):
    """A native, black child window that libvlc draws into; a tap on it toggles pause."""

    tapped = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("videoSurface")
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        # Painted whenever libvlc's own window is not over it (no picture, before the first frame,
        # after the end): without this the area kept whatever the screen showed before.
        QPainter(self).fillRect(event.rect(), Qt.GlobalColor.black)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.tapped.emit()
        event.accept()


class GuideTile(QPushButton):
    """A guide in the list, as a card: its thumbnail, title, description and a button per step."""

    step_chosen = Signal(int)

    def __init__(self, guide: Guide):
        super().__init__()
        self.setObjectName(f"guide-{guide.id}")
        self.setProperty("role", "guide")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 10, 14, 10)
        column.setSpacing(6)
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMB_W, THUMB_H)
        if guide.thumbnail is not None and guide.thumbnail.is_file():
            pixmap = QPixmap(str(guide.thumbnail))
            if not pixmap.isNull():
                self.thumbnail.setPixmap(pixmap.scaled(THUMB_W, THUMB_H, Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))
        column.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = _left(guide.title)
        self.title.setObjectName("guideTitle")
        self.description = _left(guide.description)
        for w in (self.title, self.description):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            w.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            column.addWidget(w)
        column.addStretch(1)
        # Each step straight from the list: home, "Xem video hướng dẫn", a step number — three taps.
        self.steps = _left(T.LIBRARY_STEPS.format(count=len(guide.steps)), "muted")
        self.steps.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        column.addWidget(self.steps)
        chips = QGridLayout()
        chips.setSpacing(6)
        self.step_chips: list[QPushButton] = []
        for i, _step in enumerate(guide.steps):
            chip = button(str(i + 1), "chip", name=f"guide-{guide.id}-step{i}")
            chip.setMinimumWidth(1)  # the list's style sets the real size; the cards' width is the screen's
            chip.clicked.connect(lambda _=False, i=i: self.step_chosen.emit(i))
            chips.addWidget(chip, i // CHIPS_PER_ROW, i % CHIPS_PER_ROW)
            self.step_chips.append(chip)
        column.addLayout(chips)

    def sizeHint(self):  # noqa: N802 - Qt's name
        return self.layout().sizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self.layout().heightForWidth(width)


class StepButton(QPushButton):
    """A step in the list: a touch target whose title wraps instead of being cut."""

    def __init__(self, text: str, name: str):
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "step")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 4, 14, 4)
        self.caption = _left(text)
        self.caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(self.caption)
        self.mark(False)

    def mark(self, current: bool) -> None:
        self.setChecked(current)
        colour = "white" if current else theme.PRIMARY
        self.caption.setStyleSheet(f"background: transparent; color: {colour};")

    def text(self) -> str:  # the caption is the button's text
        return self.caption.text()

    def sizeHint(self):  # noqa: N802 - Qt's name
        return self.layout().sizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self.layout().heightForWidth(width)


class StepPager(QWidget):
    """The steps of a guide: as many as fit, and big arrows to the others (no scroll bar to aim at)."""

    SPACING = 6

    def __init__(self):
        super().__init__()
        self.setObjectName("videoSteps")
        self.buttons: list[StepButton] = []
        self.pages: list[tuple[int, int]] = [(0, 0)]
        self.page = 0
        # Its height is what the screen leaves it, never what all the steps would need.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(self.SPACING)
        self.list = QVBoxLayout()
        self.list.setSpacing(self.SPACING)
        outer.addLayout(self.list, 1)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.up = button(T.STEPS_EARLIER, "", lambda: self.show_page(self.page - 1), name="videoStepsUp")
        self.label = label("", "title")
        self.down = button(T.STEPS_LATER, "", lambda: self.show_page(self.page + 1), name="videoStepsDown")
        row.addWidget(self.up)
        row.addWidget(self.label, 1)
        row.addWidget(self.down)
        outer.addLayout(row)

    def set_buttons(self, buttons: list[StepButton]) -> None:
        for b in self.buttons:
            b.deleteLater()
        while self.list.count():
            self.list.takeAt(0)
        self.buttons = buttons
        for b in buttons:
            b.hide()  # until the page it is on is shown
            self.list.addWidget(b)
        self.list.addStretch(1)
        self.page = 0
        self._paginate()

    def page_of(self, index: int) -> int:
        return next((p for p, (a, b) in enumerate(self.pages) if a <= index < b), 0)

    def show_step(self, index: int) -> None:
        self.show_page(self.page_of(index))

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, len(self.pages) - 1))
        start, end = self.pages[self.page]
        for i, b in enumerate(self.buttons):
            b.setVisible(start <= i < end)
        paged = len(self.pages) > 1
        self.up.setVisible(paged)
        self.down.setVisible(paged)
        self.up.setEnabled(self.page > 0)
        self.down.setEnabled(self.page + 1 < len(self.pages))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._paginate()

    def _paginate(self) -> None:
        current = self.pages[self.page][0] if self.pages else 0
        room = self.height() - max(self.up.sizeHint().height(), self.label.sizeHint().height()) - self.SPACING
        heights = [max(b.minimumSizeHint().height(), b.heightForWidth(self.width())) + self.SPACING
                   for b in self.buttons]
        self.pages = step_pages(heights, room)
        self.show_page(self.page_of(current))


def step_pages(heights: list[int], room: int) -> list[tuple[int, int]]:
    """Split steps of these heights into pages of at most `room` pixels (each page holds at least one)."""
    pages, start, used = [], 0, 0
    for i, h in enumerate(heights):
        if used and used + h > room:
            pages.append((start, i))
            start, used = i, 0
        used += h
    pages.append((start, len(heights)))
    return pages


class GuideListScreen(Screen):
    """Every guide of the library as a big tile with its thumbnail."""

    name = "guides"
    guide_chosen = Signal(str)
    step_chosen = Signal(str, int)  # guide id, step index
    back = Signal()

    def __init__(self, library: GuideLibrary | None, problem: str | None = None):
        super().__init__()
        self.setObjectName("guideListScreen")
        text_px = QApplication.font().pixelSize()
        self.setStyleSheet(list_style(round(max(text_px, theme.BODY_TEXT_MIN_PX) * 1.3), theme.touch_target_px()))
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 24, 40, 24)
        box.setSpacing(12)
        top = QHBoxLayout()
        top.addWidget(_left(T.LIBRARY_TITLE, "title"), 1)
        top.addWidget(button(C.BACK_TO_MENU, "", self.back.emit, name="guidesBack"))  # up here: room for the guides
        box.addLayout(top)
        box.addWidget(_left(T.LIBRARY_HINT))
        tiles = QWidget()
        grid = QGridLayout(tiles)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(16)
        self.tiles: dict[str, GuideTile] = {}
        guides = library.guides if library is not None else ()
        self.message = _left(T.LIBRARY_BROKEN if problem else T.LIBRARY_EMPTY, "notice")
        self.message.setVisible(bool(problem or not guides))
        grid.addWidget(self.message, 0, 0, 1, LIST_COLUMNS)
        # Side by side, so that every guide of the bundled library is in sight at 1366x768;
        # a longer library goes on in rows below, reached by dragging.
        for i, guide in enumerate(guides):
            grid.addWidget(self._tile(guide), 1 + i // LIST_COLUMNS, i % LIST_COLUMNS)
        for c in range(LIST_COLUMNS):
            grid.setColumnStretch(c, 1)
        box.addWidget(_touch_scroll(tiles), 1)

    def _tile(self, guide: Guide) -> GuideTile:
        tile = GuideTile(guide)
        tile.clicked.connect(lambda _=False, gid=guide.id: self.guide_chosen.emit(gid))
        tile.step_chosen.connect(lambda step, gid=guide.id: self.step_chosen.emit(gid, step))
        self.tiles[guide.id] = tile
        return tile


class GuidePlayerScreen(Screen):
    """One guide: the video, big controls, and the list of its steps."""

    name = "guide_player"
    back = Signal()  # to where the guide was opened from: the guide list, or the portal
    menu = Signal()  # to the kiosk's main menu

    def __init__(self, playback: GuidePlayback, volume: int = 80, subtitles: bool = True):
        super().__init__()
        self.setObjectName("guidePlayerScreen")
        # Steps as small as a finger allows (15 mm), so that more of them are in sight.
        compact = theme.touch_target_px()
        self.setStyleSheet(STYLE + f'QPushButton[role="step"], #videoStepsUp, #videoStepsDown '
                                   f'{{ min-height: {compact}px; padding: 0; }}')
        self.playback = playback
        self.player = playback.player
        self._volume = volume
        self._subtitles = subtitles
        self.step_buttons: list[StepButton] = []

        self.title = _left("", "title")
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.title, 1)
        self.back_button = button(T.BACK_TO_GUIDES, "", self.leave, name="videoBack")
        top.addWidget(self.back_button)
        top.addWidget(button(C.BACK_TO_MENU, "", self.leave_to_menu, name="videoMenu"))

        self.surface = VideoSurface()
        self.surface.tapped.connect(self.playback.toggle_pause)
        self.error_panel = QWidget()
        self.error_panel.setObjectName("videoError")
        err = QVBoxLayout(self.error_panel)
        err.addStretch(1)
        err.addWidget(label(T.ERROR_TITLE, "huge"))
        self.error_text = label("")
        self.error_text.setObjectName("videoErrorText")
        err.addWidget(self.error_text)
        err.addWidget(label(T.ERROR_NEXT))
        error_back = button(T.BACK_TO_GUIDES, "primary", self.leave, name="videoErrorBack")
        err.addWidget(error_back, 0, Qt.AlignmentFlag.AlignCenter)
        err.addStretch(1)
        self.video_stack = QStackedLayout()
        self.video_stack.addWidget(self.surface)
        self.video_stack.addWidget(self.error_panel)

        self.notice = _left("", "notice")
        self.notice.setObjectName("videoNotice")
        self.notice.hide()

        self.prev_button = button(T.PREVIOUS_STEP, "", self.playback.previous_step, name="videoPrevious")
        self.repeat_button = button(T.REPEAT_STEP, "", self.playback.repeat_step, name="videoRepeat")
        self.play_button = button(T.PAUSE, "primary", self.playback.toggle_pause, name="videoPlayPause")
        self.next_button = button(T.NEXT_STEP, "primary", self.playback.next_step, name="videoNext")
        self.volume_down = button(T.VOLUME_DOWN, "", lambda: self._change_volume(-VOLUME_STEP), name="videoVolumeDown")
        self.volume_label = label("")
        self.volume_up = button(T.VOLUME_UP, "", lambda: self._change_volume(VOLUME_STEP), name="videoVolumeUp")
        self.subtitles_button = button(T.SUBTITLES_OFF, "", self._toggle_subtitles, name="videoSubtitles")
        keep_place = self.subtitles_button.sizePolicy()
        keep_place.setRetainSizeWhenHidden(True)  # the other controls stay where they are
        self.subtitles_button.setSizePolicy(keep_place)
        self.controls_panel = QWidget()
        controls = QGridLayout(self.controls_panel)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setHorizontalSpacing(16)
        for col, w in enumerate((self.prev_button, self.repeat_button, self.play_button, self.next_button)):
            controls.addWidget(w, 0, col)
        for col, w in enumerate((self.volume_down, self.volume_label, self.volume_up, self.subtitles_button)):
            controls.addWidget(w, 1, col)
        for col in range(4):
            controls.setColumnStretch(col, 1)

        self.steps_panel = StepPager()
        self.step_label = self.steps_panel.label

        middle = QHBoxLayout()
        middle.setSpacing(24)
        middle.addLayout(self.video_stack, 3)
        middle.addWidget(self.steps_panel, 2)  # wide enough for a step's title on one line

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(12)
        outer.addLayout(top)
        outer.addLayout(middle, 1)
        outer.addWidget(self.notice)
        outer.addWidget(self.controls_panel)

        self.player.playing_changed.connect(self._show_playing)
        self.player.error.connect(self._show_error)
        self.player.tracks_known.connect(self._show_tracks)
        self.playback.step_changed.connect(self._show_step)
        self.playback.step_held.connect(self._show_held)
        self.playback.finished.connect(self._show_finished)
        self._show_volume()

    # ------------------------------------------------------------ commands

    def open_guide(self, guide: Guide, step: int = 0, via: str = "menu", back_text: str = T.BACK_TO_GUIDES) -> None:
        self.title.setText(guide.title)
        self.back_button.setText(back_text)
        self._build_steps(guide)
        self.notice.hide()
        self.video_stack.setCurrentWidget(self.surface)
        self.error_text.clear()
        self.steps_panel.show()
        self.controls_panel.show()
        self.play_button.setText(T.PAUSE)
        for b in (self.prev_button, self.repeat_button, self.play_button, self.next_button):
            b.setEnabled(True)
        # The native window must exist before libvlc is given its id.
        self.player.attach(int(self.surface.winId()))
        self.player.set_volume(self._volume)
        self.player.set_subtitles(self._subtitles)
        self.playback.open(guide, step, via)
        # Offered only when the subtitles could be read: a button that does nothing misleads.
        self.subtitles_button.setText(T.SUBTITLES_OFF if self._subtitles else T.SUBTITLES_ON)
        self.subtitles_button.setVisible(self.player.subtitles_loaded())

    def leave(self) -> None:
        self.playback.close()
        self.back.emit()

    def leave_to_menu(self) -> None:
        self.playback.close()
        self.menu.emit()

    def reset(self) -> None:
        """The session ended: stop at once."""
        self.playback.close()
        self.notice.hide()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        # Another screen came up (staff menu, idle question...): the video waits for the resident.
        if self.player.is_playing():
            self.player.pause()
        super().hideEvent(event)

    # ------------------------------------------------------------ showing state

    def _build_steps(self, guide: Guide) -> None:
        self.step_buttons = []
        for i, step in enumerate(guide.steps):
            b = StepButton(T.STEP_ITEM.format(number=i + 1, title=step.title), f"videoStep{i}")
            b.clicked.connect(lambda _=False, i=i: self._touch_step(i))
            self.step_buttons.append(b)
        self.steps_panel.set_buttons(self.step_buttons)

    def _show_step(self, index: int) -> None:
        guide = self.playback.guide
        if guide is None:
            return
        self.step_label.setText(T.STEP_LABEL.format(number=index + 1, count=len(guide.steps)))
        self._mark_step(index)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < len(guide.steps))
        if not self.playback.held:
            self.notice.hide()

    def _touch_step(self, index: int) -> None:
        self.playback.go_to(index, via="list")
        self._mark_step(self.playback.current)  # touching the current step must not untick it

    def _mark_step(self, index: int) -> None:
        for i, b in enumerate(self.step_buttons):
            b.mark(i == index)
        if 0 <= index < len(self.step_buttons):
            self.steps_panel.show_step(index)

    def _show_held(self, index: int) -> None:
        self.notice.setText(T.STEP_DONE.format(number=index + 1))
        self.notice.show()

    def _show_finished(self) -> None:
        self.notice.setText(T.GUIDE_DONE)
        self.notice.show()
        self.play_button.setText(T.RESTART)

    def _show_playing(self, playing: bool) -> None:
        if playing:
            self.play_button.setText(T.PAUSE)
            if not self.playback.held:
                self.notice.hide()
        elif not self.playback.at_end:
            self.play_button.setText(T.PLAY)  # while held, it too goes on to the next step

    def _show_error(self, code: str) -> None:
        self.error_text.setText(ERROR_TEXT.get(PlayerError(code), T.ERROR_CORRUPT))
        self.video_stack.setCurrentWidget(self.error_panel)
        self.notice.hide()
        self.steps_panel.hide()  # nothing to step through: only the way back remains
        self.controls_panel.hide()
        for b in (self.prev_button, self.repeat_button, self.play_button, self.next_button):
            b.setEnabled(False)

    def _show_tracks(self, has_audio: bool, has_subtitles: bool) -> None:
        if not has_subtitles:
            self.subtitles_button.hide()  # read, but libvlc found no subtitle in it
        if not has_audio:
            self.notice.setText(T.NO_AUDIO)
            self.notice.show()

    def _change_volume(self, delta: int) -> None:
        self._volume = max(0, min(100, self._volume + delta))
        self.player.set_volume(self._volume)
        self._show_volume()

    def _show_volume(self) -> None:
        self.volume_label.setText(T.VOLUME_LEVEL.format(percent=self._volume))
        self.volume_down.setEnabled(self._volume > 0)
        self.volume_up.setEnabled(self._volume < 100)

    def _toggle_subtitles(self) -> None:
        self._subtitles = not self._subtitles
        self.player.set_subtitles(self._subtitles)
        self.subtitles_button.setText(T.SUBTITLES_OFF if self._subtitles else T.SUBTITLES_ON)
