"""One off-the-record web profile per resident session, locked down, destroyed at the end."""

from __future__ import annotations

import logging
from typing import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from kiosk_app.logs import log_event
from kiosk_app.portal.rules import PortalRules, redact_url, request_decision, request_kind

log = logging.getLogger("kiosk.portal")

# Off by default or turned off: each one is an escape route or a leak between residents.
LOCKED_ATTRIBUTES = {
    QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls: False,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls: False,
    QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard: False,
    QWebEngineSettings.WebAttribute.JavascriptCanPaste: False,
    QWebEngineSettings.WebAttribute.AllowRunningInsecureContent: False,
    QWebEngineSettings.WebAttribute.AllowGeolocationOnInsecureOrigins: False,
    QWebEngineSettings.WebAttribute.AllowWindowActivationFromJavaScript: False,
    QWebEngineSettings.WebAttribute.FullScreenSupportEnabled: False,
    QWebEngineSettings.WebAttribute.ScreenCaptureEnabled: False,
    QWebEngineSettings.WebAttribute.PluginsEnabled: False,
    # PDFs become downloads into the session folder and are shown by the kiosk's own viewer.
    QWebEngineSettings.WebAttribute.PdfViewerEnabled: False,
    QWebEngineSettings.WebAttribute.NavigateOnDropEnabled: False,
    QWebEngineSettings.WebAttribute.HyperlinkAuditingEnabled: False,
    QWebEngineSettings.WebAttribute.DnsPrefetchEnabled: False,
    # Our own Vietnamese panels replace Chromium's English error pages.
    QWebEngineSettings.WebAttribute.ErrorPageEnabled: False,
    QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows: True,  # caught and kept in the kiosk
    QWebEngineSettings.WebAttribute.TouchEventsApiEnabled: True,
    QWebEngineSettings.WebAttribute.ShowScrollBars: True,
}


class LockdownInterceptor(QWebEngineUrlRequestInterceptor):
    """Every request of the profile passes here: frames by the navigation rule, the rest by the
    sub-resource rule. Catches redirects and requests that never reach acceptNavigationRequest."""

    def __init__(self, rules: PortalRules, on_block: Callable[[str, str, str], None], parent: QObject | None = None):
        super().__init__(parent)
        self.rules = rules
        self._on_block = on_block
        self._unknown_types: set[str] = set()

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt override
        # Fails closed: whatever goes wrong in here, the request does not go out.
        url, kind = "", "unknown"
        try:
            url = info.requestUrl().toString()
            kind = request_kind(self._type_name(info))
            decision = request_decision(url, kind, self.rules)
        except Exception as exc:  # noqa: BLE001 - any failure of a rule must block, never pass
            info.block(True)
            log_event(log, "portal.interceptor_error", level=logging.ERROR, error=type(exc).__name__,
                      url=redact_url(url), kind=kind)
            self._report(kind, url, "rule-error")
            return
        if not decision.allowed:
            info.block(True)
            self._report(kind, url, decision.reason)

    def _type_name(self, info: QWebEngineUrlRequestInfo) -> str:
        resource_type = info.resourceType()
        name = getattr(resource_type, "name", None) or f"ResourceType#{int(resource_type)}"
        if request_kind(name) == "unknown" and name not in self._unknown_types:
            self._unknown_types.add(name)  # once per type and session: a newer QtWebEngine
            log_event(log, "portal.request_type_unknown", level=logging.WARNING, type=name)
        return name

    def _report(self, kind: str, url: str, reason: str) -> None:
        try:
            self._on_block(kind if kind in ("main", "frame") else "subresource", url, reason)
        except Exception:  # noqa: BLE001 - the request is blocked already; the log says why
            log.exception("reporting a blocked request failed")


class SessionProfile(QObject):
    """The browser state of one resident. Nothing is written to disk; ``destroy`` frees it all."""

    blocked = Signal(str, str, str)  # kind, url, reason

    def __init__(self, rules: PortalRules, zoom: float = 1.0, accept_language: str = "vi-VN,vi;q=0.9",
                 parent: QObject | None = None):
        super().__init__(parent)
        self.rules = rules
        self.zoom = zoom
        # No storage name: off the record. Cookies, storage, cache, visited links stay in memory.
        self.profile = QWebEngineProfile(None)
        assert self.profile.isOffTheRecord()
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        try:
            # Qt 6.8 added permission persistence; keep decisions only for this page's lifetime.
            self.profile.setPersistentPermissionsPolicy(QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
        except AttributeError:
            pass
        self.profile.setSpellCheckEnabled(False)
        self.profile.setHttpAcceptLanguage(accept_language)
        settings = self.profile.settings()
        for attribute, on in LOCKED_ATTRIBUTES.items():
            settings.setAttribute(attribute, on)
        self.interceptor = LockdownInterceptor(rules, self._blocked, self)
        self.profile.setUrlRequestInterceptor(self.interceptor)

    def _blocked(self, kind: str, url: str, reason: str) -> None:
        log.info("portal.navigation blocked kind=%s url=%s reason=%s", kind, redact_url(url), reason)
        self.blocked.emit(kind, url, reason)

    def destroy(self) -> None:
        """Delete the profile (pages must be gone first). Its memory stores go with it."""
        if self.profile is None:
            return
        profile, self.profile = self.profile, None
        profile.setUrlRequestInterceptor(None)
        profile.clearHttpCache()
        profile.clearAllVisitedLinks()
        profile.cookieStore().deleteAllCookies()
        if shiboken6.isValid(profile):
            shiboken6.delete(profile)
