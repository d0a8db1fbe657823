"""The real kiosk, started as a subprocess in practice mode, opens the practice portal."""

import pytest

from kiosk_app.config import load_config
from kiosk_app.portal.options import origins_for_domains, portal_options, use_practice
from kiosk_app.portal.rules import navigation_decision


def test_options_from_the_default_config():
    section = load_config().portal
    real = portal_options(section)
    assert not real.practice and real.home_url == section.start_url
    assert navigation_decision("https://sso.dancuquocgia.gov.vn/x", real.rules).allowed
    assert navigation_decision("https://abc.vneid.gov.vn/", real.rules).allowed
    assert not navigation_decision("http://127.0.0.1:8000/", real.rules).allowed
    assert real.submission_patterns == ()
    practice = portal_options(section, "http://127.0.0.1:5555/")
    assert practice.practice and practice.submission_patterns
    assert navigation_decision("http://127.0.0.1:5555/dang-nhap", practice.rules).allowed
    assert not navigation_decision("https://dichvucong.gov.vn/", practice.rules).allowed
    assert origins_for_domains(["a.vn", "*"]) == ["https://a.vn", "https://*.a.vn", "*"]


def test_practice_or_real():
    never = lambda: pytest.fail("reachability asked for nothing")  # noqa: E731
    assert use_practice("on", never)
    assert not use_practice("off", never)
    assert use_practice("when-offline", lambda: False)
    assert not use_practice("when-offline", lambda: True)


@pytest.mark.e2e
def test_kiosk_practice_mode_opens_practice_portal(start_kiosk):
    kiosk = start_kiosk("--temp-data-dir", "--windowed", "--practice", "--start-screen", "portal")
    ready = kiosk.wait_event("portal.ready", timeout=60)
    assert ready["practice"] is True
    page = kiosk.wait_event("portal.page", timeout=60)
    assert page["url"].startswith("http://127.0.0.1:") and page["practice"] is True
    assert kiosk.stop() == 0
    names = [e["event"] for e in kiosk.events()]
    assert "session.wipe" in names
    wipes = [e for e in kiosk.events() if e["event"] == "session.wipe"]
    assert all(e["ok"] for e in wipes)
