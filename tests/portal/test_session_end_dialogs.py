"""A session that ends while a page's alert (or any kiosk dialog) is open closes it: nothing of
one resident stays over the next resident's home screen, and the kiosk does not crash."""

import dataclasses

import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk_app.app import Kiosk, Options
from kiosk_app.config import load_config
from tests.portal.conftest import Response
from tests.portal.test_practice_flow import click_element


@pytest.fixture
def portal_kiosk(qtbot, kiosk_paths, site):
    site.routes["/ask"] = Response("<title>Hỏi</title><p>Trang có hộp thoại</p>")
    cfg = load_config()
    cfg = dataclasses.replace(cfg, portal=dataclasses.replace(cfg.portal, start_url=site.url("/ask"), practice="off"))
    kiosk = Kiosk(cfg, kiosk_paths, Options(windowed=True))
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    yield kiosk
    kiosk.shutdown()


def time_out_once_a_dialog_is_open(kiosk, seen: list):
    """When the dialog is up (its own event loop running), let the idle countdown run out."""
    def check():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, check)
            return
        seen.append(dialog.objectName())
        kiosk.idle.timeout_s, kiosk.idle.countdown_s = 0.05, 0.05
        kiosk.idle.poke()
    QTimer.singleShot(0, check)


def open_portal(qtbot, kiosk):
    kiosk.front.start_resident_session()
    kiosk.nav.go("portal")
    portal = kiosk.nav.screen("portal")
    qtbot.waitUntil(lambda: portal.page is not None and portal.page.title() == "Hỏi", timeout=15000)
    return portal


@pytest.mark.parametrize("script", ["alert('Hồ sơ chưa lưu')", "confirm('Gửi hồ sơ?')", "prompt('Họ tên?', '')"])
def test_idle_timeout_closes_a_page_dialog(qtbot, portal_kiosk, script):
    kiosk = portal_kiosk
    portal = open_portal(qtbot, kiosk)
    session, old_view = kiosk.sessions.current, portal.view
    seen = []
    time_out_once_a_dialog_is_open(kiosk, seen)
    with qtbot.waitSignal(kiosk.sessions.ended, timeout=15000) as ended:
        portal.page.runJavaScript(script)
    assert ended.args == [session.id, "timeout"] and seen == ["portalDialog"]
    assert QApplication.activeModalWidget() is None
    assert kiosk.nav.current == "home" and not kiosk.front.idle_overlay.isVisible()
    # The page outlived its own dialog's event loop, then went with its profile.
    qtbot.waitUntil(lambda: not shiboken6.isValid(old_view), timeout=5000)
    assert portal.page is None and portal.profile is None

    # The next resident starts clean, on a working portal.
    kiosk.idle.timeout_s, kiosk.idle.countdown_s = 120, 30
    portal = open_portal(qtbot, kiosk)
    assert QApplication.activeModalWidget() is None


def test_idle_timeout_closes_the_file_picker(qtbot, portal_kiosk, site):
    site.routes["/ask"] = Response('<title>Hỏi</title><input id="tep" type="file" style="width:600px;height:200px">')
    kiosk = portal_kiosk
    portal = open_portal(qtbot, kiosk)
    Image.new("RGB", (210, 297), "white").save(kiosk.sessions.current.work_dir / "giay-to.pdf")
    seen = []
    time_out_once_a_dialog_is_open(kiosk, seen)
    with qtbot.waitSignal(kiosk.sessions.ended, timeout=20000):
        for _ in range(5):  # the first touches can come before the page's first frame
            click_element(qtbot, portal, "#tep")
            try:
                qtbot.waitUntil(lambda: bool(seen), timeout=2000)  # the picker runs, then times out
                break
            except qtbot.TimeoutError:
                continue
    assert seen == ["sessionFilePicker"]
    assert QApplication.activeModalWidget() is None and kiosk.nav.current == "home"


def test_idle_timeout_closes_the_file_viewer(qtbot, portal_kiosk):
    kiosk = portal_kiosk
    portal = open_portal(qtbot, kiosk)
    receipt = kiosk.sessions.current.work_dir / "bien-nhan.pdf"
    Image.new("RGB", (210, 297), "white").save(receipt)
    seen = []
    time_out_once_a_dialog_is_open(kiosk, seen)
    with qtbot.waitSignal(kiosk.sessions.ended, timeout=15000):
        portal._file_viewer(portal, receipt)  # "Xem tệp": returns when the viewer is closed
    assert seen == ["portalFileViewer"]
    assert QApplication.activeModalWidget() is None and kiosk.nav.current == "home"


def test_the_idle_question_comes_above_a_page_dialog_and_continuing_returns_to_it(qtbot, portal_kiosk):
    """A resident reading a page's alert sees "Bạn còn ở đó không?" above it (and not the alert's
    text): "Tiếp tục" goes back to the alert, which is still there to answer."""
    kiosk = portal_kiosk
    portal = open_portal(qtbot, kiosk)
    overlay = kiosk.front.idle_overlay
    states = []

    def when_the_alert_is_up():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "portalDialog":
            QTimer.singleShot(20, when_the_alert_is_up)
            return
        kiosk.idle.timeout_s, kiosk.idle.countdown_s = 0.05, 60
        kiosk.idle.poke()

        def when_the_question_is_up():
            top = QApplication.activeModalWidget()
            if not overlay.isVisible():
                QTimer.singleShot(20, when_the_question_is_up)
                return
            states.append((top.objectName(), overlay.window() is top, top.geometry() == kiosk.window.geometry()))
            qtbot.mouseClick(overlay.continue_button, Qt.MouseButton.LeftButton)

            def back_at_the_alert():
                top = QApplication.activeModalWidget()
                if top is None or top.objectName() != "portalDialog":
                    QTimer.singleShot(20, back_at_the_alert)
                    return
                states.append((top.objectName(), overlay.isVisible(), overlay.window() is kiosk.window))
                kiosk.idle.timeout_s, kiosk.idle.countdown_s = 120, 30
                top.accept()
            QTimer.singleShot(0, back_at_the_alert)
        QTimer.singleShot(0, when_the_question_is_up)

    QTimer.singleShot(0, when_the_alert_is_up)
    with qtbot.waitCallback(timeout=15000) as answered:
        portal.page.runJavaScript("alert('Hồ sơ chưa lưu'); 'ok'", 0, answered)
    assert answered.args == ["ok"]
    assert states == [("idleHost", True, True), ("portalDialog", False, True)]
    assert kiosk.sessions.current is not None and QApplication.activeModalWidget() is None
