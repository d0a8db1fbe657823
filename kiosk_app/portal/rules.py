"""Pure allow/deny decisions for the embedded portal: navigations, sub-resources, downloads, files."""

from __future__ import annotations

import fnmatch
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from urllib.parse import urlsplit, urlunsplit

# Hosts of the National Public Service Portal and its sign-on pages (DOMAIN.md). Seen in public
# third-party code, not official documentation: the config can replace them.
DEFAULT_PORTAL_ORIGINS = (
    "https://dichvucong.gov.vn",
    "https://*.dichvucong.gov.vn",
    "https://sso.dancuquocgia.gov.vn",
    "https://vneid.gov.vn",
    "https://*.vneid.gov.vn",
)
DEFAULT_HOME_URL = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"

# Schemes a page may never navigate to, typed or linked, whatever the allowlist says.
FORBIDDEN_SCHEMES = frozenset(
    {"file", "javascript", "data", "view-source", "chrome", "devtools", "qrc", "ftp", "filesystem"}
)
# Internal documents Chromium creates for frames; harmless and needed by many pages.
INTERNAL_FRAME_URLS = frozenset({"about:blank", "about:srcdoc"})

DEFAULT_DOWNLOAD_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".txt")
# Never accepted, even if a config lists them: things a computer would run.
EXECUTABLE_EXTENSIONS = frozenset(
    {
        ".exe", ".msi", ".bat", ".cmd", ".com", ".scr", ".ps1", ".vbs", ".js", ".jar", ".sh", ".py",
        ".apk", ".deb", ".rpm", ".appimage", ".dll", ".so", ".lnk", ".desktop", ".reg", ".hta",
        ".html", ".htm", ".svg", ".xhtml", ".mht", ".mhtml",
    }
)


@dataclass(frozen=True)
class OriginRule:
    """One allowlist entry: scheme, host pattern (``*.`` for subdomains) and optional port."""

    scheme: str
    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> "OriginRule":
        text = text.strip()
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        if not parts.hostname:
            raise ValueError(f"not an origin: {text!r}")
        return cls(parts.scheme.lower(), parts.hostname.lower(), parts.port)

    def matches(self, scheme: str, host: str, port: int | None) -> bool:
        if scheme != self.scheme:
            return False
        if self.port is not None and port != self.port:
            return False
        if self.host.startswith("*."):
            base = self.host[2:]
            return host == base or host.endswith("." + base)
        return host == self.host


