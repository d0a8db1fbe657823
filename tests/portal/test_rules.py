"""The portal's allow/deny decisions as pure functions."""

import pytest

from kiosk_app.portal.rules import (
    PRACTICE_SUBMISSION,
    OriginRule,
    PortalRules,
    RateLimiter,
    SubmissionPattern,
    detect_submission,
    download_decision,
    download_name_in,
    files_matching_accept,
    navigation_decision,
    permission_decision,
    redact_url,
    retry_delay_s,
    safe_download_name,
    subresource_decision,
    url_may_be_submission,
)

RULES = PortalRules.from_lists()


@pytest.mark.parametrize(
    "url",
    [
        "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        "https://xacthuc.dichvucong.gov.vn/oauth2/authorize?x=1",
        "https://sso.dancuquocgia.gov.vn/login",
        "https://vneid.gov.vn/",
        "https://DICHVUCONG.GOV.VN/",
        "about:blank",
        "blob:https://dichvucong.gov.vn/1234-5678",
    ],
)
def test_portal_and_sign_on_pages_are_allowed(url):
    assert navigation_decision(url, RULES).allowed


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://dichvucong.gov.vn/", "host-not-allowed"),  # plain http is not the portal
        ("https://dichvucong.gov.vn.evil.com/", "host-not-allowed"),
        ("https://evildichvucong.gov.vn/", "host-not-allowed"),
        ("https://www.google.com/search?q=x", "host-not-allowed"),
        ("https://dichvucong.gov.vn@evil.com/", "host-not-allowed"),
        ("file:///etc/passwd", "scheme-file"),
        ("javascript:alert(1)", "scheme-javascript"),
        ("data:text/html,<h1>x</h1>", "scheme-data"),
        ("view-source:https://dichvucong.gov.vn/", "scheme-view-source"),
        ("chrome://settings", "scheme-chrome"),
        ("devtools://devtools/bundled/inspector.html", "scheme-devtools"),
        ("ftp://dichvucong.gov.vn/", "scheme-ftp"),
        ("blob:https://evil.com/1234", "blob-foreign"),
        ("mailto:a@b.c", "scheme-mailto"),
        ("", "scheme-none"),
    ],
)
def test_everything_else_is_refused(url, reason):
    decision = navigation_decision(url, RULES)
    assert not decision.allowed
    assert decision.reason == reason


def test_ports_and_wildcards():
    rules = PortalRules.from_lists(["http://127.0.0.1:8080", "https://*.example.vn"])
    assert navigation_decision("http://127.0.0.1:8080/a", rules).allowed
    assert not navigation_decision("http://127.0.0.1:8081/a", rules).allowed
    assert not navigation_decision("https://127.0.0.1:8080/a", rules).allowed
    assert navigation_decision("https://a.b.example.vn/", rules).allowed
    assert navigation_decision("https://example.vn/", rules).allowed
    assert not navigation_decision("https://badexample.vn/", rules).allowed
    assert not navigation_decision("http://127.0.0.1:8080/x", rules, main_frame=False).reason.startswith("host")
    assert OriginRule.parse("dichvucong.gov.vn") == OriginRule("https", "dichvucong.gov.vn", None)
    with pytest.raises(ValueError):
        OriginRule.parse("https://")


def test_subresources_have_their_own_rule():
    rules = PortalRules.from_lists(["https://dichvucong.gov.vn"], subresources=["https://cdn.example.com"])
    assert subresource_decision("https://dichvucong.gov.vn/app.js", rules).allowed
    assert subresource_decision("https://cdn.example.com/lib.js", rules).allowed
    assert not subresource_decision("https://tracker.example.org/x.gif", rules).allowed
    assert not navigation_decision("https://cdn.example.com/", rules).allowed  # a CDN is no place to go
    assert subresource_decision("data:image/png;base64,AAAA", rules).allowed
    assert subresource_decision("wss://dichvucong.gov.vn/socket", rules).allowed
    assert not subresource_decision("file:///etc/passwd", rules).allowed
    anything = PortalRules.from_lists(["https://dichvucong.gov.vn"], subresources=["*"])
    assert subresource_decision("https://tracker.example.org/x.gif", anything).allowed
    assert not subresource_decision("http://tracker.example.org/x.gif", anything).allowed


def test_permissions_denied_unless_listed():
    assert not permission_decision("camera", RULES).allowed
    assert not permission_decision("geolocation", RULES).allowed
    assert permission_decision("Camera", PortalRules.from_lists(permissions=["camera"])).allowed


