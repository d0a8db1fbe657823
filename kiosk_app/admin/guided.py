"""Officer actions on resident sessions: start a guided one, step in, record the outcome;
and what the resident answers at the end (outcome questions, satisfaction). No Qt widgets."""

from __future__ import annotations

import logging

from kiosk_app.admin.auth import PinCheck
from kiosk_app.admin.outcome import (LOW_RATING_REASONS, NOT_FILED_REASONS, RATINGS, TRIPS, is_low_rating,
                                     outcome_fields, resident_outcome, with_help_rule)
from kiosk_app.logs import log_event, now_iso
from kiosk_app.session.manager import SessionManager
from kiosk_app.storage.session_store import SessionStore

log = logging.getLogger("kiosk.admin")

HOW = {"alone": ("guided", 0), "with_help": ("guided", 1), "practice": ("practice", 0)}


class SessionOutcomes:
    def __init__(self, sessions: SessionManager, store: SessionStore):
        self._sessions = sessions
        self._store = store

    # ------------------------------------------------------------ officer

    def start_guided(self, officer: PinCheck | None, procedure_code: str, how: str) -> None:
        """A session the officer starts for a resident: ends any running one first."""
        mode, helped = HOW[how]
        officer_id = officer.staff_id if officer else None
        self._sessions.start("staff", mode=mode, procedure_code=procedure_code or None, officer_id=officer_id,
                             helped=helped)
        self._sessions.record("guided.started", procedure_code=procedure_code, how=how, officer_id=officer_id)

    def step_in(self, officer: PinCheck | None) -> None:
        """The officer helps in the running session: from now on it counts as helped."""
        session = self._sessions.current
        if session is None:
            return
        fields = {"helped": 1}
        if officer and officer.staff_id and not session.fields.get("officer_id"):
            fields["officer_id"] = officer.staff_id
        self._sessions.update(**fields)
        self._sessions.record("session.stepped_in", officer_id=officer.staff_id if officer else None)

    def record_outcome(self, officer: PinCheck | None, outcome: str, reason: str | None) -> None:
        """The officer says how the session ended (a resident may not know the words)."""
        if self._sessions.current is None:
            return
        outcome = with_help_rule(outcome, bool(self._sessions.current.fields.get("helped")))
        fields = outcome_fields(outcome, reason)
        if officer and officer.staff_id and not self._sessions.current.fields.get("officer_id"):
            fields["officer_id"] = officer.staff_id
        self._sessions.update(**fields)
        self._sessions.record("session.outcome", outcome=outcome, reason=reason, by="officer")

    # ------------------------------------------------------------ resident

    def resident_answered(self, submitted: bool, someone_helped: bool, reason: str | None) -> None:
        session = self._sessions.current
        if session is None:
            return
        outcome = resident_outcome(session.mode, submitted, someone_helped, bool(session.fields.get("helped")))
        fields = outcome_fields(outcome, reason if outcome == "not_filed" else None)
        self._sessions.update(**fields)
        self._sessions.record("session.outcome", outcome=outcome, reason=fields["not_filed_reason"], by="resident")

    def was_helped(self) -> bool:
        """Someone helped in the running session (guided "with help", or an officer stepped in)."""
        session = self._sessions.current
        return session is not None and bool(session.fields.get("helped"))

    def is_practice(self) -> bool:
        session = self._sessions.current
        return session is not None and session.mode == "practice"

    def feedback(self, session_id: str, rating: int | None, trips: int | None, reason: str | None) -> None:
        """The anonymous rating, after the session has ended (and its data was wiped)."""
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"rating {rating!r}")
        if trips is not None and trips not in TRIPS:
            raise ValueError(f"trips {trips!r}")
        if reason is not None and (reason not in LOW_RATING_REASONS or not is_low_rating(rating or 5)):
            raise ValueError(f"reason {reason!r}")
        fields = {"satisfaction": rating, "trips": trips, "satisfaction_reason": reason}
        self._store.update_session(session_id, **fields)
        self._store.add_event(session_id, now_iso(), "feedback.rated", fields)
        log_event(log, "feedback.rated", session=session_id, **fields)


__all__ = ["SessionOutcomes", "HOW", "NOT_FILED_REASONS"]
