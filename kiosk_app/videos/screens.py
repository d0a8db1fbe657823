"""The two guide screens: the list of guides, and the step-by-step player."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QMouseEvent, QPalette, QPixmap
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QScroller,
                               QSizePolicy, QStackedLayout, QToolButton, QVBoxLayout, QWidget)

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


def _button(text: str, name: str, on_click, role: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    if role:
        b.setProperty("role", role)
    b.clicked.connect(lambda _=False: on_click())
    return b


def _label(text: str, role: str = "", align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    w = QLabel(text)
    w.setWordWrap(True)
    w.setAlignment(align)
    if role:
        w.setProperty("role", role)
    return w


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

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.tapped.emit()
        event.accept()


class GuideListScreen(QWidget):
    """Every guide of the library as a big tile with its thumbnail."""

    name = "guides"
    guide_chosen = Signal(str)
    back = Signal()

    def __init__(self, library: GuideLibrary | None, problem: str | None = None):
        super().__init__()
        self.setObjectName("guideListScreen")
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 32, 48, 32)
        box.setSpacing(16)
        box.addWidget(_label(T.LIBRARY_TITLE, "huge"))
        box.addWidget(_label(T.LIBRARY_HINT))
        tiles = QWidget()
        column = QVBoxLayout(tiles)
        column.setSpacing(16)
        self.tiles: dict[str, QToolButton] = {}
        guides = library.guides if library is not None else ()
        self.message = _label(T.LIBRARY_BROKEN if problem else T.LIBRARY_EMPTY, "notice")
        self.message.setVisible(bool(problem or not guides))
        column.addWidget(self.message)
        for guide in guides:
            column.addWidget(self._tile(guide))
        column.addStretch(1)
        box.addWidget(_touch_scroll(tiles), 1)
        box.addWidget(_button(T.BACK_TO_MENU, "guidesBack", self.back.emit))

    def _tile(self, guide: Guide) -> QToolButton:
        tile = QToolButton()
        tile.setObjectName(f"guide-{guide.id}")
        tile.setProperty("role", "tile")
        tile.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tile.setCursor(Qt.CursorShape.PointingHandCursor)
        tile.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tile.setText(f"{guide.title}\n{guide.description}\n{T.LIBRARY_STEPS.format(count=len(guide.steps))}")
        if guide.thumbnail is not None and guide.thumbnail.is_file():
            tile.setIcon(QIcon(QPixmap(str(guide.thumbnail))))
            tile.setIconSize(QSize(256, 144))
        tile.clicked.connect(lambda _=False, gid=guide.id: self.guide_chosen.emit(gid))
        self.tiles[guide.id] = tile
        return tile


class GuidePlayerScreen(QWidget):
    """One guide: the video, big controls, and the list of its steps."""

    name = "guide_player"
    back = Signal()  # to the guide list
    menu = Signal()  # to the kiosk's main menu

    def __init__(self, playback: GuidePlayback, menu_text: str = T.BACK_TO_MENU):
        super().__init__()
        self.setObjectName("guidePlayerScreen")
        self.playback = playback
        self.player = playback.player
        self._volume = 80
        self._subtitles = True
        self.step_buttons: list[QPushButton] = []

        self.title = _label("", "title")
        self.step_label = _label("", "title", Qt.AlignmentFlag.AlignRight)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.step_label)

        self.surface = VideoSurface()
        self.surface.tapped.connect(self.playback.toggle_pause)
        self.error_panel = QWidget()
        self.error_panel.setObjectName("videoError")
        err = QVBoxLayout(self.error_panel)
        err.addStretch(1)
        err.addWidget(_label(T.ERROR_TITLE, "huge", Qt.AlignmentFlag.AlignCenter))
        self.error_text = _label("", "", Qt.AlignmentFlag.AlignCenter)
        self.error_text.setObjectName("videoErrorText")
        err.addWidget(self.error_text)
        err.addWidget(_label(T.ERROR_NEXT, "", Qt.AlignmentFlag.AlignCenter))
        err.addWidget(_button(T.BACK_TO_GUIDES, "videoErrorBack", self.leave), 0, Qt.AlignmentFlag.AlignCenter)
        err.addStretch(1)
        self.video_stack = QStackedLayout()
        self.video_stack.addWidget(self.surface)
        self.video_stack.addWidget(self.error_panel)

        self.notice = _label("", "notice")
        self.notice.setObjectName("videoNotice")
        self.notice.hide()

        self.prev_button = _button(T.PREVIOUS_STEP, "videoPrevious", self.playback.previous_step)
        self.repeat_button = _button(T.REPEAT_STEP, "videoRepeat", self.playback.repeat_step)
        self.play_button = _button(T.PAUSE, "videoPlayPause", self.playback.toggle_pause, "primary")
        self.next_button = _button(T.NEXT_STEP, "videoNext", self.playback.next_step, "primary")
        self.volume_down = _button(T.VOLUME_DOWN, "videoVolumeDown", lambda: self._change_volume(-VOLUME_STEP))
        self.volume_label = _label("", "", Qt.AlignmentFlag.AlignCenter)
        self.volume_up = _button(T.VOLUME_UP, "videoVolumeUp", lambda: self._change_volume(VOLUME_STEP))
        self.subtitles_button = _button(T.SUBTITLES_OFF, "videoSubtitles", self._toggle_subtitles)
        controls = QGridLayout()
        for col, w in enumerate((self.prev_button, self.repeat_button, self.play_button, self.next_button)):
            controls.addWidget(w, 0, col)
        for col, w in enumerate((self.volume_down, self.volume_label, self.volume_up, self.subtitles_button)):
            controls.addWidget(w, 1, col)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addLayout(self.video_stack, 1)
        left.addWidget(self.notice)
        left.addLayout(controls)

        self.steps_box = QVBoxLayout()
        self.steps_box.setSpacing(8)
        steps_widget = QWidget()
        steps_widget.setLayout(self.steps_box)
        right = QVBoxLayout()
        right.addWidget(_label(T.STEPS_TITLE, "title"))
        right.addWidget(_touch_scroll(steps_widget), 1)
        right.addWidget(_button(T.BACK_TO_GUIDES, "videoBack", self.leave))
        right.addWidget(_button(menu_text, "videoMenu", self.leave_to_menu))

        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(24)
        outer.addLayout(left, 3)
        outer.addLayout(right, 1)

        self.player.playing_changed.connect(self._show_playing)
        self.player.error.connect(self._show_error)
        self.player.tracks_known.connect(self._show_tracks)
        self.playback.step_changed.connect(self._show_step)
        self.playback.step_held.connect(self._show_held)
        self.playback.finished.connect(self._show_finished)
        self._show_volume()

    # ------------------------------------------------------------ commands

    def open_guide(self, guide: Guide, step: int = 0, via: str = "menu") -> None:
        self.title.setText(guide.title)
        self._build_steps(guide)
        self.notice.hide()
        self.video_stack.setCurrentWidget(self.surface)
        self.error_text.clear()
        self.play_button.setText(T.PAUSE)
        for b in (self.prev_button, self.repeat_button, self.play_button, self.next_button):
            b.setEnabled(True)
        has_subtitles = guide.subtitles is not None and guide.subtitles.is_file()
        self.subtitles_button.setEnabled(has_subtitles)
        self.subtitles_button.setText(
            (T.SUBTITLES_OFF if self._subtitles else T.SUBTITLES_ON) if has_subtitles else T.NO_SUBTITLES)
        # The native window must exist before libvlc is given its id.
        self.player.attach(int(self.surface.winId()))
        self.player.set_volume(self._volume)
        self.player.set_subtitles(self._subtitles)
        self.playback.open(guide, step, via)

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

    # ------------------------------------------------------------ showing state

    def _build_steps(self, guide: Guide) -> None:
        for b in self.step_buttons:
            b.deleteLater()
        self.step_buttons = []
        while self.steps_box.count():
            self.steps_box.takeAt(0)
        for i, step in enumerate(guide.steps):
            b = _button(T.STEP_ITEM.format(number=i + 1, title=step.title), f"videoStep{i}",
                        lambda i=i: self.playback.go_to(i, via="list"), "step")
            b.setCheckable(True)
            b.setStyleSheet("text-align: left;")
            self.steps_box.addWidget(b)
            self.step_buttons.append(b)
        self.steps_box.addStretch(1)

    def _show_step(self, index: int) -> None:
        guide = self.playback.guide
        if guide is None:
            return
        self.step_label.setText(T.STEP_LABEL.format(number=index + 1, count=len(guide.steps)))
        for i, b in enumerate(self.step_buttons):
            b.setChecked(i == index)
        if 0 <= index < len(self.step_buttons):
            area = self.step_buttons[index].parentWidget().parentWidget().parentWidget()
            if isinstance(area, QScrollArea):
                area.ensureWidgetVisible(self.step_buttons[index])
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < len(guide.steps))
        if not self.playback.held:
            self.notice.hide()

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
            self.play_button.setText(T.NEXT_STEP if self.playback.held else T.PLAY)

    def _show_error(self, code: str) -> None:
        self.error_text.setText(ERROR_TEXT.get(PlayerError(code), T.ERROR_CORRUPT))
        self.video_stack.setCurrentWidget(self.error_panel)
        self.notice.hide()
        for b in (self.prev_button, self.repeat_button, self.play_button, self.next_button):
            b.setEnabled(False)

    def _show_tracks(self, has_audio: bool, has_subtitles: bool) -> None:
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
