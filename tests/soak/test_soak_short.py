"""A short working day: the day soak's driver (bench/soak_day.py) runs about 20 mixed sessions
on the real kiosk, fullscreen on Xvfb with xcb, touched by xdotool. Fails on a crash, a driven
session missing from the session log, or an error line in the kiosk's JSON log."""

import pytest

from bench.soak_day import run_day

pytestmark = pytest.mark.e2e

# Every kind of step at least once, the slow ones (portal, idle timeout) once only.
PLANS = [
    ("guide", "end5"),
    ("scan", "portal", "end4"),
    ("guide", "officer"),
    ("scan", "end3"),
    ("guide", "guide", "end1"),
    ("idle",),
    ("scan", "officer"),
] + [("guide", "end5"), ("guide", "officer"), ("scan", "end2")] * 4 + [("guide", "end4")]


def test_a_short_day_at_the_counter(xvfb_display, tmp_path):
    result = run_day(len(PLANS), [5], tmp_path, play_s=1.0, download=True, plans=PLANS, display=xvfb_display)
    last = result.checkpoints[-1]
    assert last.sessions == len(PLANS) == last.driven["count"]
    assert last.missing == []  # every driven session is in the session log...
    assert last.logged["reasons"] == last.driven["reasons"]  # ...with the end it was given
    assert last.driven["scanned_pages"] >= 10 and last.driven["submissions"] == last.driven["downloads"] == 1
    assert result.errors == []
    assert result.exit_code == 0  # it ran the whole day and stopped cleanly
