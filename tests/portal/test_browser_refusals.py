"""Chromium's own refusals (addresses a page may not open, frames a site forbids) are logged as
portal.refused and told to the resident; unknown protocols end on the kiosk's blocked page."""

import pytest

from kiosk_app.portal.rules import chromium_refusal
from kiosk_app.strings import portal as text
from tests.portal.conftest import Response
from tests.portal.test_practice_flow import click_element
from tests.portal.web import js, start


@pytest.mark.parametrize("message, expected", [
    ("Not allowed to load local resource: file:///etc/passwd", ("local-resource", "file:///etc/passwd")),
    ("Not allowed to load local resource: view-source:http://a.vn/x?so=1", ("local-resource", "view-source:http://a.vn/x")),
    ("Not allowed to load local resource: chrome://settings/", ("local-resource", "chrome://settings/")),
    ("Not allowed to navigate top frame to data URL: data:text/html,<b>x</b>", ("data-url", "data:…")),
    ("Refused to frame 'http://a.vn/' because an ancestor violates the following Content Security Policy "
     "directive: \"frame-ancestors 'none'\".", ("frame-ancestors", "http://a.vn/")),
    ("Refused to display 'https://a.vn/k?x=1' in a frame because it set 'X-Frame-Options' to 'deny'.",
     ("x-frame-options", "https://a.vn/k")),
    ("Failed to launch 'zalo://chat?p=0912' because the scheme does not have a registered handler.",
     ("external-protocol", "zalo://chat")),
    ("Uncaught TypeError: x is undefined", None),
])
def test_chromium_refusal_messages(message, expected):
    assert chromium_refusal(message) == expected


def refused(session, what):
    return [e for e in session.named("portal.refused") if e["what"] == what]


def test_refusals_chromium_makes_itself_are_logged_and_told(qtbot, make_screen, new_session, site):
    site.routes["/page"] = Response("<title>Trang</title><p>trang</p>")
    site.routes["/no-frame"] = Response("<title>K</title>k", headers={"Content-Security-Policy": "frame-ancestors 'none'"})
    screen = make_screen(home_url=site.url("/page"))
    session = new_session()
    start(qtbot, screen, session)

    cases = [
        ("location.href = 'file:///etc/passwd'", "local-resource", "file:///etc/passwd"),
        ("location.href = 'data:text/html,<b>x</b>'", "data-url", "data:…"),
        (f"location.href = 'view-source:{site.url('/page')}'", "local-resource", "view-source:" + site.url("/page")),
        ("location.href = 'chrome://settings'", "local-resource", "chrome://settings/"),
        ("var f = document.createElement('iframe'); f.src = 'file:///etc/hosts'; document.body.appendChild(f)",
         "local-resource", "file:///etc/hosts"),
        (f"var f = document.createElement('iframe'); f.src = '{site.url('/no-frame')}'; document.body.appendChild(f)",
         "frame-ancestors", site.url("/")),
    ]
    for script, what, detail in cases:
        screen.notice.hide()
        before = len(refused(session, what))
        js(qtbot, screen, script + "; 1")
        qtbot.waitUntil(lambda: len(refused(session, what)) > before, timeout=10000)
        assert refused(session, what)[-1]["detail"] == detail, script
        assert not screen.notice.isHidden() and screen.notice_label.text() == text.REFUSED_BY_BROWSER
        assert screen.stack.currentWidget() is screen.view_holder  # the page stays

    # Links touched by the resident: refused by Chromium the same way, reported once per page.
    site.routes["/links"] = Response('<title>Liên kết</title><p><a id="file" href="file:///etc/passwd">tệp</a></p>'
                                     '<p><a id="source" href="view-source:http://127.0.0.1/">mã</a></p>')
    screen.show()
    qtbot.waitExposed(screen)
    with qtbot.waitSignal(screen.page_loaded, timeout=10000):
        screen.load(site.url("/links"))
    for link, detail in (("#file", "file:///etc/passwd"), ("#source", "view-source:http://127.0.0.1/")):
        for _ in range(5):  # the first touches can come before the page's first frame
            click_element(qtbot, screen, link)
            try:
                qtbot.waitUntil(lambda: refused(session, "local-resource")[-1]["detail"] == detail, timeout=2000)
                break
            except qtbot.TimeoutError:
                continue
        assert refused(session, "local-resource")[-1]["detail"] == detail
    count = len(session.named("portal.refused"))
    click_element(qtbot, screen, "#file")
    js(qtbot, screen, "location.href = 'file:///etc/passwd'; 1")
    js(qtbot, screen, "1")
    assert len(session.named("portal.refused")) == count


@pytest.mark.parametrize("link, scheme", [("#zalo", "zalo"), ("#mail", "mailto")])
def test_unknown_protocol_links_end_on_the_blocked_page(qtbot, make_screen, new_session, site, link, scheme):
    # One link a page: Chromium may drop a second external-protocol launch from the same page.
    site.routes["/links"] = Response('<title>Liên kết</title><p><a id="zalo" href="zalo://chat?p=0912">Zalo</a></p>'
                                     '<p><a id="mail" href="mailto:mot-cua@xa.gov.vn">Thư</a></p>')
    screen = make_screen(home_url=site.url("/links"))
    screen.show()
    qtbot.waitExposed(screen)
    session = new_session()
    start(qtbot, screen, session)
    # A touch on the link (Chromium hands an unknown protocol to the kiosk only after one); the
    # first touches can come before the page's first frame.
    for _ in range(5):
        click_element(qtbot, screen, link)
        try:
            qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.panel, timeout=2000)
            break
        except qtbot.TimeoutError:
            continue
    assert screen.stack.currentWidget() is screen.panel and screen.panel.kind == "blocked"
    logged = session.named("portal.navigation")[-1]
    assert logged["reason"] == f"scheme-{scheme}" and "0912" not in logged["url"]


def test_what_chromium_drops_without_a_hook(qtbot, make_screen, new_session, site):
    """README says these are silent (QtWebEngine 6.12 tells the kiosk nothing): nothing opens,
    nothing is asked of the kiosk, the page stays. If this fails, a hook exists: use it."""
    site.routes["/page"] = Response("<title>Trang</title><p>trang</p>")
    site.routes["/xfo"] = Response("<title>X</title>x", headers={"X-Frame-Options": "DENY"})
    screen = make_screen(home_url=site.url("/page"))
    session = new_session()
    start(qtbot, screen, session)
    asked = []
    screen.page.navigation.connect(lambda *args: asked.append(args))
    js(qtbot, screen, "location.href = 'zalo://chat?p=0912'; 1")
    js(qtbot, screen, f"var f = document.createElement('iframe'); f.id = 'x'; f.src = '{site.url('/xfo')}';"
                      "document.body.appendChild(f); 1")
    qtbot.waitUntil(lambda: bool(site.requested("/xfo")), timeout=10000)  # fetched, then not shown
    assert js(qtbot, screen, "document.title") == "Trang" and screen.page.url().toString() == site.url("/page")
    assert [a for a in asked if a[0] == "blocked"] == []

    # about: addresses: Chromium commits about:blank#blocked, which the kiosk catches.
    with qtbot.waitSignal(screen.message_shown, timeout=10000, check_params_cb=lambda kind: kind == "blocked"):
        js(qtbot, screen, "location.href = 'about:config'; 1")
    assert session.named("portal.navigation")[-1]["reason"] == "committed"
    assert session.named("portal.refused") == []  # by now the frame's refusal would have come
