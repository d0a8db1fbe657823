"""The portal page: every escape route a web page has, closed or kept inside the kiosk."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Protocol

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEnginePermission, QWebEngineScript, QWebEngineSettings

from kiosk_app.portal.rules import (
    RateLimiter,
    chromium_refusal,
    files_matching_accept,
    session_files,
    navigation_decision,
    permission_decision,
    redact_url,
)

log = logging.getLogger("kiosk.portal")

_PERMISSION_NAMES = {
    QWebEnginePermission.PermissionType.MediaAudioCapture: "microphone",
    QWebEnginePermission.PermissionType.MediaVideoCapture: "camera",
    QWebEnginePermission.PermissionType.MediaAudioVideoCapture: "camera+microphone",
    QWebEnginePermission.PermissionType.DesktopVideoCapture: "screen-capture",
    QWebEnginePermission.PermissionType.DesktopAudioVideoCapture: "screen-capture",
    QWebEnginePermission.PermissionType.Geolocation: "geolocation",
    QWebEnginePermission.PermissionType.Notifications: "notifications",
    QWebEnginePermission.PermissionType.ClipboardReadWrite: "clipboard",
    QWebEnginePermission.PermissionType.LocalFontsAccess: "local-fonts",
    QWebEnginePermission.PermissionType.MouseLock: "mouse-lock",
}


class PageDialogs(Protocol):
    """How the page's alert/confirm/prompt reach the resident (kiosk dialogs, or a test double)."""

    def alert(self, text: str) -> None: ...
    def confirm(self, text: str) -> bool: ...
    def prompt(self, text: str, default: str) -> str | None: ...


# Given the session's files that the input accepts and whether several may be taken, return the
# chosen ones. The kiosk's picker dialog in the app, a recorder in tests.
FileChooser = Callable[[list[Path], bool], list[Path]]


# Tells the kiosk when a text field gets or loses the focus, for the on-screen keyboard. Runs in
# an isolated world, so the page's own scripts neither see nor change it.
TEXT_FOCUS_SCRIPT = """
(function () {
  const NOT_TEXT = ["button", "submit", "reset", "checkbox", "radio", "file", "hidden", "image",
                    "range", "color"];
  function isText(el) {
    if (!el) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA") return true;
    return el.tagName === "INPUT" && !NOT_TEXT.includes((el.type || "").toLowerCase());
  }
  document.addEventListener("focusin", e => console.info(isText(e.target) ? "%s:on" : "%s:off"), true);
  // Moving from one field to the next keeps the keyboard up: "off" only once the focus has
  // settled somewhere that is not a text field (hiding and showing it would jump the page).
  document.addEventListener("focusout", () => setTimeout(() => {
    if (!isText(document.activeElement)) console.info("%s:off");
  }, 0), true);
  // The keyboard takes room from the page: keep the field being typed in sight.
  window.addEventListener("resize", () => {
    const el = document.activeElement;
    if (isText(el)) el.scrollIntoView({block: "center"});
  });
})();
"""
TEXT_FOCUS_MARK = "kiosk-text-focus-" + "7f3a"


