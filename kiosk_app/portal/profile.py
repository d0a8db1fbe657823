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

from kiosk_app.portal.engine import ACCEPT_LANGUAGE
from kiosk_app.portal.rules import PortalRules, navigation_decision, redact_url, subresource_decision

log = logging.getLogger("kiosk.portal")

_FRAME_TYPES = {
    QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame: "main",
    QWebEngineUrlRequestInfo.ResourceType.ResourceTypeSubFrame: "frame",
}
# Qt 6.8 added navigation-preload requests of service workers; treat them as sub-resources.

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

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt override
        url = info.requestUrl().toString()
        kind = _FRAME_TYPES.get(info.resourceType())
        if kind:
            decision = navigation_decision(url, self.rules, main_frame=kind == "main")
        else:
            decision = subresource_decision(url, self.rules)
        if not decision.allowed:
            info.block(True)
            self._on_block(kind or "subresource", url, decision.reason)


class SessionProfile(QObject):
    """The browser state of one resident. Nothing is written to disk; ``destroy`` frees it all."""

    blocked = Signal(str, str, str)  # kind, url, reason

    def __init__(self, rules: PortalRules, zoom: float = 1.0, accept_language: str = ACCEPT_LANGUAGE,
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
