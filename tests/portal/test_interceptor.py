"""The request interceptor: every request type QtWebEngine has is mapped, and a failing rule
blocks (fails closed) at a real loopback server."""

import logging

import pytest
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo

from kiosk_app.portal import rules as rules_module
from kiosk_app.portal.rules import REQUEST_KINDS, PortalRules, request_decision, request_kind
from tests.portal.conftest import Response
from tests.portal.web import start

PAGE = """<!doctype html><title>Trang</title>
<link rel="stylesheet" href="/style.css"><script src="/app.js"></script>
<img src="/pixel.png"><script>fetch('/data.json').catch(() => {});</script>"""
SUBRESOURCES = ("/style.css", "/app.js", "/pixel.png", "/data.json")


def test_every_request_type_of_qtwebengine_has_a_rule():
    names = {member.name for member in QWebEngineUrlRequestInfo.ResourceType}
    assert names - set(REQUEST_KINDS) == {"ResourceTypeUnknown"}
    assert request_kind("ResourceTypeNavigationPreloadMainFrame") == "main"
    assert request_kind("ResourceTypeNavigationPreloadSubFrame") == "frame"
    assert request_kind("ResourceTypeWebSocket") == "subresource"
    assert request_kind("ResourceTypeUnknown") == request_kind("ResourceType#300") == "unknown"


def test_unknown_request_types_get_the_stricter_navigation_rule():
    rules = PortalRules.from_lists(["https://dichvucong.gov.vn"], ["https://cdn.example.vn"])
    assert request_decision("https://cdn.example.vn/a.js", "subresource", rules).allowed
    assert not request_decision("https://cdn.example.vn/a.js", "unknown", rules).allowed
    assert not request_decision("data:text/plain,x", "unknown", rules).allowed
    assert request_decision("https://dichvucong.gov.vn/x", "unknown", rules).allowed


@pytest.fixture
def pages(site):
    site.routes.update({"/with-resources": Response(PAGE), "/plain": Response("<title>Plain</title>")})
    for path in SUBRESOURCES:
        site.routes[path] = Response(b"x", ctype="text/plain")
    return site


def test_a_failing_subresource_rule_blocks_every_request(qtbot, make_screen, new_session, pages, monkeypatch, caplog):
    screen = make_screen(home_url=pages.url("/plain"))
    session = new_session()
    start(qtbot, screen, session)

    def broken(url, rules):
        raise RuntimeError("rule bug")

    monkeypatch.setattr(rules_module, "subresource_decision", broken)
    caplog.set_level(logging.INFO, logger="kiosk.portal")
    with qtbot.waitSignal(screen.page_loaded, timeout=15000):
        screen.load(pages.url("/with-resources"))
    qtbot.waitUntil(lambda: {e["url"].split(str(pages.port))[-1] for e in session.named("portal.navigation")
                             if e["reason"] == "rule-error"} >= set(SUBRESOURCES), timeout=10000)
    assert not any(pages.requested(path) for path in SUBRESOURCES)
    errors = [r for r in caplog.records if getattr(r, "event", "") == "portal.interceptor_error"]
    assert errors and errors[0].levelno == logging.ERROR and errors[0].fields["error"] == "RuntimeError"


def test_a_failing_navigation_rule_blocks_the_page(qtbot, make_screen, new_session, pages, monkeypatch):
    screen = make_screen(home_url=pages.url("/plain"))
    session = new_session()
    start(qtbot, screen, session)

    def broken(url, rules, main_frame=True):
        raise ValueError("rule bug")

    monkeypatch.setattr(rules_module, "navigation_decision", broken)  # the interceptor's rule only
    with qtbot.waitSignal(screen.message_shown, timeout=15000, check_params_cb=lambda kind: kind == "blocked"):
        screen.page.load(pages.url("/never"))
    assert not pages.requested("/never")
    assert any(e["reason"] == "rule-error" and e["frame"] == "main" for e in session.named("portal.navigation"))
