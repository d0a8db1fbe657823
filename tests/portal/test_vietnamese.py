"""Chromium speaks Vietnamese: the page's language, the Accept-Language header, day-first dates."""

from PySide6.QtTest import QTest

from tests.portal.conftest import Response
from tests.portal.web import js, load, start

PAGE = """<!doctype html><meta charset="utf-8"><title>Ngày sinh</title>
<input type="date" id="ngay"><input type="file" id="tep" multiple>"""


def test_web_engine_runs_in_vietnamese(qtbot, make_screen, new_session, site):
    site.routes["/ngay-sinh"] = Response(PAGE)
    screen = make_screen(home_url=site.url("/ngay-sinh"))
    screen.show()
    qtbot.waitExposed(screen)
    start(qtbot, screen, new_session())
    assert js(qtbot, screen, "navigator.language") in ("vi", "vi-VN")
    assert site.requested("/ngay-sinh")[-1]["Accept-Language"].startswith("vi-VN")
    # The date control's own format: typed day first, it reads 15 December 1960.
    js(qtbot, screen, "document.getElementById('ngay').focus()")
    qtbot.waitUntil(lambda: js(qtbot, screen, "document.activeElement.id") == "ngay")
    screen.view.setFocus()
    QTest.keyClicks(screen.view.focusProxy(), "15121960")
    qtbot.waitUntil(lambda: js(qtbot, screen, "document.getElementById('ngay').value") == "1960-12-15", timeout=5000)
