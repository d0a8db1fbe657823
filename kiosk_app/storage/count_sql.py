"""Which sessions each figure counts, in SQL: read by the statistics (stats/figures.py), by the
per-day totals the database keeps up to date (storage/day_totals.py) and, through the statistics,
by the province's server. Defined here, below both, so that neither imports the other."""

from __future__ import annotations

DEFAULT_UTC_OFFSET_HOURS = 7  # Vietnam: the commune's local day

# A session's outcome as the figures count it. One rule everywhere: a session in which anyone
# helped (guided "with help", an officer who stepped in, the resident's "someone helped me") is
# filed with help, whatever was answered later (`kiosk_app.admin.outcome.with_help_rule`).
EFFECTIVE_OUTCOME = ("CASE WHEN mode = 'practice' OR outcome = 'practice' THEN 'practice' "
                     "WHEN outcome = 'filed_alone' AND helped = 1 THEN 'filed_helped' "
                     "ELSE coalesce(outcome, '') END")
# The same rule as one condition per outcome: cheaper per row than comparing EFFECTIVE_OUTCOME
# (a CASE) for each count (a test checks the two agree on every combination).
# (IS, never NULL, lets SQLite stop at the first false term; the most selective test comes first.)
_REAL = "mode IS NOT 'practice'"
OUTCOME_IS = {
    "practice": "(mode IS 'practice' OR outcome IS 'practice')",
    "filed_alone": f"(outcome IS 'filed_alone' AND helped IS NOT 1 AND {_REAL})",
    "filed_helped": f"((outcome IS 'filed_helped' OR outcome IS 'filed_alone' AND helped IS 1) AND {_REAL})",
    "not_filed": f"(outcome IS 'not_filed' AND {_REAL})",
    "": f"((outcome IS NULL OR outcome IS '') AND {_REAL})",
}
IN_RANGE = "started_at >= ? AND started_at < ? AND start_kind != 'demo'"

# Every Counts field, by name, with the SQL that counts it over the sessions of one group
# (`portal_submitted` comes from PORTAL_SQL, which starts from the few success-page events
# instead of looking every session up among them).
COUNT_SQL = {
    "sessions": "count(*)",
    **{field: f"sum({OUTCOME_IS[outcome]})" for field, outcome in (
        ("practice", "practice"), ("filed_alone", "filed_alone"), ("filed_helped", "filed_helped"),
        ("not_filed", "not_filed"), ("no_outcome", ""))},
    "stepped_in": "sum(helped IS 1)",
    "portal_submitted": "0",  # added from PORTAL_SQL: only the few sessions that saw the success page
    "duration_total_s": "total(duration_s)",
    "duration_n": "count(duration_s)",
}