def test_logged_urls_lose_query_fragment_and_credentials():
    assert redact_url("https://u:p@dichvucong.gov.vn:8443/a/b?so=012345678901#x") == "https://dichvucong.gov.vn:8443/a/b"
    assert redact_url("data:text/html,secret") == "data:…"
    assert redact_url("javascript:steal()") == "javascript:…"


@pytest.mark.parametrize(
    "name, mime, size, allowed, reason",
    [
        ("bien-nhan.pdf", "application/pdf", 1000, True, "allowed-type"),
        ("BIEN NHAN.PDF", "application/pdf", 1000, True, "allowed-type"),
        ("to-khai", "application/pdf", 1000, True, "allowed-type"),
        ("setup.exe", "application/octet-stream", 1000, False, "executable-type"),
        ("invoice.pdf.exe", "application/pdf", 1000, False, "executable-type"),
        ("run.sh", "text/plain", 10, False, "executable-type"),
        ("page.html", "text/html", 10, False, "executable-type"),
        ("archive.zip", "application/zip", 10, False, "unexpected-type"),
        ("big.pdf", "application/pdf", 10**9, False, "too-large"),
    ],
)
def test_download_decision(name, mime, size, allowed, reason):
    decision = download_decision(name, mime, size, RULES)
    assert (decision.allowed, decision.reason) == (allowed, reason)


def test_download_names_stay_in_the_folder_and_never_overwrite():
    assert safe_download_name("../../etc/passwd") == "passwd"
    assert safe_download_name("..\\..\\x.pdf") == "x.pdf"
    assert safe_download_name("...") == "tep-tai-ve"
    assert safe_download_name("Biên nhận hồ sơ.pdf") == "Biên nhận hồ sơ.pdf"
    assert download_name_in({"a.pdf", "a (2).pdf"}, "a.pdf") == "a (3).pdf"
    assert download_name_in(set(), "a.pdf") == "a.pdf"


def test_session_total_download_budget():
    rules = PortalRules.from_lists(max_download_bytes=100)
    assert download_decision("a.pdf", "application/pdf", 50, rules, used_bytes=400).allowed
    assert not download_decision("a.pdf", "application/pdf", 50, rules, used_bytes=480).allowed


def test_files_matching_accept():
    names = ["giay-khai-sinh.pdf", "anh.JPG", "ghi-chu.txt", "scan.png"]
    assert files_matching_accept(names, []) == names
    assert files_matching_accept(names, [".pdf"]) == ["giay-khai-sinh.pdf"]
    assert files_matching_accept(names, ["image/*"]) == ["anh.JPG", "scan.png"]
    assert files_matching_accept(names, [".pdf,image/*"]) == ["giay-khai-sinh.pdf", "anh.JPG", "scan.png"]
    assert files_matching_accept(names, ["application/pdf"]) == ["giay-khai-sinh.pdf"]


def test_submission_detection():
    patterns = (PRACTICE_SUBMISSION,)
    url = "http://127.0.0.1:5000/ho-so/da-nop?tt=khai-sinh&ma=LT-1A2B3C4D"
    page = "Nộp hồ sơ thành công\nMã hồ sơ: LT-1A2B3C4D\n"
    found = detect_submission(url, page, patterns)
    assert found is not None and found.dossier_code == "LT-1A2B3C4D"
    assert url_may_be_submission(url, patterns)
    assert not url_may_be_submission("http://127.0.0.1:5000/", patterns)
    assert detect_submission(url, "Có lỗi xảy ra", patterns) is None
    assert detect_submission("http://x/khac", page, patterns) is None
    text_only = (SubmissionPattern(text="Đã tiếp nhận hồ sơ"),)
    assert url_may_be_submission("https://dichvucong.gov.vn/any", text_only)
    assert detect_submission("https://dichvucong.gov.vn/any", "Đã tiếp nhận hồ sơ", text_only).dossier_code is None
    assert detect_submission("u", "t", (SubmissionPattern(),)) is None


def test_rate_limiter_and_retry_delay():
    limiter = RateLimiter(limit=3, window_s=10)
    assert [limiter.allow(t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.allow(10.5)
    assert [retry_delay_s(a) for a in range(5)] == [10, 20, 40, 60, 60]


def test_webengine_flags():
    from kiosk_app.portal.engine import prepare_webengine_process

    env = {"QTWEBENGINE_CHROMIUM_FLAGS": "--foo", "QTWEBENGINE_REMOTE_DEBUGGING": "9222"}
    prepare_webengine_process(env)
    prepare_webengine_process(env)  # twice: no duplicates
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"].split().count("--disable-pinch") == 1
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"].startswith("--foo ")
    assert "QTWEBENGINE_REMOTE_DEBUGGING" not in env
