"""The resident's way in and out: the home screen, the menu, the idle question, "Kết thúc?", and
where the kiosk goes when a session starts, times out or ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk_app.shell.screens.home import HomeScreen
from kiosk_app.shell.screens.menu import MenuScreen
from kiosk_app.shell.screens.overlays import IdleOverlay
from kiosk_app.shell.widgets import ConfirmOverlay
from kiosk_app.shell.window import KioskWindow
from kiosk_app.strings import common as T

if TYPE_CHECKING:
    from kiosk_app.session.idle import IdleWatcher
    from kiosk_app.session.manager import SessionManager


class FrontRoom:
    def __init__(self, window: KioskWindow, sessions: SessionManager, idle: IdleWatcher, commune: str,
                 problems: Callable[[], list[str]], screen_after: Callable[[str], str]):
        """`problems`: what staff should know, shown on the home screen after each session;
        `screen_after(session_id)`: where a session that just ended leaves the kiosk."""
        self._nav, self._sessions, self._idle = window.nav, sessions, idle
        self._problems, self._screen_after = problems, screen_after
        self.home = HomeScreen(commune)
        self.menu = MenuScreen()
        self._nav.add(self.home)
        self._nav.add(self.menu)
        self.idle_overlay = IdleOverlay(window)
        self.end_confirm = ConfirmOverlay(window, T.END_CONFIRM_TITLE, T.END_CONFIRM_TEXT,
                                          T.END_CONFIRM_YES, T.END_CONFIRM_NO, name="endConfirm")
        self.home.start_requested.connect(self.start_resident_session)
        self.menu.chosen.connect(self._nav.go)
        self.menu.end_requested.connect(self.end_confirm.open)
        sessions.started.connect(lambda _s: idle.start())
        sessions.ended.connect(self._after_session)
        idle.warning.connect(self.idle_overlay.open)
        idle.countdown.connect(self.idle_overlay.set_seconds)
        idle.resumed.connect(self.idle_overlay.hide)
        idle.expired.connect(self._on_idle_expired)
        self.idle_overlay.continued.connect(idle.poke)

    def start_resident_session(self) -> None:
        if self._sessions.current is None:
            self._sessions.start("resident")
        self._nav.go("menu")

    def show_problems(self) -> None:
        self.home.show_notice(self._problems())

    def _after_session(self, session_id: str, _reason: str) -> None:
        self._idle.stop()
        self.idle_overlay.hide()
        self.end_confirm.hide()
        self.show_problems()
        self._nav.go(self._screen_after(session_id))

    def _on_idle_expired(self) -> None:
        self.idle_overlay.hide()
        if self._sessions.current is not None:
            self._sessions.end("timeout")
        else:
            self._nav.go("home")
