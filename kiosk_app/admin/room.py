"""The staff side in the shell: the PIN pad, the staff menu and the screens it opens (guided
start, outcome, statistics, settings), where staff go back to, and signing out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from kiosk_app.admin.auth import StaffAuth
from kiosk_app.admin.guided import SessionOutcomes
from kiosk_app.admin.screens.pin import StaffPinScreen
from kiosk_app.config import KioskConfig
from kiosk_app.paths import KioskPaths
from kiosk_app.session.idle import IdleWatcher
from kiosk_app.session.manager import SessionManager
from kiosk_app.shell.window import Navigator
from kiosk_app.storage.session_store import SessionStore
from kiosk_app.strings import common as T

if TYPE_CHECKING:
    from kiosk_app.admin.screens.guided import GuidedStartScreen, OfficerOutcomeScreen
    from kiosk_app.admin.screens.staff_menu import StaffMenu

STAFF_SCREENS = ("staff_pin", "staff_menu", "staff_guided", "staff_outcome", "staff_stats", "staff_settings")


class StaffRoom(QObject):
    practice_requested = Signal()  # the running session goes on with the practice portal
    session_done = Signal(str)  # reason: the officer recorded the outcome; the session ends
    settings_saved = Signal(object)  # KioskConfig: what the settings screen saved
    quit_requested = Signal()

    def __init__(self, nav: Navigator, sessions: SessionManager, store: SessionStore, auth: StaffAuth,
                 outcomes: SessionOutcomes, idle: IdleWatcher, paths: KioskPaths, config: Callable[[], KioskConfig],
                 problems: Callable[[], list[str]], cover: Sequence[QWidget] = ()):
        """`config` gives the settings in force; `problems` what staff should know about;
        `cover` the overlays a resident may have left open, closed when staff come in."""
        super().__init__(nav)
        self._nav, self._sessions, self._store, self._auth = nav, sessions, store, auth
        self._outcomes, self._idle, self._paths = outcomes, idle, paths
        self._config, self._problems, self._cover = config, problems, tuple(cover)
        self._return_to = "home"  # where staff go back to when they leave
        kiosk = config().kiosk
        self._info = T.STAFF_KIOSK_INFO.format(kiosk_id=kiosk.id, commune=kiosk.commune, data_dir=paths.data_dir)
        self.pin = StaffPinScreen(auth)
        self.pin.accepted.connect(lambda _role: self.show_menu())
        self.pin.cancelled.connect(self.leave)
        nav.add(self.pin)
        # Built on first use, like every screen the home screen does not need.
        nav.add_lazy("staff_menu", self._make_menu)
        nav.add_lazy("staff_guided", self._make_guided)
        nav.add_lazy("staff_outcome", self._make_outcome)
        nav.add_lazy("staff_stats", self._make_stats)
        nav.add_lazy("staff_settings", self._make_settings)

    @property
    def menu(self) -> StaffMenu:
        return self._nav.screen("staff_menu")

    @property
    def guided(self) -> GuidedStartScreen:
        return self._nav.screen("staff_guided")

    @property
    def outcome(self) -> OfficerOutcomeScreen:
        return self._nav.screen("staff_outcome")

    # ------------------------------------------------------------ coming and going

    def open(self) -> None:
        """The hidden staff entry: the PIN pad, in front of whatever a resident was doing."""
        if self._nav.current in STAFF_SCREENS:
            return
        self._return_to = self._nav.current or "home"
        for overlay in self._cover:
            overlay.hide()
        self._idle.start()  # staff screens time out too: nobody leaves them open by mistake
        self._nav.go("staff_pin")

    def leave(self) -> None:
        self._auth.sign_out()
        target = self._return_to
        if self._sessions.current is None:
            self._idle.stop()
            target = "home"
        self._nav.go(target)

    def show_menu(self) -> None:
        signed = self._auth.signed_in
        current = self._sessions.current
        info = None
        if current is not None:
            names = {p.code: p.name for p in self._config().guided.procedures}
            info = {"mode": current.mode, "procedure": names.get(current.fields.get("procedure_code") or "", ""),
                    "helped": bool(current.fields.get("helped"))}
        self.menu.set_state(signed.role if signed else "officer", signed.name if signed else "",
                            self._problems(), info)
        self._nav.go("staff_menu")

    # ------------------------------------------------------------ the screens

    def _make_menu(self) -> StaffMenu:
        from kiosk_app.admin.screens.staff_menu import StaffMenu

        nav, outcomes, auth = self._nav, self._outcomes, self._auth
        menu = StaffMenu(self._info)
        menu.back.connect(self.leave)
        menu.end_session.connect(lambda: self._sessions.end("staff"))
        menu.exit_app.connect(self.quit_requested)
        menu.guided.connect(lambda: nav.go("staff_guided"))
        menu.step_in.connect(lambda: (outcomes.step_in(auth.signed_in), self.show_menu()))
        menu.record_outcome.connect(lambda: nav.go("staff_outcome"))
        menu.stats.connect(lambda: nav.go("staff_stats"))
        menu.settings.connect(lambda: nav.go("staff_settings"))
        menu.practice.connect(lambda: (self.practice_requested.emit(), self.leave()))
        return menu

    def _make_guided(self) -> GuidedStartScreen:
        from kiosk_app.admin.screens.guided import GuidedStartScreen

        screen = GuidedStartScreen([(p.code, p.name) for p in self._config().guided.procedures])
        screen.start.connect(self._start_guided)
        screen.cancelled.connect(self.show_menu)
        return screen

    def _start_guided(self, procedure_code: str, how: str) -> None:
        self._outcomes.start_guided(self._auth.signed_in, procedure_code, how)
        self._auth.sign_out()
        self._nav.go("menu")

    def _make_outcome(self):
        from kiosk_app.admin.screens.guided import OfficerOutcomeScreen

        screen = OfficerOutcomeScreen(self._outcomes.was_helped)
        screen.recorded.connect(self._officer_outcome)
        screen.cancelled.connect(self.show_menu)
        return screen

    def _officer_outcome(self, outcome: str, reason) -> None:
        self._outcomes.record_outcome(self._auth.signed_in, outcome, reason)
        self._auth.sign_out()
        self.session_done.emit("staff")

    def _make_stats(self):
        from kiosk_app.admin.screens.stats import StatsScreen  # QtCharts: loaded when first needed
        from kiosk_app.stats.service import StatsService

        config = self._config()
        screen = StatsScreen(StatsService(self._store, config, self._paths.db_file), config.reports.usb_roots)
        screen.back.connect(self.show_menu)
        return screen

    def _make_settings(self):
        from kiosk_app.admin.screens.settings import SettingsScreen
        from kiosk_app.paths import default_config_file

        config = self._config()
        files = config.source_files
        screen = SettingsScreen(config, Path(files[1]) if len(files) > 1 else default_config_file())
        screen.back.connect(self.show_menu)
        screen.saved.connect(self._settings_saved)
        return screen

    def _settings_saved(self, config: KioskConfig) -> None:
        self.settings_saved.emit(config)  # applied by the kiosk now (the portal's start page: next session)
        self._nav.add_lazy("staff_guided", self._make_guided)  # the new procedure list
