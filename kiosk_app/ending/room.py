"""The end of a resident's session: "Kết thúc", the two questions, the level-2 advice, the rating."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk_app.admin.guided import SessionOutcomes
from kiosk_app.config import KioskConfig
from kiosk_app.session.manager import SessionManager
from kiosk_app.shell.window import Navigator

if TYPE_CHECKING:
    from kiosk_app.ending.end_questions import EndQuestionsScreen
    from kiosk_app.ending.satisfaction import SatisfactionScreen
    from kiosk_app.ending.submitted_bar import SubmittedBar
    from kiosk_app.videos.room import GuideRoom

QUESTIONS_SCREEN = "end_questions"  # EndQuestionsScreen.name
RATING_SCREEN = "satisfaction"  # SatisfactionScreen.name
LEVEL2_GUIDE_STEP = ("kich-hoat-muc-2", 1)  # the bundled guide's "Đăng ký tại Công an xã"


class EndRoom:
    def __init__(self, nav: Navigator, sessions: SessionManager, outcomes: SessionOutcomes,
                 config: Callable[[], KioskConfig], guides: Callable[[], GuideRoom]):
        """`config` gives the settings in force (staff may change them); `guides` the guide room,
        which is built once the home screen is up."""
        self._nav, self._sessions, self._outcomes = nav, sessions, outcomes
        self._config, self._guides = config, guides
        self._feedback_for: str | None = None  # the session whose end asks for a rating
        # Built on first use, like every screen the home screen does not need.
        nav.add_lazy(QUESTIONS_SCREEN, self._make_questions)
        nav.add_lazy(RATING_SCREEN, self._make_rating)

    @property
    def questions(self) -> EndQuestionsScreen:
        return self._nav.screen(QUESTIONS_SCREEN)

    @property
    def rating(self) -> SatisfactionScreen:
        return self._nav.screen(RATING_SCREEN)

    def _make_questions(self) -> EndQuestionsScreen:
        from kiosk_app.ending.end_questions import EndQuestionsScreen

        outcomes = self._outcomes
        screen = EndQuestionsScreen()
        screen.answered.connect(
            lambda submitted, helped, reason: (outcomes.resident_answered(submitted, helped, reason),
                                               self.end_with_feedback("finished")))
        screen.skipped.connect(lambda: self.end_with_feedback("finished"))
        screen.back.connect(lambda: self._nav.go("menu"))
        screen.level2_guide.connect(self._level2_guide)
        return screen

    def _level2_guide(self) -> None:
        """The answer "no level-2 account" is kept; the session goes on with the activation guide."""
        self._outcomes.resident_answered(False, False, "no_level2")
        self._nav.go("menu")  # the guide's "back" leads to the menu, where "Kết thúc" is
        if not self._guides().open(*LEVEL2_GUIDE_STEP):
            self._nav.go("guides")

    def _make_rating(self) -> SatisfactionScreen:
        from kiosk_app.ending.satisfaction import SatisfactionScreen

        feedback = self._config().feedback
        screen = SatisfactionScreen(feedback.reset_s, feedback.survey_url)
        screen.finished.connect(self._feedback_given)
        return screen

    def attach_to_portal(self, portal, end_requested: Callable[[], None]) -> SubmittedBar:
        """Over the portal's success page: write the dossier code down, then "Kết thúc"."""
        from kiosk_app.ending.submitted_bar import attach_submitted_bar

        bar = attach_submitted_bar(portal)
        bar.end_requested.connect(end_requested)
        self._sessions.ended.connect(lambda *_: bar.hide())
        return bar

    def resident_end(self) -> None:
        """The resident's "Kết thúc": ask the two questions (practice sessions need none)."""
        if self._sessions.current is None:
            return
        if self._outcomes.is_practice():
            self._outcomes.resident_answered(False, False, None)
            self.end_with_feedback("finished")
        else:
            self.questions.begin(submitted_seen=bool(self._sessions.current.fields.get("submitted")))
            self._nav.go(QUESTIONS_SCREEN)

    def end_with_feedback(self, reason: str) -> None:
        """End the session; the rating follows when feedback is on."""
        if self._sessions.current is not None and self._config().feedback.enabled:
            self._feedback_for = self._sessions.current.id
        self._sessions.end(reason)

    def screen_after(self, session_id: str) -> str:
        """Where a session that just ended leaves the kiosk: its rating, or the home screen."""
        if self._feedback_for != session_id:
            return "home"
        self._feedback_for = None
        self.rating.begin(session_id)
        return RATING_SCREEN

    def _feedback_given(self, session_id: str, rating, trips, reason) -> None:
        if rating is not None or trips is not None:
            self._outcomes.feedback(session_id, rating, trips, reason)
        if self._nav.current == RATING_SCREEN:
            self._nav.go("home")
