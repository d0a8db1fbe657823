"""What a session's end means: the outcome from the resident's or officer's answers (pure)."""

from __future__ import annotations

OUTCOMES = ("filed_alone", "filed_helped", "not_filed", "practice")
NOT_FILED_REASONS = ("no_level2", "missing_documents", "portal_error", "gave_up", "other")
LOW_RATING_REASONS = ("waited_long", "hard_to_follow", "machine_fault", "staff_attitude", "other")
# The official 5-level scale, best first: the value stored is 5 (Rất hài lòng) ... 1.
RATINGS = (5, 4, 3, 2, 1)
LOW_RATING_MAX = 2
TRIPS = (0, 1, 2)  # 2 means "two or more"


def resident_outcome(mode: str, submitted: bool, someone_helped: bool, officer_stepped_in: bool) -> str:
    """The outcome from the two questions at "Kết thúc" (and what the officer already recorded)."""
    if mode == "practice":
        return "practice"
    if not submitted:
        return "not_filed"
    return with_help_rule("filed_alone", someone_helped or officer_stepped_in)


def with_help_rule(outcome: str, helped: bool) -> str:
    """One rule everywhere: a session in which anyone helped is filed *with help*, whoever answers
    "filed alone" afterwards (the statistics apply the same rule to what is already stored)."""
    return "filed_helped" if outcome == "filed_alone" and helped else outcome


def outcome_fields(outcome: str, reason: str | None = None) -> dict:
    """Session columns to set for an outcome; validates the outcome and the reason."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if reason is not None and (outcome != "not_filed" or reason not in NOT_FILED_REASONS):
        raise ValueError(f"reason {reason!r} does not fit outcome {outcome!r}")
    fields: dict = {"outcome": outcome, "not_filed_reason": reason}
    if outcome in ("filed_alone", "filed_helped"):
        fields["submitted"] = 1
    if outcome == "filed_helped":
        fields["helped"] = 1
    return fields


def is_low_rating(rating: int) -> bool:
    return rating <= LOW_RATING_MAX
