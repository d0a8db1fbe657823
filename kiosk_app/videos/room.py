"""The guide screens in the shell: the list, the player (built when first needed), opening a step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk_app.config import VideosSection
from kiosk_app.logs import log_event
from kiosk_app.shell.window import Navigator
from kiosk_app.strings import common as C
from kiosk_app.strings import videos as T
from kiosk_app.videos.checks import manifest_path
from kiosk_app.videos.library import GuideLibrary, ManifestError, load_library, step_for_page

if TYPE_CHECKING:
    from kiosk_app.videos.screens import GuideListScreen, GuidePlayerScreen

log = logging.getLogger("kiosk.videos")

LIST_SCREEN = "guides"
PLAYER_SCREEN = "guide_player"  # GuidePlayerScreen.name


class GuideRoom:
    def __init__(self, nav: Navigator, record: Callable[..., None], settings: VideosSection,
                 keep_awake: Callable[[], None] | None = None):
        """`keep_awake` is called while a guide plays: watching counts as using the kiosk."""
        self._nav, self._record, self._settings = nav, record, settings
        self._keep_awake = keep_awake
        self._return_to = LIST_SCREEN
        self.manifest = manifest_path(settings.manifest)
        self._library: GuideLibrary | None = None
        self._problem: str | None = None
        self._loaded = False
        # Both screens are built the first time a resident needs them: the home screen comes first.
        nav.add_lazy(LIST_SCREEN, self._make_list)
        nav.add_lazy(PLAYER_SCREEN, self._make_player)

    @property
    def library(self) -> GuideLibrary | None:
        """The guide manifest, read on first use (None when it is broken)."""
        if not self._loaded:
            self._loaded = True
            try:
                self._library = load_library(self.manifest)
            except ManifestError as exc:
                self._problem = str(exc)
                log_event(log, "video.library_error", level=logging.ERROR, error=self._problem)
                return None
            # A bad entry hides only its own guide; `kiosk-admin check` lists the problems too.
            for problem in self._library.problems:
                log_event(log, "video.guide_left_out", level=logging.WARNING, entry=problem.entry,
                          problem=problem.problem, manifest=str(problem.path))
            if self._library.problems and not self._library.guides:
                self._problem = str(self._library.problems[0])
        return self._library

    @property
    def list_screen(self) -> GuideListScreen:
        return self._nav.screen(LIST_SCREEN)

    def _make_list(self) -> GuideListScreen:
        from kiosk_app.videos.screens import GuideListScreen  # widgets built on first use

        screen = GuideListScreen(self.library, self._problem)
        screen.guide_chosen.connect(self.open)
        screen.step_chosen.connect(lambda guide_id, step: self.open(guide_id, step))
        screen.back.connect(lambda: self._nav.go("menu"))
        return screen

    def _make_player(self) -> GuidePlayerScreen:
        from kiosk_app.videos.playback import GuidePlayback
        from kiosk_app.videos.screens import GuidePlayerScreen
        from kiosk_app.videos.vlc_player import DEFAULT_VLC_ARGS, create_player

        player = create_player(DEFAULT_VLC_ARGS + tuple(self._settings.extra_vlc_args))
        playback = GuidePlayback(player, self._record, pause_after_step=self._settings.pause_after_step)
        if self._keep_awake is not None:
            player.position_changed.connect(lambda _s: player.is_playing() and self._keep_awake())
        screen = GuidePlayerScreen(playback, volume=self._settings.volume, subtitles=self._settings.subtitles)
        screen.back.connect(lambda: self._nav.go(self._return_to))
        screen.menu.connect(lambda: self._nav.go("menu"))
        return screen

    def open(self, guide_id: str, step: int = 0, via: str = "menu") -> bool:
        """Show guide `guide_id` from `step`; False when the library has no such guide."""
        guide = self.library.guide(guide_id) if self.library else None
        if guide is None:
            log_event(log, "video.unknown_guide", level=logging.WARNING, guide=guide_id)
            return False
        if self._nav.current not in (PLAYER_SCREEN, ""):
            self._return_to = self._nav.current  # the list, or the portal page that asked
        screen = self._nav.screen(PLAYER_SCREEN)
        self._nav.go(PLAYER_SCREEN)  # shown first, so its native video window exists
        back_text = T.BACK_TO_GUIDES if self._return_to == LIST_SCREEN else C.BACK
        screen.open_guide(guide, step, via, back_text)
        return True

    def open_for_page(self, url: str, title: str = "") -> bool:
        """The portal's "Hướng dẫn" button: open the step explaining this page, if one does."""
        ref = step_for_page(self.library, url, title) if self.library else None
        return ref is not None and self.open(ref.guide_id, ref.step_index, via="portal")
