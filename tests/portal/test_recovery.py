"""Network trouble, a killed renderer, a page that never finishes: the kiosk recovers by itself."""

import os
import signal
import socket
import threading

from kiosk_app.portal.rules import PortalRules
from tests.portal.conftest import Response, TestSite
from tests.portal.web import js, start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_portal_shows_offline_page_and_retries_by_itself(qtbot, make_screen, new_session):
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    screen = make_screen(home_url=origin + "/", rules=PortalRules.from_lists([origin]), retry_first_s=1)
    session = new_session()
    with qtbot.waitSignal(screen.message_shown, timeout=15000, check_params_cb=lambda kind: kind == "offline"):
        screen.start_session(session)
    assert screen.stack.currentWidget() is screen.panel
    assert "giây" in screen.panel.countdown.text()
    assert session.named("portal.offline")
    assert "báo cán bộ" not in screen.panel.body.text()  # once may be a hiccup: it retries by itself
    with qtbot.waitSignal(screen.menu_requested, timeout=1000):
        screen.panel.secondary.click()  # "Về menu": guides and scanning work offline

    # "Thử lại ngay" while still down: the page comes back with its countdown running.
    with qtbot.waitSignal(screen.message_shown, timeout=15000, check_params_cb=lambda kind: kind == "offline"):
        screen.panel.primary.click()
    assert screen._countdown.isActive()
    assert "báo cán bộ" in screen.panel.body.text()  # the second failure: staff should know

    # The portal comes back: the next automatic retry finds it, with no one touching anything.
    back = TestSite(port)
    back.routes["/"] = Response("<title>Đã có mạng</title>ok")
    try:
        with qtbot.waitSignal(screen.page_loaded, timeout=15000):
            pass
    finally:
        back.stop()
    assert screen.stack.currentWidget() is screen.view_holder
    assert screen.page.title() == "Đã có mạng"


def test_killed_renderer_is_recovered_without_restarting(qtbot, make_screen, new_session, site):
    site.routes["/alive"] = Response("<title>Còn sống</title>alive")
    screen = make_screen(home_url=site.url("/alive"))
    session = new_session()
    start(qtbot, screen, session)
    pid = screen.page.renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(screen.page_loaded, timeout=20000):
        os.kill(pid, signal.SIGKILL)
    assert screen.page.renderProcessPid() not in (0, pid)
    assert js(qtbot, screen, "document.title") == "Còn sống"
    assert session.named("portal.renderer_terminated")[0]["status"] != "NormalTerminationStatus"
    assert screen.stack.currentWidget() is screen.view_holder


def test_page_that_never_finishes_loading_is_stopped(qtbot, make_screen, new_session, site):
    release = threading.Event()

    def hang(handler):
        release.wait(30)
        return Response("late")

    site.routes["/hang"] = hang
    screen = make_screen(home_url=site.url("/hang"), load_timeout_s=1)
    session = new_session()
    try:
        with qtbot.waitSignal(screen.message_shown, timeout=10000, check_params_cb=lambda kind: kind == "failed"):
            screen.start_session(session)
    finally:
        release.set()
    assert {"what": "load-timeout", "detail": site.url("/hang")} in session.named("portal.refused")


def test_redirect_loop_ends_on_the_kiosk_page_not_a_freeze(qtbot, make_screen, new_session, site):
    site.routes["/loop"] = Response("", 302, {"Location": "/loop"})
    site.routes["/fine"] = Response("<title>Ổn</title>")
    screen = make_screen(home_url=site.url("/fine"))
    session = new_session()
    start(qtbot, screen, session)
    with qtbot.waitSignal(screen.message_shown, timeout=15000, check_params_cb=lambda kind: kind == "failed"):
        screen.load(site.url("/loop"))
    with qtbot.waitSignal(screen.page_loaded, timeout=10000):
        screen.panel.secondary.click()  # "Quay lại trang trước"
    assert screen.page.title() == "Ổn"
