"""The real kiosk, started as a subprocess in practice mode, opens the practice portal."""

import pytest

from kiosk_app.config import load_config
from kiosk_app.portal.options import origins_for_domains, portal_options, use_practice
from kiosk_app.portal.rules import navigation_decision
from tests.conftest import click


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


def test_every_practice_page_has_its_guide_step(practice):
    """The "Hướng dẫn" button finds a step of the bundled guides for each practice page."""
    import re
    from pathlib import Path

    import requests

    from kiosk_app.portal.options import as_real_portal_url
    from kiosk_app.videos.library import load_library, step_for_page

    library = load_library(Path(__file__).resolve().parents[2] / "videos" / "manifest.toml")
    http = requests.Session()
    base = practice.base_url
    fields = {"co_quan": "ubnd-xa", "ho_ten": "Nguyễn Văn A", "ngay_sinh": "1950-01-01", "dia_chi": "Thôn 1"}
    pages = {
        "home": http.get(base + "/", timeout=5),
        "search": http.get(base + "/tim-kiem", params={"q": "khai sinh"}, timeout=5),
        "procedure": http.get(base + "/thu-tuc/khai-sinh", timeout=5),
        "login": http.get(base + "/dang-nhap", timeout=5),
        "otp": http.post(base + "/dang-nhap", data={"so_dinh_danh": "001234567890", "mat_khau": "x"}, timeout=5),
    }
    http.post(base + "/dang-nhap/otp", data={"otp": "123456"}, timeout=5)
    pages["form"] = http.get(base + "/nop-ho-so/khai-sinh", timeout=5)
    pages["confirm"] = http.post(base + "/nop-ho-so/khai-sinh", data=fields, files={"tep": ("a.pdf", b"%PDF")}, timeout=5)
    pages["success"] = http.post(base + "/ho-so/nop", data={"pid": "khai-sinh"}, timeout=5)
    expected = {"home": "Mở Cổng Dịch vụ công", "search": "Tìm thủ tục", "procedure": 'Bấm "Nộp hồ sơ trực tuyến"',
                "login": "Cách 1: số định danh, mật khẩu, OTP", "otp": "Cách 1: số định danh, mật khẩu, OTP",
                "form": "Điền tờ khai", "confirm": "Điền tờ khai", "success": "Ghi lại mã hồ sơ"}
    for name, response in pages.items():
        title = re.search(r"<title>(.*)</title>", response.text).group(1)
        ref = step_for_page(library, as_real_portal_url(response.url), title)
        assert ref is not None, (name, response.url, title)
        step = library.guide(ref.guide_id).steps[ref.step_index]
        assert step.title == expected[name], (name, title)


def test_kiosk_session_portal_practice_switch_and_wipe(qtbot, kiosk_paths, site):
    """In the real kiosk: the portal opens for a resident, staff switch it to practice, the
    session's end destroys the profile."""
    import dataclasses

    from kiosk_app.app import Kiosk, Options
    from tests.portal.conftest import Response

    site.routes["/real"] = Response("<title>Cổng thật (thử)</title>real")
    cfg = load_config()
    # The guide player opened by "Hướng dẫn" plays without real video or audio output.
    cfg = dataclasses.replace(
        cfg, portal=dataclasses.replace(cfg.portal, start_url=site.url("/real"), practice="off"),
        videos=dataclasses.replace(cfg.videos, extra_vlc_args=["--quiet", "--vout=dummy", "--aout=dummy"]))
    kiosk = Kiosk(cfg, kiosk_paths, Options(windowed=True))
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    try:
        kiosk.start_resident_session()
        kiosk.nav.go("portal")
        portal = kiosk.nav.screen("portal")
        qtbot.waitUntil(lambda: portal.page is not None and portal.page.title() == "Cổng thật (thử)", timeout=15000)
        assert not portal.options.practice
        with qtbot.waitSignal(portal.page_loaded, timeout=15000, check_params_cb=lambda u: "/real" not in u):
            kiosk.switch_session_to_practice()
        assert portal.options.practice and kiosk.sessions.current.mode == "practice"
        # "Hướng dẫn": the guide step for this page, and back to the very same page.
        portal.help_button.click()
        assert kiosk.nav.current == "guide_player"
        went = []
        kiosk.nav.changed.connect(went.append)
        click(qtbot, kiosk.nav.screen("guide_player"), "videoBack")  # one tap, one navigation
        assert went == ["portal"]
        kiosk.nav.changed.disconnect(went.append)
        assert portal.page.url().toString().startswith(kiosk.practice_portal.base_url)
        with qtbot.waitSignal(kiosk.nav.changed, timeout=5000):
            portal.menu_button.click()
        assert kiosk.nav.current == "menu"
        kiosk.nav.go("portal")  # back to the same page, nothing lost
        assert portal.page is not None and portal.page.url().toString().startswith(kiosk.practice_portal.base_url)
        kiosk.sessions.end("finished")
        assert portal.profile is None and portal.page is None
        # The next resident is on the real portal again; an officer's practice session is not.
        kiosk.start_resident_session()
        kiosk.nav.go("portal")
        qtbot.waitUntil(lambda: portal.page is not None and portal.page.title() == "Cổng thật (thử)", timeout=15000)
        assert not portal.options.practice and portal.practice_badge.isHidden()
        kiosk.sessions.end("finished")
        kiosk.sessions.start("staff", mode="practice")
        kiosk.nav.go("portal")
        assert portal.options.practice
        qtbot.waitUntil(lambda: portal.page.url().toString().startswith(kiosk.practice_portal.base_url), timeout=15000)
    finally:
        kiosk.shutdown()


def test_kiosk_picker_offers_scanned_documents_and_downloads(tmp_path):
    from kiosk_app.app import portal_offered_files
    from kiosk_app.scanner.documents import documents_dir

    documents_dir(tmp_path).mkdir()
    (documents_dir(tmp_path) / "giay_khai_sinh.pdf").write_bytes(b"%PDF")
    (tmp_path / "scan-pages").mkdir()
    (tmp_path / "scan-pages" / "p1.pnm").write_bytes(b"P6")
    (tmp_path / "bien-nhan.pdf").write_bytes(b"%PDF")
    assert [p.name for p in portal_offered_files(tmp_path)] == ["giay_khai_sinh.pdf", "bien-nhan.pdf"]
    assert portal_offered_files(None) == []


@pytest.mark.e2e
def test_practice_portal_on_screen(start_kiosk, xvfb_display, tmp_path):
    """Under a real X server: the kiosk shows the practice portal with its yellow practice banner."""
    import subprocess

    from PIL import Image

    from tests.conftest import wait_until

    kiosk = start_kiosk("--temp-data-dir", "--practice", "--start-screen", "portal", display=xvfb_display)
    kiosk.wait_event("portal.page", timeout=60)
    shot = tmp_path / "screen.png"

    def banner_rows() -> int:
        subprocess.run(["import", "-display", xvfb_display, "-window", "root", str(shot)], check=True)
        image = Image.open(shot).convert("RGB")
        width, height = image.size
        rows = 0
        for y in range(0, height, 4):
            yellow = sum(1 for x in range(0, width, 8) if _is_practice_yellow(image.getpixel((x, y))))
            rows += yellow > (width // 8) * 0.8
        return rows

    # The kiosk bar's badge is yellow too, but only the page's banner spans the whole width.
    assert wait_until(banner_rows, timeout=30, interval=0.5, what="the practice banner on screen")
    assert kiosk.stop() == 0


def _is_practice_yellow(rgb) -> bool:
    r, g, b = rgb
    return r > 230 and 190 < g < 230 and b < 60