@dataclass(frozen=True)
class PortalRules:
    """Everything the lockdown decides by. Built once per session from the config."""

    navigation: tuple[OriginRule, ...]
    # Hosts that may serve scripts, styles, images, XHR to an allowed page. Empty: same as
    # navigation. ("*" allows any https sub-resource.)
    subresources: tuple[OriginRule, ...] = ()
    any_subresource: bool = False
    permissions: frozenset[str] = frozenset()
    download_extensions: tuple[str, ...] = DEFAULT_DOWNLOAD_EXTENSIONS
    max_download_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_lists(
        cls,
        navigation: list[str] | tuple[str, ...] = DEFAULT_PORTAL_ORIGINS,
        subresources: list[str] | tuple[str, ...] = (),
        permissions: list[str] | tuple[str, ...] = (),
        download_extensions: list[str] | tuple[str, ...] = DEFAULT_DOWNLOAD_EXTENSIONS,
        max_download_bytes: int = 20 * 1024 * 1024,
    ) -> "PortalRules":
        any_sub = "*" in subresources
        return cls(
            navigation=tuple(OriginRule.parse(o) for o in navigation),
            subresources=tuple(OriginRule.parse(o) for o in subresources if o != "*"),
            any_subresource=any_sub,
            permissions=frozenset(p.lower() for p in permissions),
            download_extensions=tuple(e.lower() if e.startswith(".") else "." + e.lower() for e in download_extensions),
            max_download_bytes=max_download_bytes,
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def redact_url(url: str) -> str:
    """The URL without query string, fragment and credentials: safe to log."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable>"
    if parts.scheme in ("data", "javascript", "blob"):
        return parts.scheme + ":…"
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _origin_of(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def _matches_any(url: str, rules: tuple[OriginRule, ...]) -> bool:
    origin = _origin_of(url)
    return origin is not None and any(r.matches(*origin) for r in rules)


def navigation_decision(url: str, rules: PortalRules, main_frame: bool = True) -> Decision:
    """May the main frame (or a frame) go to ``url``?"""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if url in INTERNAL_FRAME_URLS:
        # Initial empty documents; a frame or a fresh page starts with one.
        return Decision(True, "internal")
    if scheme == "blob":
        # blob:https://host/uuid belongs to the page that made it.
        inner = url[len("blob:"):]
        if _matches_any(inner, rules.navigation):
            return Decision(True, "blob-of-allowed-origin")
        return Decision(False, "blob-foreign")
    if scheme in FORBIDDEN_SCHEMES or scheme not in ("http", "https"):
        return Decision(False, f"scheme-{scheme or 'none'}")
    if _matches_any(url, rules.navigation):
        return Decision(True, "allowlist")
    return Decision(False, "host-not-allowed" if main_frame else "frame-host-not-allowed")


def subresource_decision(url: str, rules: PortalRules) -> Decision:
    """May an allowed page load ``url`` as a script, style, image, XHR…?"""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("data", "blob"):
        # Inline images and page-made blobs never leave the page.
        return Decision(True, "inline")
    if scheme not in ("http", "https", "wss", "ws"):
        return Decision(False, f"scheme-{scheme or 'none'}")
    probe = url if scheme in ("http", "https") else ("https" if scheme == "wss" else "http") + url[len(scheme):]
    if _matches_any(probe, rules.navigation) or _matches_any(probe, rules.subresources):
        return Decision(True, "allowlist")
    if rules.any_subresource and probe.startswith("https:"):
        return Decision(True, "any-https")
    return Decision(False, "subresource-host-not-allowed")


# Every request type of QWebEngineUrlRequestInfo in QtWebEngine 6.12 (by enum name) and the
# rule that decides it. A service worker's navigation preload fetches the page being navigated
# to, so it is a navigation. A type not listed here (a newer QtWebEngine) is logged and held to
# the stricter navigation rule.
REQUEST_KINDS = {
    "ResourceTypeMainFrame": "main",
    "ResourceTypeNavigationPreloadMainFrame": "main",
    "ResourceTypeSubFrame": "frame",
    "ResourceTypeNavigationPreloadSubFrame": "frame",
    **{f"ResourceType{name}": "subresource" for name in (
        "Stylesheet", "Script", "Image", "FontResource", "SubResource", "Object", "Media", "Worker",
        "SharedWorker", "Prefetch", "Favicon", "Xhr", "Ping", "ServiceWorker", "CspReport",
        "PluginResource", "Json", "WebSocket")},
}


def request_kind(type_name: str) -> str:
    """main, frame, subresource, or unknown (a request type this table does not know)."""
    return REQUEST_KINDS.get(type_name, "unknown")


def request_decision(url: str, kind: str, rules: PortalRules) -> Decision:
    """May a request of this kind (request_kind) go out? The request interceptor's rule."""
    if kind in ("main", "frame"):
        return navigation_decision(url, rules, main_frame=kind == "main")
    if kind == "subresource":
        return subresource_decision(url, rules)
    decision = navigation_decision(url, rules, main_frame=False)
    return decision if not decision.allowed else Decision(True, "unknown-type-allowlist")


def permission_decision(permission: str, rules: PortalRules) -> Decision:
    """Camera, microphone, location, notifications…: denied unless the config lists them."""
    name = permission.lower()
    if name in rules.permissions:
        return Decision(True, "config")
    return Decision(False, "not-listed")


_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_download_name(suggested: str) -> str:
    """A file name without folders or odd characters; never empty, never hidden."""
    name = PurePath(suggested.replace("\\", "/")).name
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return name or "tep-tai-ve"


def download_decision(
    suggested_name: str, mime_type: str, total_bytes: int, rules: PortalRules, used_bytes: int = 0
) -> Decision:
    """May a download the portal offers be saved into the session folder?"""
    name = safe_download_name(suggested_name)
    ext = PurePath(name).suffix.lower()
    if not ext:
        ext = (mimetypes.guess_extension(mime_type or "") or "").lower()
    if ext in EXECUTABLE_EXTENSIONS:
        return Decision(False, "executable-type")
    if ext not in rules.download_extensions:
        return Decision(False, "unexpected-type")
    mime = (mime_type or "").lower()
    if mime.startswith(("application/x-msdownload", "application/x-executable", "application/x-sh", "text/html")):
        return Decision(False, "executable-type")
    if total_bytes > rules.max_download_bytes or used_bytes + max(total_bytes, 0) > rules.max_download_bytes * 5:
        return Decision(False, "too-large")
    return Decision(True, "allowed-type")


def download_name_in(folder_names: set[str], name: str) -> str:
    """``name``, or ``name (2).ext`` … so a download never overwrites a session file."""
    if name not in folder_names:
        return name
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    n = 2
    while f"{stem} ({n}){suffix}" in folder_names:
        n += 1
    return f"{stem} ({n}){suffix}"


def session_files(folder: Path | None) -> list[Path]:
    """Files directly in the session folder (the portal's downloads), hidden ones left out."""
    if folder is None or not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def files_matching_accept(names: list[str], accept: list[str]) -> list[str]:
    """The names a page's ``<input type=file accept=…>`` would take (all when accept is empty)."""
    patterns = [a.strip().lower() for item in accept for a in item.split(",") if a.strip()]
    if not patterns:
        return list(names)
    result = []
    for name in names:
        ext = PurePath(name).suffix.lower()
        mime = (mimetypes.guess_type(name)[0] or "").lower()
        for p in patterns:
            if p.startswith("."):
                ok = ext == p
            elif p.endswith("/*"):
                ok = mime.startswith(p[:-1])
            else:
                ok = mime == p or fnmatch.fnmatch(mime, p)
            if ok:
                result.append(name)
                break
    return result


@dataclass(frozen=True)
class SubmissionPattern:
    """How a success page looks: URL and/or page text regexes; an optional dossier-code regex."""

    url: str = ""
    text: str = ""
    code: str = ""


PRACTICE_SUBMISSION = SubmissionPattern(
    url=r"/ho-so/da-nop", text=r"Nộp hồ sơ thành công", code=r"Mã hồ sơ:\s*([A-Z0-9-]+)"
)


@dataclass(frozen=True)
class Submission:
    pattern_index: int
    dossier_code: str | None


def url_may_be_submission(url: str, patterns: tuple[SubmissionPattern, ...]) -> bool:
    """Cheap first check, so the page text is fetched only where it can matter."""
    return any(not p.url or re.search(p.url, url) for p in patterns if p.url or p.text)


def detect_submission(url: str, text: str, patterns: tuple[SubmissionPattern, ...]) -> Submission | None:
    for i, p in enumerate(patterns):
        if not p.url and not p.text:
            continue
        if p.url and not re.search(p.url, url):
            continue
        if p.text and not re.search(p.text, text):
            continue
        code = None
        if p.code:
            m = re.search(p.code, text)
            code = m.group(1) if m and m.groups() else (m.group(0) if m else None)
        return Submission(i, code)
    return None


@dataclass
class RateLimiter:
    """At most ``limit`` events in any ``window_s`` seconds (endless popups, redirect loops)."""

    limit: int
    window_s: float
    _times: list[float] = field(default_factory=list)

    def allow(self, now: float) -> bool:
        self._times = [t for t in self._times if now - t < self.window_s]
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True

    def reset(self) -> None:
        self._times.clear()


def retry_delay_s(attempt: int, first: int = 10, longest: int = 60) -> int:
    """Countdown before the next automatic retry of an unreachable portal."""
    return min(longest, first * (2 ** max(0, attempt)))
