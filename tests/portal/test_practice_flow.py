"""The whole practice flow in the kiosk's web view: search → login → form → attach → submit →
recognised as submitted."""

import json

from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.portal.conftest import Response
from tests.portal.web import js, start


def click_element(qtbot, screen, selector: str) -> None:
    """A real mouse click on an element (file pickers need a user gesture)."""
    js(qtbot, screen, f"document.querySelector('{selector}').scrollIntoView({{block: 'center'}})")
    rect = json.loads(js(qtbot, screen, f"JSON.stringify(document.querySelector('{selector}').getBoundingClientRect())"))
    zoom = screen.page.zoomFactor()
    point = QPoint(int((rect["x"] + min(rect["width"] / 2, 40)) * zoom), int((rect["y"] + rect["height"] / 2) * zoom))
    # At the window, as a real click comes (Python never holds QtWebEngine's internal widget).
    point = screen.view.mapTo(screen.window(), point)
    QTest.mouseClick(screen.window().windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def next_page(qtbot, screen, code: str, path_part: str, timeout: int = 10000) -> None:
    with qtbot.waitSignal(screen.page_loaded, timeout=timeout, check_params_cb=lambda u: path_part in u):
        js(qtbot, screen, code)


def test_practice_flow_end_to_end(qtbot, make_screen, new_session, practice):
    screen = make_screen(home_url=practice.home_url, practice=True)
    session = new_session()
    Image.new("RGB", (200, 280), "white").save(session.work_dir / "giay-chung-sinh.pdf")
    (session.work_dir / "ghi-chu.txt").write_text("không phải giấy tờ")
    (session.work_dir / "anh-the.jpg").write_bytes(b"")
    Image.new("RGB", (60, 80), "gray").save(session.work_dir / "anh-the.jpg")
    screen.show()
    qtbot.waitExposed(screen)
    start(qtbot, screen, session)
    assert screen.practice_badge.isVisible()
    assert "CHẾ ĐỘ LUYỆN TẬP" in js(qtbot, screen, "document.body.innerText")

    next_page(qtbot, screen, "document.getElementById('q').value = 'khai sinh'; document.querySelector('form.search').submit()",
              "/tim-kiem")
    next_page(qtbot, screen, "document.querySelector('#results a').click()", "/thu-tuc/khai-sinh")
    next_page(qtbot, screen, "document.getElementById('file-online').click()", "/dang-nhap")
    next_page(qtbot, screen, "document.getElementById('so_dinh_danh').value = '001234567890';"
                             "document.getElementById('mat_khau').value = 'luyen-tap';"
                             "document.getElementById('login-button').click()", "/dang-nhap")
    assert js(qtbot, screen, "!!document.getElementById('otp')")
    next_page(qtbot, screen, "document.getElementById('otp').value = '123456'; document.getElementById('otp-button').click()",
              "/nop-ho-so/khai-sinh")

    # "Hướng dẫn" asks for the guide step of this page (as the real portal's address) and
    # leaves the page as it is.
    with qtbot.waitSignal(screen.help_requested, timeout=5000) as helped:
        screen.help_button.click()
    assert helped.args[0] == "https://dichvucong.gov.vn/nop-ho-so/khai-sinh"
    assert helped.args[1].startswith("Tờ khai")

    js(qtbot, screen, "document.getElementById('co_quan').value = 'ubnd-xa';"
                      "document.getElementById('ho_ten').value = 'Nguyễn Thị Bình';"
                      "document.getElementById('ngay_sinh').value = '1952-03-04';"
                      "document.getElementById('dia_chi').value = 'Thôn Đông, xã Bình Phú'")
    screen.chooser.pick = ["giay-chung-sinh.pdf"]
    # The first input events can reach the page before its first frame is shown; click again
    # until the page asks for files.
    for _ in range(5):
        click_element(qtbot, screen, "#tep")
        try:
            qtbot.waitUntil(lambda: bool(screen.chooser.offers), timeout=2000)
            break
        except qtbot.TimeoutError:
            continue
    qtbot.waitUntil(lambda: js(qtbot, screen, "document.getElementById('tep').files.length") == 1, timeout=10000)
    offered, multiple = screen.chooser.offers[-1]
    assert multiple
    assert sorted(p.name for p in offered) == ["anh-the.jpg", "giay-chung-sinh.pdf"]  # accept=".pdf,image/*"
    assert all(p.parent == session.work_dir for p in offered)

    next_page(qtbot, screen, "document.getElementById('check-button').click()", "/nop-ho-so/khai-sinh")
    assert "giay-chung-sinh.pdf" in js(qtbot, screen, "document.body.innerText")
    with qtbot.waitSignal(screen.submitted, timeout=10000) as submitted:
        js(qtbot, screen, "document.getElementById('submit-button').click()")
    assert submitted.args[0].dossier_code.startswith("LT-")
    events = session.named("portal.submitted")
    assert len(events) == 1
    assert "dossier_code" not in events[0] and "ma=" not in events[0]["url"]
    assert session.fields == {"mode": "practice", "outcome": "practice"}  # never counted as filed
    # The receipt link downloads a PDF into the session's folder, where the picker offers it.
    with qtbot.waitSignal(screen.download_finished, timeout=10000) as saved:
        click_element(qtbot, screen, "#receipt")
    assert saved.args[0] == str(session.work_dir / "bien-nhan.pdf")
    assert session.work_dir / "bien-nhan.pdf" in screen.page.session_files_for([".pdf"])


def test_dossier_code_kept_only_when_the_config_allows(qtbot, make_screen, new_session, practice):
    screen = make_screen(home_url=practice.home_url, keep_dossier_code=True)
    session = new_session()
    start(qtbot, screen, session)
    url = practice.base_url + "/ho-so/da-nop?tt=khai-sinh&ma=LT-0000ABCD"
    with qtbot.waitSignal(screen.submitted, timeout=10000):
        screen.load(url)
    assert session.named("portal.submitted")[0]["dossier_code"] == "LT-0000ABCD"
    assert session.fields == {"submitted": 1}
    # The same success page shown again (reload) is not a second submission.
    with qtbot.waitSignal(screen.page_loaded, timeout=10000):
        screen.reload()
    js(qtbot, screen, "1")
    assert len(session.named("portal.submitted")) == 1


def test_staff_switch_a_session_to_practice(qtbot, make_screen, new_session, practice, site):
    from kiosk_app.portal.options import PortalOptions
    from kiosk_app.portal.rules import PortalRules, navigation_decision

    site.routes["/real"] = Response("<title>Thật</title>")
    screen = make_screen(home_url=site.url("/real"), rules=PortalRules.from_lists([site.origin]))
    session = new_session()
    start(qtbot, screen, session)
    old_profile = screen.profile
    assert screen.practice_badge.isHidden()
    practice_options = PortalOptions(practice.home_url, PortalRules.from_lists([practice.origin]), practice=True)
    with qtbot.waitSignal(screen.page_loaded, timeout=10000, check_params_cb=lambda u: u.startswith(practice.base_url)):
        screen.switch_options(practice_options)
    assert screen.profile is not old_profile
    assert not screen.practice_badge.isHidden()
    assert session.fields["mode"] == "practice"
    assert session.named("portal.switched") == [{"practice": True}]
    assert not navigation_decision(site.url("/real"), screen.profile.rules).allowed
