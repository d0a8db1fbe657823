"""The portal in the shell: its screen (built when first opened), the practice portal, and the
"Hướng dẫn" hand-off to the guide step that explains the page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_app.config import KioskConfig
from kiosk_app.logs import log_event
from kiosk_app.session.manager import SessionManager
from kiosk_app.shell.window import Navigator

if TYPE_CHECKING:
    from kiosk_app.portal.options import PortalOptions
    from kiosk_app.portal.view import PortalScreen
    from kiosk_app.practice.server import PracticePortal
    from kiosk_app.videos.room import GuideRoom

log = logging.getLogger("kiosk.app")

PORTAL_SCREEN = "portal"


def portal_offered_files(work_dir: Path | None) -> list[Path]:
    """Files the portal's picker may offer: finished scanned documents, then downloads."""
    from kiosk_app.portal.rules import session_files
    from kiosk_app.scanner.documents import session_documents

    if work_dir is None:
        return []
    return session_documents(work_dir) + session_files(work_dir)


class PortalRoom:
    def __init__(self, nav: Navigator, sessions: SessionManager, config: Callable[[], KioskConfig],
                 practice: str | None, guides: Callable[[], GuideRoom],
                 on_built: Callable[[PortalScreen], object] = lambda _portal: None):
        """`practice` (on | off | when-offline) overrides the config's portal.practice when given;
        `config` gives the settings in force (staff may change them); `guides` the guide room,
        built once the home screen is up; `on_built` adds to the portal screen when it is made."""
        self._nav, self._sessions, self._config = nav, sessions, config
        self._practice, self._guides, self._on_built = practice, guides, on_built
        self.practice_portal: PracticePortal | None = None  # started when first needed
        self._default: PortalOptions | None = None  # the portal of an ordinary session
        nav.add_lazy(PORTAL_SCREEN, self._make_portal)

    def _make_portal(self) -> PortalScreen:
        """The portal screen, built the first time a resident opens it; its file picker offers
        the scanned documents and the portal's own downloads of the session."""
        from kiosk_app.portal.options import portal_options, portal_reachable, use_practice
        from kiosk_app.portal.view import PortalScreen

        section = self._config().portal
        practice = use_practice(self._practice or section.practice, lambda: portal_reachable(section.start_url))
        self._default = portal_options(section, self._practice_home() if practice else None)
        portal = PortalScreen(self._default, self._sessions, offered_files=portal_offered_files,
                              options_for=self._options_for)
        portal.menu_requested.connect(lambda: self._nav.go("menu"))
        portal.help_requested.connect(self._help)
        self._on_built(portal)
        log_event(log, "portal.ready", practice=practice)
        return portal

    def _practice_home(self) -> str:
        from kiosk_app.practice.server import PracticePortal

        if self.practice_portal is None:
            self.practice_portal = PracticePortal().start()
        return self.practice_portal.home_url

    def _options_for(self, session) -> PortalOptions:
        """A practice session (officer's choice, or switched by staff) gets the practice portal."""
        from kiosk_app.portal.options import portal_options

        if session.mode == "practice" and not self._default.practice:
            return portal_options(self._config().portal, self._practice_home())
        return self._default

    def switch_session_to_practice(self) -> None:
        """For the staff menu: the running session continues on the practice portal and is
        recorded as practice (it never counts as filed)."""
        from kiosk_app.portal.options import portal_options

        if self._sessions.current is None:
            return
        self._sessions.update(mode="practice")
        if not self._nav.is_built(PORTAL_SCREEN):
            return  # the portal, when opened, follows the session's mode
        portal = self._nav.screen(PORTAL_SCREEN)
        portal.switch_options(portal_options(self._config().portal, self._practice_home()))
        if portal.session is None:
            portal.start_session(self._sessions.current)

    def _help(self, url: str, title: str) -> None:
        # The guide step explaining this page, or the guide list. The portal keeps its page; the
        # guide room remembers where the guide was opened from, and its "back" returns there.
        if not self._guides().open_for_page(url, title):
            self._nav.go("guides")

    def shutdown(self) -> None:
        if self.practice_portal is not None:
            self.practice_portal.stop()