class KioskPage(QWebEnginePage):
    navigation = Signal(str, str, str, bool)  # decision ("allowed"/"blocked"), url, reason, main frame
    refused = Signal(str, str)  # what (permission, popup, certificate…), detail for the log
    text_focus = Signal(bool)  # a text field got (True) or lost (False) the focus

    def __init__(self, session_profile, dialogs: PageDialogs, file_chooser: FileChooser,
                 session_folder: Callable[[], Path | None],
                 list_files: Callable[[Path | None], list[Path]] = session_files, parent=None):
        super().__init__(session_profile.profile, parent)
        self.rules = session_profile.rules
        self.dialogs = dialogs
        self.file_chooser = file_chooser
        self.session_folder = session_folder
        self.list_files = list_files
        # How deep the page is inside its own dialogs (alert, confirm, prompt, file picker): each
        # runs an event loop inside this page's callback, so the page must outlive it.
        self.dialog_depth = 0
        self.after_dialogs: Callable[[], None] | None = None  # run once the last one has returned
        self.popups = RateLimiter(limit=5, window_s=10.0)
        self.main_navigations = RateLimiter(limit=25, window_s=10.0)
        self._popup_url: QUrl | None = None
        self._popup_timer = QTimer(self)
        self._popup_timer.setSingleShot(True)
        # Debounced: loading while the page's script is still opening windows can stall the load.
        self._popup_timer.setInterval(150)
        self._popup_timer.timeout.connect(self._open_popup_here)
        self.newWindowRequested.connect(self._new_window)
        self.loadStarted.connect(lambda: self.settings().setAttribute(
            QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, True))
        self._browser_refusals: set[tuple[str, str]] = set()  # reported once per page
        self.loadStarted.connect(self._browser_refusals.clear)
        self.permissionRequested.connect(self._permission)
        self.certificateError.connect(self._certificate_error)
        self.fullScreenRequested.connect(lambda request: (request.reject(), self.refused.emit("fullscreen", "")))
        self.registerProtocolHandlerRequested.connect(lambda request: (request.reject(), self.refused.emit("protocol-handler", "")))
        self.fileSystemAccessRequested.connect(lambda request: (request.reject(), self.refused.emit("file-system-access", "")))
        self.selectClientCertificate.connect(lambda selection: (selection.selectNone(), self.refused.emit("client-certificate", "")))
        self.desktopMediaRequested.connect(self._desktop_media)
        self.webAuthUxRequested.connect(lambda request: (request.cancel(), self.refused.emit("webauthn", "")))
        script = QWebEngineScript()
        script.setName("kiosk-text-focus")
        script.setSourceCode(TEXT_FOCUS_SCRIPT.replace("%s", TEXT_FOCUS_MARK))
        script.setWorldId(QWebEngineScript.ScriptWorldId.ApplicationWorld)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setRunsOnSubFrames(True)
        self.scripts().insert(script)
        # The portal signs in with forms, never HTTP auth. PySide cannot null the authenticator
        # (PyQt's sip.assign can), so an unanswered challenge retries with empty credentials: the
        # refusal is logged and the screen stops the page.
        self.http_credentials: Callable[[QUrl], tuple[str, str] | None] = lambda url: None
        self.authenticationRequired.connect(self._http_auth)
        self.proxyAuthenticationRequired.connect(lambda url, auth, host: self.refused.emit("proxy-auth", host))

    # navigations -----------------------------------------------------------------------------
    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802
        text = url.toString()
        decision = navigation_decision(text, self.rules, main_frame=is_main_frame)
        if decision.allowed and is_main_frame and not self.main_navigations.allow(time.monotonic()):
            decision = type(decision)(False, "navigation-loop")
        self.navigation.emit("allowed" if decision.allowed else "blocked", text, decision.reason, is_main_frame)
        if not decision.allowed:
            log.info("portal.navigation blocked url=%s reason=%s main=%s", redact_url(text), decision.reason, is_main_frame)
        return decision.allowed

    def _new_window(self, request) -> None:
        """window.open and target=_blank: the address opens here, never in a new window."""
        url = request.requestedUrl()
        if not self.popups.allow(time.monotonic()):
            self.refused.emit("popup-flood", redact_url(url.toString()))
            # Hundreds of unanswered window requests stall the renderer: this page may open no
            # more windows until the next page loads.
            self.settings().setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
            if self._popup_timer.isActive():
                self._popup_timer.start()  # still flooding: wait for quiet
            return
        if url.isEmpty() or url.toString() == "about:blank":
            self.refused.emit("popup-empty", "")
            return
        # Loaded after the request returns, once for a burst (the last address wins); the
        # navigation rule decides as for any link.
        self._popup_url = url
        self._popup_timer.start()

    def _open_popup_here(self) -> None:
        if self._popup_url is not None:
            url, self._popup_url = self._popup_url, None
            self.load(url)

    # permissions, certificates ---------------------------------------------------------------
    def _permission(self, permission: QWebEnginePermission) -> None:
        name = _PERMISSION_NAMES.get(permission.permissionType(), "unsupported")
        decision = permission_decision(name, self.rules)
        if decision.allowed:
            permission.grant()
        else:
            permission.deny()
            self.refused.emit("permission", name)

    def _http_auth(self, url: QUrl, authenticator) -> None:
        credentials = self.http_credentials(url)
        if credentials is None:
            self.refused.emit("http-auth", redact_url(url.toString()))
            return
        authenticator.setUser(credentials[0])
        authenticator.setPassword(credentials[1])

    def _desktop_media(self, request) -> None:
        # Never pick a screen or window; dropping the request cancels it.
        self.refused.emit("screen-capture", "")

    def _certificate_error(self, error) -> None:
        error.rejectCertificate()
        self.refused.emit("certificate", f"{redact_url(error.url().toString())} {error.type().name}")

    # JavaScript dialogs, files ---------------------------------------------------------------
    def _in_dialog(self, ask: Callable[[], object]):
        self.dialog_depth += 1
        try:
            return ask()
        finally:
            self.dialog_depth -= 1
            if not self.dialog_depth and self.after_dialogs is not None:
                # After this callback has returned to QtWebEngine, from the main event loop.
                QTimer.singleShot(0, self.after_dialogs)
                self.after_dialogs = None

    def javaScriptAlert(self, origin: QUrl, text: str) -> None:  # noqa: N802
        self._in_dialog(lambda: self.dialogs.alert(text))

    def javaScriptConfirm(self, origin: QUrl, text: str) -> bool:  # noqa: N802
        return bool(self._in_dialog(lambda: self.dialogs.confirm(text)))

    def javaScriptPrompt(self, origin: QUrl, text: str, default: str):  # noqa: N802
        answer = self._in_dialog(lambda: self.dialogs.prompt(text, default))
        return (answer is not None, answer or "")

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        if message.startswith(TEXT_FOCUS_MARK + ":"):
            self.text_focus.emit(message.endswith(":on"))
            return
        # A page's script could write the same words: at worst one false line and banner per page.
        refusal = chromium_refusal(message)
        if refusal is not None and refusal not in self._browser_refusals:
            self._browser_refusals.add(refusal)
            self.refused.emit(*refusal)
            return
        log.debug("page console: %s", message[:200])

    def session_files_for(self, accepted: list[str]) -> list[Path]:
        files = self.list_files(self.session_folder())
        names = set(files_matching_accept([str(p) for p in files], accepted))
        return [p for p in files if str(p) in names]

    def chooseFiles(self, mode, old_files: list[str], accepted: list[str]) -> list[str]:  # noqa: N802
        """The page's file picker: only this session's files, never the computer's folders."""
        if mode not in (QWebEnginePage.FileSelectionMode.FileSelectOpen,
                        QWebEnginePage.FileSelectionMode.FileSelectOpenMultiple):
            self.refused.emit("file-picker-mode", mode.name)
            return []
        multiple = mode == QWebEnginePage.FileSelectionMode.FileSelectOpenMultiple
        candidates = self.session_files_for(list(accepted))
        chosen = self._in_dialog(lambda: self.file_chooser(candidates, multiple))
        allowed = set(candidates)
        # Whatever the chooser returns, only offered files get through.
        result = [str(p) for p in chosen if p in allowed]
        return result if multiple else result[:1]
