"""Each escape route a page offers, tried from a real page in QtWebEngine, and refused."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk_app.portal.rules import PortalRules
from tests.portal.conftest import Response
from tests.portal.web import js, load, start

START = """<!doctype html><html><head><title>Bắt đầu</title></head><body>
<a id="foreign" href="{foreign}/secret?so=001234567890">ra ngoài</a>
<a id="blank" target="_blank" href="/inside">trong kiosk</a>
<a id="file" href="file:///etc/passwd">tệp</a>
<a id="redirect" href="/redirect-out">chuyển hướng</a>
<p id="marker">start</p>
</body></html>"""


@pytest.fixture
def routes(site):
    foreign = site.url("", host="localhost")
    site.routes.update({
        "/start": Response(START.format(foreign=foreign)),
        "/inside": Response("<title>Trong</title><p>inside</p>"),
        "/redirect-out": Response("", 302, {"Location": foreign + "/secret?x=1"}),
        "/frame": Response(f'<title>Khung</title><iframe id="f" src="{foreign}/secret"></iframe>'
                           f'<img id="img" src="{foreign}/pixel.gif">'),
        "/secret": Response("<title>Bí mật</title>secret"),
        "/pixel.gif": Response(b"GIF89a", ctype="image/gif"),
    })
    return site


def committed_urls(screen):
    urls = []
    screen.page.urlChanged.connect(lambda u: urls.append(u.toString()))
    return urls


def wait_blocked(qtbot, screen, action, frame="main"):
    """Run ``action`` and wait until the page refuses a navigation; returns the event."""
    with qtbot.waitSignal(screen.page.navigation if frame != "intercepted" else screen.profile.blocked,
                          timeout=10000,
                          check_params_cb=lambda *a: a[0] in ("blocked", "main", "frame", "subresource")
                          if frame == "intercepted" else a[0] == "blocked") as blocker:
        action()
    return blocker.args


def test_links_redirects_and_typed_urls_out_of_the_portal_are_refused(qtbot, make_screen, new_session, routes):
    screen = make_screen(home_url=routes.url("/start"))
    session = new_session()
    start(qtbot, screen, session)
    urls = committed_urls(screen)

    # A link to another host.
    args = wait_blocked(qtbot, screen, lambda: js(qtbot, screen, "document.getElementById('foreign').click()"))
    assert "localhost" in args[1]
    assert screen.stack.currentWidget() is screen.panel and screen.panel.kind == "blocked"
    logged = session.named("portal.navigation")[-1]
    assert logged["decision"] == "blocked" and "so=" not in logged["url"] and logged["url"].endswith("/secret")
    screen.panel.primary.click()  # "Quay lại trang trước"
    assert screen.stack.currentWidget() is screen.view_holder

    # Typed (by the kiosk or an attacker's script) URLs of forbidden schemes.
    for url in ("file:///etc/passwd", "data:text/html,<h1>x</h1>", "view-source:" + routes.url("/start"),
                "chrome://settings", "javascript:document.title='hacked'"):
        args = wait_blocked(qtbot, screen, lambda: screen.load(url))
        assert args[2].startswith("scheme-"), url
        screen.panel.primary.click()

    # A redirect from an allowed page to another host: stopped by the request interceptor.
    with qtbot.waitSignal(screen.message_shown, timeout=10000, check_params_cb=lambda kind: kind == "blocked"):
        js(qtbot, screen, "document.getElementById('redirect').click()")
    assert not routes.requested("/secret")
    screen.panel.primary.click()

    # Linked file: and top-level data: navigations from the page itself.
    js(qtbot, screen, "document.getElementById('file').click(); location.href = 'data:text/html,<b>x</b>';")
    load(qtbot, screen, routes.url("/inside"))
    assert js(qtbot, screen, "document.title") == "Trong"
    assert all(u.startswith(routes.origin) for u in urls), urls
    assert not routes.requested("/secret")


def test_frames_and_subresources_from_other_hosts_are_refused(qtbot, make_screen, new_session, routes):
    screen = make_screen(home_url=routes.url("/frame"))
    session = new_session()
    screen.start_session(session)
    with qtbot.waitSignal(screen.page_loaded, timeout=15000):
        pass
    qtbot.waitUntil(lambda: {f["frame"] for f in session.named("portal.navigation")} >= {"frame", "subresource"}
                    or {f["frame"] for f in session.named("portal.navigation")} >= {"subresource"}
                    and len(session.named("portal.navigation")) >= 2, timeout=10000)
    assert not routes.requested("/secret") and not routes.requested("/pixel.gif")
    assert screen.stack.currentWidget() is screen.view_holder  # the page itself stays
    assert js(qtbot, screen, "document.getElementById('img').naturalWidth") == 0


def test_popups_open_inside_and_floods_are_cut(qtbot, make_screen, new_session, routes):
    screen = make_screen(home_url=routes.url("/start"))
    session = new_session()
    start(qtbot, screen, session)

    with qtbot.waitSignal(screen.page_loaded, timeout=10000, check_params_cb=lambda u: u.endswith("/inside")):
        js(qtbot, screen, "document.getElementById('blank').click()")
    load(qtbot, screen, routes.url("/start"))
    with qtbot.waitSignal(screen.page_loaded, timeout=10000, check_params_cb=lambda u: u.endswith("/inside")):
        js(qtbot, screen, "window.open('/inside', 'x', 'width=200')")
    load(qtbot, screen, routes.url("/start"))

    # window.open to another host is refused like a link.
    wait_blocked(qtbot, screen, lambda: js(qtbot, screen, f"window.open('{routes.url('/secret', 'localhost')}')"))
    screen.panel.primary.click()

    # An endless stream of popups: a few are followed, the rest refused, nothing else opens.
    screen.page.popups.reset()
    with qtbot.waitSignal(screen.page_loaded, timeout=10000, check_params_cb=lambda u: "/inside?" in u):
        with qtbot.waitSignal(screen.page.refused, timeout=10000, check_params_cb=lambda what, d: what == "popup-flood"):
            js(qtbot, screen, "for (let i = 0; i < 200; i++) window.open('/inside?' + i);")
    # Neither the page nor the kiosk is frozen.
    assert js(qtbot, screen, "1 + 1") == 2
    web_windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not screen]
    assert web_windows == []
    assert len(routes.requested("/inside")) < 20
    assert any(f["what"] == "popup-flood" for f in session.named("portal.refused"))


def test_permissions_clipboard_dialogs_and_context_menu(qtbot, make_screen, new_session, routes):
    screen = make_screen(home_url=routes.url("/start"))
    session = new_session()
    start(qtbot, screen, session)
    assert screen.view.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu

    with qtbot.waitSignal(screen.page.refused, timeout=10000, check_params_cb=lambda what, d: d == "notifications"):
        js(qtbot, screen, "Notification.requestPermission().then(p => document.title = 'notif:' + p)")
    qtbot.waitUntil(lambda: screen.page.title() == "notif:denied", timeout=10000)
    assert {"what": "permission", "detail": "notifications"} in session.named("portal.refused")

    js(qtbot, screen, "navigator.clipboard.readText().then(() => document.title = 'clip:yes',"
                      " e => document.title = 'clip:no')")
    qtbot.waitUntil(lambda: screen.page.title().startswith("clip:"), timeout=10000)
    assert screen.page.title() == "clip:no"
    js(qtbot, screen, "document.title = 'x'")

    # alert/confirm/prompt reach the kiosk's dialogs, and their answers reach the page.
    screen.dialogs.confirm_answer = False
    result = js(qtbot, screen, "alert('Xin chào'); JSON.stringify([confirm('Chắc chưa?'), prompt('Tên?', 'a')])")
    assert result == '[false,"trả lời"]'
    assert screen.dialogs.seen == [("alert", "Xin chào"), ("confirm", "Chắc chưa?"), ("prompt", "Tên?")]


class FakePermission:
    def __init__(self, kind):
        self.kind, self.answer = kind, None

    def permissionType(self):  # noqa: N802 - Qt's name
        return self.kind

    def grant(self):
        self.answer = "granted"

    def deny(self):
        self.answer = "denied"


def test_camera_location_screen_capture_denied_unless_configured(qtbot, make_screen, new_session, site):
    from PySide6.QtWebEngineCore import QWebEnginePermission

    kinds = QWebEnginePermission.PermissionType
    screen = make_screen(home_url=site.url("/nothing"),
                         rules=PortalRules.from_lists([site.origin], permissions=["camera"]))
    screen.start_session(new_session())
    answers = {}
    for kind in (kinds.MediaVideoCapture, kinds.MediaAudioCapture, kinds.Geolocation, kinds.DesktopVideoCapture,
                 kinds.ClipboardReadWrite, kinds.Notifications, kinds.MouseLock):
        permission = FakePermission(kind)
        screen.page._permission(permission)
        answers[kind.name] = permission.answer
    assert answers.pop("MediaVideoCapture") == "granted"
    assert set(answers.values()) == {"denied"}


@pytest.fixture(scope="module")
def https_site(tmp_path_factory):
    """A loopback HTTPS server with a self-signed certificate the browser cannot trust."""
    import ssl
    import subprocess

    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    from tests.portal.conftest import TestSite

    secure = TestSite()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    secure.server.socket = context.wrap_socket(secure.server.socket, server_side=True)
    secure.routes["/"] = Response("<title>Giả mạo</title>fake portal")
    yield secure
    secure.stop()


def test_certificate_errors_are_refused_never_proceeded(qtbot, make_screen, new_session, https_site):
    origin = f"https://127.0.0.1:{https_site.port}"
    screen = make_screen(home_url=origin + "/", rules=PortalRules.from_lists([origin]))
    session = new_session()
    with qtbot.waitSignal(screen.message_shown, timeout=15000, check_params_cb=lambda kind: kind == "certificate"):
        screen.start_session(session)
    refused = [e for e in session.named("portal.refused") if e["what"] == "certificate"]
    assert refused and refused[0]["detail"].startswith(origin)
    assert screen.page.title() != "Giả mạo"
    assert not https_site.requested("/")  # the page was never fetched
