"""The portal screen: kiosk bar, the web view of the current session, and the kiosk's own panels
(blocked page, portal unreachable, load failed) shown instead of Chromium's error pages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Protocol

import shiboken6
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEngineDownloadRequest, QWebEngineLoadingInfo, QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.logs import log_event
from kiosk_app.portal.dialogs import KioskDialogs, picker_chooser, view_file
from kiosk_app.portal.keyboard import OnScreenKeyboard
from kiosk_app.portal.options import PortalOptions, as_real_portal_url
from kiosk_app.portal.page import FileChooser, KioskPage, PageDialogs
from kiosk_app.portal.profile import SessionProfile
from kiosk_app.portal.rules import (
    detect_submission,
    download_decision,
    download_name_in,
    navigation_decision,
    redact_url,
    retry_delay_s,
    safe_download_name,
    session_files,
    url_may_be_submission,
)
from kiosk_app.shell.widgets import Screen
from kiosk_app.strings import portal as text

log = logging.getLogger("kiosk.portal")

# Chromium's net error for a request our interceptor blocked (net::ERR_BLOCKED_BY_CLIENT).
ERR_BLOCKED_BY_CLIENT = -20
_OFFLINE_DOMAINS = {
    QWebEngineLoadingInfo.ErrorDomain.ConnectionErrorDomain,
    QWebEngineLoadingInfo.ErrorDomain.DnsErrorDomain,
}


class PortalSessions(Protocol):
    """What the portal needs of the session manager (the backbone's SessionManager has these)."""

    current: object | None  # a Session with .id and .work_dir

    def record(self, event: str, **fields) -> None: ...

    def update(self, **fields) -> None: ...


# High contrast and large type for elderly residents; scoped to this screen's object names.
STYLE = """
#portalBar { background: #0d3b66; }
#portalBar QPushButton { font-size: 22px; font-weight: bold; color: #0d3b66; background: #ffffff;
    border: 3px solid #ffffff; border-radius: 10px; padding: 6px 14px; }
#portalBar QPushButton:pressed { background: #ffd400; }
#portalBar #portalMenu { background: #ffd400; border-color: #ffd400; color: #000000; }
#portalTitle { color: #ffffff; background: #0d3b66; font-size: 20px; padding: 0 16px 4px 16px; }
#practiceBadge { background: #ffd400; color: #000000; font-size: 20px; font-weight: bold; padding: 8px 12px;
    border-radius: 8px; }
#portalProgress { border: none; background: #0d3b66; }
#portalProgress::chunk { background: #ffd400; }
#portalNotice { background: #e8f5e9; border-bottom: 3px solid #2e7d32; }
#portalNotice QLabel { font-size: 22px; color: #1b5e20; }
#portalNotice QPushButton, #portalMessage QPushButton { font-size: 24px; font-weight: bold; color: #ffffff;
    background: #0d3b66; border-radius: 12px; padding: 10px 24px; }
#portalMessage { background: #ffffff; }
#portalMessageTitle { font-size: 40px; font-weight: bold; color: #b71c1c; }
#portalMessageBody { font-size: 28px; color: #1a1a1a; }
#portalMessageCountdown { font-size: 28px; font-weight: bold; color: #0d3b66; }
#portalMessage #portalMessageSecondary { background: #555555; }
#onScreenKeyboard { background: #263238; }
#onScreenKeyboard QPushButton { font-size: 26px; font-weight: bold; color: #000000; background: #ffffff;
    border-radius: 8px; }
#onScreenKeyboard QPushButton:pressed { background: #ffd400; }
#onScreenKeyboard QPushButton[objectName^="key-mark"] { background: #fff3c4; }
"""


def _big_button(label: str, name: str) -> QPushButton:
    button = QPushButton(label)
    button.setObjectName(name)
    button.setMinimumSize(150, 72)  # >= 15 mm on a typical 22" touch screen
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class MessagePanel(QWidget):
    """A full-size Vietnamese message with big buttons, shown in place of the web page."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("portalMessage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 60, 80, 60)
        layout.setSpacing(24)
        layout.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("portalMessageTitle")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("portalMessageBody")
        self.body.setWordWrap(True)
        self.countdown = QLabel()
        self.countdown.setObjectName("portalMessageCountdown")
        for label in (self.title, self.body, self.countdown):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.buttons = QHBoxLayout()
        self.primary = _big_button("", "portalMessagePrimary")
        self.secondary = _big_button("", "portalMessageSecondary")
        self.primary.setMinimumWidth(360)
        self.secondary.setMinimumWidth(360)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.primary)
        self.buttons.addWidget(self.secondary)
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        layout.addStretch(2)
        self.kind = ""

    def show_message(self, kind: str, title: str, body: str, primary: str, secondary: str = "") -> None:
        self.kind = kind
        self.title.setText(title)
        self.body.setText(body)
        self.countdown.setText("")
        self.primary.setText(primary)
        self.secondary.setText(secondary)
        self.secondary.setVisible(bool(secondary))


class PortalScreen(Screen):
    """Shows the portal for the current resident session."""

    name = "portal"

    menu_requested = Signal()
    help_requested = Signal(str, str)  # url, title of the page the resident is on
    submitted = Signal(object)  # Submission
    page_loaded = Signal(str)  # url, after each successful main-frame load
    download_finished = Signal(str)  # path in the session folder
    message_shown = Signal(str)  # kind of panel: blocked, offline, failed, certificate, crashed

    def __init__(self, options: PortalOptions, sessions: PortalSessions,
                 dialogs_factory: Callable[[QWidget], PageDialogs] = KioskDialogs,
                 file_chooser_factory: Callable[[QWidget], FileChooser] = picker_chooser,
                 file_viewer: Callable[[QWidget, Path], None] | None = view_file,
                 offered_files: Callable[[Path | None], list[Path]] = session_files,
                 options_for: Callable[[object], PortalOptions] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        # Options per session (a practice session gets the practice portal); None: always these.
        self.options_for = options_for
        self._base_options = options
        self._override: tuple[object, PortalOptions] | None = None  # staff's switch, this session only
        self.sessions = sessions
        # What the page's file picker may offer from the session folder (scans, downloads).
        self.offered_files = offered_files
        self.setObjectName("portalScreen")
        self.setStyleSheet(STYLE)
        self.options = options
        self._dialogs_factory = dialogs_factory
        self._file_chooser_factory = file_chooser_factory
        self._file_viewer = file_viewer
        self.session = None  # the session the current profile belongs to
        self.profile: SessionProfile | None = None
        self.view: QWebEngineView | None = None
        self.page: KioskPage | None = None
        self._last_blocked_url = ""
        self._target_url = options.home_url
        self._offline_attempt = 0
        self._seconds_left = 0
        self._submitted_urls: set[str] = set()
        self._downloads: list[QWebEngineDownloadRequest] = []
        self._build()

    # layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        bar = QWidget()
        bar.setObjectName("portalBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(8, 6, 8, 6)
        self.back_button = _big_button(text.BACK, "portalBack")
        self.home_button = _big_button(text.HOME, "portalHome")
        self.reload_button = _big_button(text.RELOAD, "portalReload")
        self.help_button = _big_button(text.HELP, "portalHelp")
        self.keyboard_button = _big_button(text.KEYBOARD, "portalKeyboard")
        self.menu_button = _big_button(text.MENU, "portalMenu")
        self.title_label = QLabel()
        self.title_label.setObjectName("portalTitle")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.practice_badge = QLabel(text.PRACTICE_BADGE)
        self.practice_badge.setObjectName("practiceBadge")
        self.practice_badge.setVisible(self.options.practice)
        for w in (self.back_button, self.home_button, self.reload_button):
            bar_layout.addWidget(w)
        bar_layout.addStretch(1)
        bar_layout.addWidget(self.practice_badge)
        bar_layout.addWidget(self.keyboard_button)
        bar_layout.addWidget(self.help_button)
        bar_layout.addWidget(self.menu_button)
        root.addWidget(bar)
        # The page's title on its own line: the bar has no room left for long titles.
        self.title_label.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        root.addWidget(self.title_label)
        self.progress = QProgressBar()
        self.progress.setObjectName("portalProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setRange(0, 100)
        root.addWidget(self.progress)
        self.notice = QWidget()
        self.notice.setObjectName("portalNotice")
        self.notice.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        notice_layout = QHBoxLayout(self.notice)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_view = _big_button(text.DOWNLOAD_VIEW, "portalNoticeView")
        self.notice_close = _big_button(text.DOWNLOAD_CLOSE, "portalNoticeClose")
        notice_layout.addWidget(self.notice_label, 1)
        notice_layout.addWidget(self.notice_view)
        notice_layout.addWidget(self.notice_close)
        self.notice.hide()
        root.addWidget(self.notice)
        self.stack = QStackedWidget()
        self.view_holder = QWidget()
        QVBoxLayout(self.view_holder).setContentsMargins(0, 0, 0, 0)
        self.panel = MessagePanel()
        self.stack.addWidget(self.view_holder)
        self.stack.addWidget(self.panel)
        for page in (self.view_holder, self.panel):
            page.setMinimumSize(1, 1)  # room for the keyboard on small screens
        root.addWidget(self.stack, 1)
        # Below the page, never over it: the page shrinks and the field is scrolled into sight.
        # Keys go to the top-level window, which hands them to its focused widget (the page's
        # field): Python never holds QtWebEngine's internal input widget.
        self.keyboard = OnScreenKeyboard(lambda: self.window().windowHandle() if self.view is not None else None)
        self.keyboard.setFixedHeight(400)
        self.keyboard.hide()
        root.addWidget(self.keyboard)

        self.back_button.clicked.connect(self.go_back)
        self.home_button.clicked.connect(self.go_home)
        self.reload_button.clicked.connect(self.reload)
        self.help_button.clicked.connect(self._help)
        self.keyboard_button.clicked.connect(lambda: self._show_keyboard(self.keyboard.isHidden()))
        self.keyboard.hide_requested.connect(lambda: self._show_keyboard(False))
        self.menu_button.clicked.connect(self.menu_requested)
        self.panel.primary.clicked.connect(self._panel_primary)
        self.panel.secondary.clicked.connect(self._panel_secondary)
        self.notice_close.clicked.connect(self.notice.hide)
        self.notice_view.clicked.connect(self._view_last_download)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.timeout.connect(self._load_timed_out)
        self._last_download: Path | None = None

    # session lifecycle -----------------------------------------------------------------------
    def entered(self) -> None:
        """Shown from the menu: a fresh portal for a new session, the same page within one."""
        session = self.sessions.current
        if session is not None and session is not self.session:
            self.start_session(session)

    def reset(self) -> None:
        self.end_session()

    def start_session(self, session, home_url: str | None = None) -> None:
        """A fresh profile, page and view for a new resident; loads the portal's home."""
        if self.profile is not None:
            self.end_session()
        self.options = self._options_for_session(session)
        self.practice_badge.setVisible(self.options.practice)
        self.session = session
        if self.options.practice:
            self.sessions.update(mode="practice")
        self._submitted_urls.clear()
        self._offline_attempt = 0
        self.profile = SessionProfile(self.options.rules)
        self.profile.profile.downloadRequested.connect(self._download_requested)
        self.view = QWebEngineView(self.view_holder)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.view.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.page = KioskPage(self.profile, self._dialogs_factory(self), self._file_chooser_factory(self),
                              lambda: self.session.work_dir if self.session else None, self.offered_files,
                              self.view)
        self.view.setPage(self.page)
        self.page.setZoomFactor(self.options.zoom)
        self.view_holder.layout().addWidget(self.view)
        self.page.navigation.connect(self._on_navigation)
        self.page.refused.connect(self._on_refused)
        self.page.loadingChanged.connect(self._on_loading)
        self.page.loadProgress.connect(self.progress.setValue)
        self.page.titleChanged.connect(self.title_label.setText)
        self.page.urlChanged.connect(self._url_changed)
        self.page.renderProcessTerminated.connect(self._renderer_gone)
        self.page.text_focus.connect(self._show_keyboard)
        self.profile.blocked.connect(self._on_intercepted)
        self.stack.setCurrentWidget(self.view_holder)
        self.load(home_url or self.options.home_url)

    def _options_for_session(self, session) -> PortalOptions:
        if self._override is not None and self._override[0] is session:
            return self._override[1]
        self._override = None
        return self.options_for(session) if self.options_for is not None else self._base_options

    def switch_options(self, options: PortalOptions) -> None:
        """Staff switch the running session to the practice portal (or back): the resident
        starts over on a fresh profile, nothing of the other portal carried across."""
        session = self.session or self.sessions.current
        self._override = (session, options)
        self.options = options
        self.practice_badge.setVisible(options.practice)
        if self.session is not None:
            self.end_session()
            self.start_session(session)
            self._record("portal.switched", practice=options.practice)

    def end_session(self) -> None:
        """Stop the page, delete the view and page, then the profile: nothing of the resident left."""
        self._countdown.stop()
        self._load_timer.stop()
        self.notice.hide()
        self._show_keyboard(False)
        for download in self._downloads:
            if shiboken6.isValid(download) and not download.isFinished():
                download.cancel()
        self._downloads.clear()
        view, page, profile = self.view, self.page, self.profile
        self.view = self.page = self.profile = None
        self.session = None
        self.title_label.clear()
        if page is not None and shiboken6.isValid(page):
            page.triggerAction(QWebEnginePage.WebAction.Stop)
            page.blockSignals(True)
        if view is not None and shiboken6.isValid(view):
            view.setParent(None)
            shiboken6.delete(view)  # the page is the view's child and goes with it
        if profile is not None:
            profile.destroy()
            profile.deleteLater()

    # navigation ------------------------------------------------------------------------------
    def load(self, url: str) -> None:
        """Every address the kiosk itself opens passes the same rule as the page's links:
        Chromium reports ``view-source:`` and ``javascript:`` loads to the page under other URLs."""
        if self.page is None:
            return
        decision = navigation_decision(url, self.options.rules)
        if not decision.allowed:
            self.page.navigation.emit("blocked", url, decision.reason, True)
            return
        self._target_url = url
        self.page.load(QUrl(url))

    def _url_changed(self, url: QUrl) -> None:
        # Last line of defence: a committed address outside http(s) is left at once.
        text_url = url.toString()
        if text_url and not navigation_decision(text_url, self.options.rules).allowed:
            self.page.triggerAction(QWebEnginePage.WebAction.Stop)
            self._record("portal.navigation", decision="blocked", url=redact_url(text_url), reason="committed", frame="main")
            self._show_blocked(text_url)
            self.page.setUrl(QUrl("about:blank"))

    def go_home(self) -> None:
        self.load(self.options.home_url)

    def go_back(self) -> None:
        if self.stack.currentWidget() is self.panel:
            self._leave_panel()
        elif self.page is not None and self.page.history().canGoBack():
            self.page.triggerAction(QWebEnginePage.WebAction.Back)

    def reload(self) -> None:
        if self.page is None:
            return
        if self.stack.currentWidget() is self.panel or self.page.url().isEmpty():
            self.load(self._target_url)
        else:
            self.page.triggerAction(QWebEnginePage.WebAction.Reload)

    def _show_keyboard(self, on: bool) -> None:
        self.keyboard.reset()
        if on == self.keyboard.isVisible():
            return
        self.keyboard.setVisible(on)  # the page shrinks; its resize handler keeps the field in sight

    def _help(self) -> None:
        if self.page is not None:
            url = self.page.url().toString()
            self.help_requested.emit(as_real_portal_url(url) if self.options.practice else url, self.page.title())

    def _record(self, event: str, **fields) -> None:
        if self.session is not None:
            self.sessions.record(event, **fields)

    def _on_navigation(self, decision: str, url: str, reason: str, main_frame: bool) -> None:
        if decision == "blocked":
            self._record("portal.navigation", decision=decision, url=redact_url(url), reason=reason,
                         frame="main" if main_frame else "frame")
            if main_frame:
                self._show_blocked(url)

    def _on_intercepted(self, kind: str, url: str, reason: str) -> None:
        self._record("portal.navigation", decision="blocked", url=redact_url(url), reason=reason, frame=kind)
        if kind == "main":
            self._last_blocked_url = url

    def _on_refused(self, what: str, detail: str) -> None:
        self._record("portal.refused", what=what, detail=detail)
        if what == "certificate":
            self._stop_and_show("certificate", text.CERT_TITLE, text.CERT_TEXT, text.BLOCKED_BACK)
        elif what in ("http-auth", "proxy-auth") and self.page is not None:
            self.page.triggerAction(QWebEnginePage.WebAction.Stop)

    def _on_loading(self, info: QWebEngineLoadingInfo) -> None:
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            self._load_timer.start(self.options.load_timeout_s * 1000)
            return
        self._load_timer.stop()
        url = info.url().toString()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            self._offline_attempt = 0
            self._countdown.stop()
            self.stack.setCurrentWidget(self.view_holder)
            self._target_url = url
            log_event(log, "portal.page", url=redact_url(url), practice=self.options.practice)
            self.page_loaded.emit(url)
            self._check_submission(url)
        elif status == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            self._load_failed(info, url)

    def _load_failed(self, info: QWebEngineLoadingInfo, url: str) -> None:
        code, domain = info.errorCode(), info.errorDomain()
        log.info("portal load failed url=%s domain=%s code=%s", redact_url(url), domain.name, code)
        if code == ERR_BLOCKED_BY_CLIENT or url == self._last_blocked_url:
            self._show_blocked(url)
        elif domain == QWebEngineLoadingInfo.ErrorDomain.CertificateErrorDomain:
            self._show("certificate", text.CERT_TITLE, text.CERT_TEXT, text.BLOCKED_BACK)
        elif domain in _OFFLINE_DOMAINS:
            self._target_url = url or self._target_url
            self._show_offline()
        elif domain != QWebEngineLoadingInfo.ErrorDomain.HttpStatusCodeDomain:
            self._target_url = url or self._target_url
            self._show("failed", text.FAILED_TITLE, text.FAILED_TEXT, text.FAILED_RETRY, text.BLOCKED_BACK)

    # panels ----------------------------------------------------------------------------------
    def _show(self, kind: str, title: str, body: str, primary: str, secondary: str = "") -> None:
        self.panel.show_message(kind, title, body, primary, secondary)
        self.stack.setCurrentWidget(self.panel)
        self.message_shown.emit(kind)

    def _stop_and_show(self, kind: str, title: str, body: str, primary: str) -> None:
        if self.page is not None:
            self.page.triggerAction(QWebEnginePage.WebAction.Stop)
        self._show(kind, title, body, primary)

    def _show_blocked(self, url: str) -> None:
        self._show("blocked", text.BLOCKED_TITLE, text.BLOCKED_TEXT, text.BLOCKED_BACK)

    def _show_offline(self) -> None:
        self._show("offline", text.OFFLINE_TITLE, text.OFFLINE_TEXT, text.OFFLINE_RETRY_NOW, text.OFFLINE_TO_MENU)
        self._record("portal.offline", url=redact_url(self._target_url), attempt=self._offline_attempt)
        self._seconds_left = retry_delay_s(self._offline_attempt, first=self.options.retry_first_s)
        self._offline_attempt += 1
        self._tick_label()
        self._countdown.start()

    def _tick_label(self) -> None:
        self.panel.countdown.setText(text.OFFLINE_COUNTDOWN.format(seconds=self._seconds_left))

    def _tick(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left <= 0:
            self._countdown.stop()
            self.load(self._target_url)
        else:
            self._tick_label()

    def _panel_primary(self) -> None:
        kind = self.panel.kind
        if kind in ("offline", "failed"):
            self._countdown.stop()
            self.load(self._target_url)
        else:
            self._leave_panel()

    def _panel_secondary(self) -> None:
        if self.panel.kind == "offline":
            self._countdown.stop()
            self.menu_requested.emit()
        else:
            self._leave_panel()

    def _leave_panel(self) -> None:
        """Back from a panel: to the page the resident was on, or the portal's home."""
        self._countdown.stop()
        self.stack.setCurrentWidget(self.view_holder)
        if self.page is None:
            return
        current = self.page.url().toString()
        if not current or current == self._last_blocked_url or self.panel.kind in ("failed", "certificate", "offline"):
            if self.page.history().canGoBack():
                self.page.triggerAction(QWebEnginePage.WebAction.Back)
            else:
                self.go_home()

    def _load_timed_out(self) -> None:
        self._record("portal.refused", what="load-timeout", detail=redact_url(self._target_url))
        self._stop_and_show("failed", text.FAILED_TITLE, text.FAILED_TEXT, text.FAILED_RETRY)

    def _renderer_gone(self, status, exit_code: int) -> None:
        """A crashed or killed renderer: reload the last page; the kiosk itself keeps running."""
        self._record("portal.renderer_terminated", status=status.name, exit_code=exit_code)
        self._show("crashed", text.CRASHED_TEXT, "", text.RELOAD)
        url = self._target_url
        QTimer.singleShot(0, self, lambda: self.load(url))

    # submission ------------------------------------------------------------------------------
    def _check_submission(self, url: str) -> None:
        patterns = self.options.submission_patterns
        if self.page is None or url in self._submitted_urls or not url_may_be_submission(url, patterns):
            return
        page = self.page
        page.toPlainText(lambda body: self._submission_text(page, url, body))

    def _submission_text(self, page: KioskPage, url: str, body: str) -> None:
        if page is not self.page or url in self._submitted_urls:
            return
        found = detect_submission(url, body or "", self.options.submission_patterns)
        if found is None:
            return
        self._submitted_urls.add(url)
        fields = {"pattern": found.pattern_index, "url": redact_url(url)}
        if self.options.keep_dossier_code and found.dossier_code:
            fields["dossier_code"] = found.dossier_code
        self._record("portal.submitted", **fields)
        # A practice filing is no filing: it must not count in the statistics.
        self.sessions.update(**({"outcome": "practice"} if self.options.practice else {"submitted": 1}))
        self.submitted.emit(found)

    # downloads -------------------------------------------------------------------------------
    def _download_requested(self, download: QWebEngineDownloadRequest) -> None:
        folder = self.session.work_dir if self.session else None
        name = safe_download_name(download.suggestedFileName() or download.downloadFileName())
        used = sum(p.stat().st_size for p in session_files(folder))
        decision = download_decision(name, download.mimeType(), download.totalBytes(), self.options.rules, used)
        if folder is None or not decision.allowed:
            download.cancel()
            self._record("portal.download", decision="refused", reason=decision.reason if folder else "no-session",
                         mime=download.mimeType())
            self._show_notice(text.DOWNLOAD_REFUSED.format(name=name), None)
            return
        folder.mkdir(parents=True, exist_ok=True)
        name = download_name_in({p.name for p in folder.iterdir()}, name)
        download.setDownloadDirectory(str(folder))
        download.setDownloadFileName(name)
        download.receivedBytesChanged.connect(lambda: self._download_progress(download))
        download.isFinishedChanged.connect(lambda: self._download_done(download, folder / name))
        self._downloads.append(download)
        download.accept()

    def _download_progress(self, download: QWebEngineDownloadRequest) -> None:
        # The announced size can be missing or false; the received bytes are not.
        if download.receivedBytes() > self.options.rules.max_download_bytes:
            download.cancel()
            self._record("portal.download", decision="refused", reason="too-large-while-receiving")

    def _download_done(self, download: QWebEngineDownloadRequest, path: Path) -> None:
        if download.state() == QWebEngineDownloadRequest.DownloadState.DownloadCompleted:
            self._record("portal.download", decision="saved", mime=download.mimeType(), bytes=download.receivedBytes())
            self._show_notice(text.DOWNLOAD_SAVED.format(name=path.name), path)
            self.download_finished.emit(str(path))
        else:
            path.unlink(missing_ok=True)
            self._show_notice(text.DOWNLOAD_REFUSED.format(name=path.name), None)

    def _show_notice(self, message: str, path: Path | None) -> None:
        self._last_download = path
        self.notice_label.setText(message)
        self.notice_view.setVisible(path is not None and self._file_viewer is not None)
        self.notice.show()

    def _view_last_download(self) -> None:
        if self._last_download is not None and self._file_viewer is not None:
            self._file_viewer(self, self._last_download)
