"""The composition root: builds every service once, in a fixed order, and hands it down."""

from __future__ import annotations

import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk_app.admin.auth import StaffAuth
from kiosk_app.admin.guided import SessionOutcomes
from kiosk_app.config import ConfigError, KioskConfig, load_config
from kiosk_app.logs import log_event
from kiosk_app.paths import SANE_CONFIG_DIR, KioskPaths
from kiosk_app.portal.engine import prepare_webengine_process
from kiosk_app.qt_fixes import pin_singletons_if_binding_leaks
from kiosk_app.session.idle import IdleWatcher
from kiosk_app.session.manager import SessionManager
from kiosk_app.shell import theme
from kiosk_app.shell.screens.home import HomeScreen
from kiosk_app.shell.screens.menu import MenuScreen
from kiosk_app.shell.screens.overlays import IdleOverlay
from kiosk_app.shell.screens.staff import StaffPinScreen
from kiosk_app.shell.screens.startup_problem import StartupProblemScreen
from kiosk_app.shell.widgets import ConfirmOverlay
from kiosk_app.shell.window import KioskWindow, LockdownFilter, WindowInputFilters, present
from kiosk_app.storage.session_store import SessionStore
from kiosk_app.strings import common as T
from kiosk_app.watchdog import SystemdWatchdog

log = logging.getLogger("kiosk.app")

RESIDENT_SCREENS = ("guides", "scan", "portal")
START_SCREENS = ("home", "menu") + RESIDENT_SCREENS
STAFF_SCREENS = ("staff_pin", "staff_menu", "staff_guided", "staff_outcome", "staff_stats", "staff_settings")
FLUSH_INTERVAL_MS = 15_000


@dataclass(frozen=True)
class Options:
    windowed: bool = False
    start_screen: str = "home"
    practice: str | None = None  # on | off | when-offline: overrides the config's portal.practice
    log_layout: bool = False  # tests and benchmarks: log where the touchable things are (ui.layout)


def prepare_qt() -> None:
    """Settings Qt needs before the QApplication exists."""
    # QtWebEngine shares OpenGL contexts with the widgets; must be set before the app is made.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    # The guide's video surface is a native window; without this its ancestors' siblings (every
    # screen) become native too, and touches skip the kiosk window where the idle watch and the
    # staff entry listen (WindowInputFilters).
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontCreateNativeWidgetSiblings)
    prepare_webengine_process()  # Chromium flags: before QtWebEngine first starts
    pin_singletons_if_binding_leaks()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root (containers, test machines); an installed
        # kiosk runs as its own unprivileged user and keeps the sandbox.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def portal_offered_files(work_dir: Path | None) -> list[Path]:
    """Files the portal's picker may offer: finished scanned documents, then downloads."""
    from kiosk_app.portal.rules import session_files
    from kiosk_app.scanner.documents import session_documents

    if work_dir is None:
        return []
    return session_documents(work_dir) + session_files(work_dir)


class Kiosk:
    """Every service of a running kiosk, built once."""

    def __init__(self, config: KioskConfig, paths: KioskPaths, options: Options):
        self.config, self.paths, self.options = config, paths, options
        self.store = SessionStore.deferred(paths.db_file, paths.backups_dir)
        self.sessions = SessionManager(self.store, paths, config.kiosk.id)
        self.auth = StaffAuth(self.store, config.staff.failed_pin_limit, config.staff.lockout_s)
        self.outcomes = SessionOutcomes(self.sessions, self.store)
        self._feedback_for: str | None = None
        self.idle = IdleWatcher(config.session.idle_timeout_s, config.session.countdown_s)

        self.window = KioskWindow(windowed=options.windowed)
        self.nav = self.window.nav
        self.lockdown = LockdownFilter(self.window)
        # On the kiosk's own windows, never on the QApplication (see WindowInputFilters).
        self.input_filters = WindowInputFilters([self.idle, self.lockdown], self.window)
        self._build_screens()
        self._wire()
        self.scanning = self.guides = None  # built by start(), once the home screen is up

        self._flush_timer = QTimer(self.window)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._flush_timer.start()

    # ------------------------------------------------------------ building

    def _build_screens(self) -> None:
        nav = self.nav
        self.home = HomeScreen(self.config.kiosk.commune)
        self.menu = MenuScreen()
        nav.add(self.home)
        nav.add(self.menu)
        nav.add_lazy("portal", self._make_portal)
        nav.add_lazy("scan", self._build_scan_screen)
        self.staff_pin = StaffPinScreen(self.auth)
        info = T.STAFF_KIOSK_INFO.format(kiosk_id=self.config.kiosk.id, commune=self.config.kiosk.commune,
                                         data_dir=self.paths.data_dir)
        self._staff_info = info
        nav.add(self.staff_pin)
        nav.add_lazy("staff_menu", self._make_staff_menu)
        self._build_staff_screens()
        self.idle_overlay = IdleOverlay(self.window)
        self.end_confirm = ConfirmOverlay(self.window, T.END_CONFIRM_TITLE, T.END_CONFIRM_TEXT,
                                          T.END_CONFIRM_YES, T.END_CONFIRM_NO, name="endConfirm")

    def _make_portal(self):
        """The portal screen, built the first time a resident opens it; its file picker offers
        the scanned documents and the portal's own downloads of the session."""
        from kiosk_app.portal.options import portal_options, portal_reachable, use_practice
        from kiosk_app.portal.view import PortalScreen

        section = self.config.portal
        practice = use_practice(self.options.practice or section.practice, lambda: portal_reachable(section.start_url))
        self._portal_default = portal_options(section, self._practice_home() if practice else None)
        self.portal = PortalScreen(self._portal_default, self.sessions, offered_files=portal_offered_files,
                                   options_for=self._portal_options_for)
        self.portal.menu_requested.connect(lambda: self.nav.go("menu"))
        self.portal.help_requested.connect(self._portal_help)
        log_event(log, "portal.ready", practice=practice)
        return self.portal

    def _practice_home(self) -> str:
        from kiosk_app.practice.server import PracticePortal

        if getattr(self, "practice_portal", None) is None:
            self.practice_portal = PracticePortal().start()
        return self.practice_portal.home_url

    def _portal_options_for(self, session):
        """A practice session (officer's choice, or switched by staff) gets the practice portal."""
        from kiosk_app.portal.options import portal_options

        if getattr(session, "mode", "") == "practice" and not self._portal_default.practice:
            return portal_options(self.config.portal, self._practice_home())
        return self._portal_default

    def switch_session_to_practice(self) -> None:
        """For the staff menu: the running session continues on the practice portal and is
        recorded as practice (it never counts as filed)."""
        from kiosk_app.portal.options import portal_options

        if self.sessions.current is None:
            return
        self.sessions.update(mode="practice")
        if not self.nav.is_built("portal"):
            return  # the portal, when opened, follows the session's mode
        portal = self.nav.screen("portal")
        portal.switch_options(portal_options(self.config.portal, self._practice_home()))
        if portal.session is None:
            portal.start_session(self.sessions.current)

    def _portal_help(self, url: str, title: str) -> None:
        # The guide step explaining this page, or the guide list. The portal keeps its page; the
        # guide room remembers where the guide was opened from, and its "back" returns there.
        if not self.guides.open_for_page(url, title):
            self.nav.go("guides")

    def _build_scan_screen(self):
        from kiosk_app.scanner.screen import ScanScreen  # page previews: built when first needed

        screen = ScanScreen(self.scanning)
        screen.back.connect(lambda: self.nav.go("menu"))
        return screen

    def _wire(self) -> None:
        nav, sessions, idle = self.nav, self.sessions, self.idle
        self.home.start_requested.connect(self.start_resident_session)
        self.menu.chosen.connect(nav.go)
        self.menu.end_requested.connect(self.end_confirm.open)
        self.end_confirm.accepted.connect(self._resident_end)
        sessions.started.connect(lambda _s: idle.start())
        sessions.ended.connect(self._after_session)
        idle.warning.connect(self.idle_overlay.open)
        idle.countdown.connect(self.idle_overlay.set_seconds)
        idle.resumed.connect(self.idle_overlay.hide)
        idle.expired.connect(self._on_idle_expired)
        self.idle_overlay.continued.connect(idle.poke)
        self.window.staff_requested.connect(self._open_staff)
        self.staff_pin.accepted.connect(self._staff_accepted)
        self.staff_pin.cancelled.connect(self._leave_staff)

    # ------------------------------------------------------------ behaviour

    def problems(self) -> list[str]:
        """What staff should know about, in Vietnamese."""
        found = []
        problem = self.store.problem or ""
        if self.store.available and "moved" in problem:
            found.append(T.PROBLEM_DB_CORRUPT)
        if not self.store.available or self.store.pending:
            found.append(T.PROBLEM_DB)
        if self.store.available and not self.auth.pin_is_set():
            found.append(T.PROBLEM_NO_ADMIN_PIN)
        return found

    def start_resident_session(self) -> None:
        if self.sessions.current is None:
            self.sessions.start("resident")
        self.nav.go("menu")

    def _after_session(self, _sid: str, _reason: str) -> None:
        self.idle.stop()
        self.idle_overlay.hide()
        self.end_confirm.hide()
        self.home.show_notice(self.problems())
        self.nav.go(self._screen_after_session(_sid))

    def _on_idle_expired(self) -> None:
        self.idle_overlay.hide()
        if self.sessions.current is not None:
            self.sessions.end("timeout")
        else:
            self.nav.go("home")

    def _reset_screens(self, _session) -> None:
        for screen in self.nav.screens():
            screen.reset()

    def _open_staff(self) -> None:
        if self.nav.current in STAFF_SCREENS:
            return
        self._return_to = self.nav.current or "home"
        self.idle_overlay.hide()
        self.end_confirm.hide()
        self.idle.start()  # staff screens time out too: nobody leaves them open by mistake
        self.nav.go("staff_pin")

    def _staff_accepted(self, _role: str) -> None:
        self._show_staff_menu()

    def _leave_staff(self) -> None:
        self.auth.sign_out()
        target = getattr(self, "_return_to", "home")
        if self.sessions.current is None:
            self.idle.stop()
            target = "home"
        self.nav.go(target)

    # ------------------------------------------------------------ staff, outcomes, satisfaction

    def _build_staff_screens(self) -> None:
        # Built on first use, like every screen the home screen does not need.
        nav = self.nav
        nav.add_lazy("staff_guided", self._make_guided_screen)
        nav.add_lazy("staff_outcome", self._make_outcome_screen)
        nav.add_lazy("end_questions", self._make_end_questions_screen)
        nav.add_lazy("satisfaction", self._make_satisfaction_screen)
        nav.add_lazy("staff_stats", self._make_stats_screen)
        nav.add_lazy("staff_settings", self._make_settings_screen)

    @property
    def staff_guided(self):
        return self.nav.screen("staff_guided")

    @property
    def staff_outcome(self):
        return self.nav.screen("staff_outcome")

    @property
    def end_questions(self):
        return self.nav.screen("end_questions")

    @property
    def satisfaction(self):
        return self.nav.screen("satisfaction")

    def _make_guided_screen(self):
        from kiosk_app.admin.screens.guided import GuidedStartScreen

        screen = GuidedStartScreen([(p.code, p.name) for p in self.config.guided.procedures])
        screen.start.connect(self._start_guided)
        screen.cancelled.connect(self._show_staff_menu)
        return screen

    def _make_outcome_screen(self):
        from kiosk_app.admin.screens.guided import OfficerOutcomeScreen

        screen = OfficerOutcomeScreen()
        screen.recorded.connect(self._officer_outcome)
        screen.cancelled.connect(self._show_staff_menu)
        return screen

    def _make_end_questions_screen(self):
        from kiosk_app.admin.screens.end_questions import EndQuestionsScreen

        outcomes = self.outcomes
        screen = EndQuestionsScreen()
        screen.answered.connect(
            lambda submitted, helped, reason: (outcomes.resident_answered(submitted, helped, reason),
                                               self._end_with_feedback("finished")))
        screen.skipped.connect(lambda: self._end_with_feedback("finished"))
        screen.back.connect(lambda: self.nav.go("menu"))
        return screen

    def _make_satisfaction_screen(self):
        from kiosk_app.admin.screens.satisfaction import SatisfactionScreen

        screen = SatisfactionScreen(self.config.feedback.reset_s)
        screen.finished.connect(self._feedback_given)
        return screen

    def _make_settings_screen(self):
        from kiosk_app.admin.screens.settings import SettingsScreen
        from kiosk_app.paths import default_config_file

        files = self.config.source_files
        screen = SettingsScreen(self.config, Path(files[1]) if len(files) > 1 else default_config_file())
        screen.back.connect(self._show_staff_menu)
        screen.saved.connect(self._apply_settings)
        return screen

    def _apply_settings(self, config: KioskConfig) -> None:
        """What the settings screen saved, applied now (the portal's start page: next session)."""
        self.config = config
        self.idle.timeout_s = config.session.idle_timeout_s
        self.home.set_commune(config.kiosk.commune)
        self.nav.add_lazy("staff_guided", self._make_guided_screen)  # the new procedure list

    def _make_stats_screen(self):
        from kiosk_app.admin.screens.stats import StatsScreen  # QtCharts: loaded when first needed
        from kiosk_app.stats.service import StatsService

        screen = StatsScreen(StatsService(self.store, self.config, self.paths.db_file), self.config.reports.usb_roots)
        screen.back.connect(self._show_staff_menu)
        return screen

    @property
    def staff_menu(self):
        return self.nav.screen("staff_menu")

    def _make_staff_menu(self):
        from kiosk_app.admin.screens.staff_menu import StaffMenu

        nav, outcomes, auth = self.nav, self.outcomes, self.auth
        menu = StaffMenu(self._staff_info)
        menu.back.connect(self._leave_staff)
        menu.end_session.connect(lambda: self.sessions.end("staff"))
        menu.exit_app.connect(self.quit)
        menu.guided.connect(lambda: nav.go("staff_guided"))
        menu.step_in.connect(lambda: (outcomes.step_in(auth.signed_in), self._show_staff_menu()))
        menu.record_outcome.connect(lambda: nav.go("staff_outcome"))
        menu.stats.connect(lambda: nav.go("staff_stats"))
        menu.settings.connect(lambda: nav.go("staff_settings"))
        menu.practice.connect(lambda: (self.switch_session_to_practice(), self._leave_staff()))
        return menu

    def _show_staff_menu(self) -> None:
        signed = self.auth.signed_in
        current = self.sessions.current
        info = None
        if current is not None:
            names = {p.code: p.name for p in self.config.guided.procedures}
            info = {"mode": current.mode, "procedure": names.get(current.fields.get("procedure_code") or "", ""),
                    "helped": bool(current.fields.get("helped"))}
        self.staff_menu.set_state(signed.role if signed else "officer", signed.name if signed else "",
                                  self.problems(), info)
        self.nav.go("staff_menu")

    def _start_guided(self, procedure_code: str, how: str) -> None:
        self.outcomes.start_guided(self.auth.signed_in, procedure_code, how)
        self.auth.sign_out()
        self.nav.go("menu")

    def _officer_outcome(self, outcome: str, reason) -> None:
        self.outcomes.record_outcome(self.auth.signed_in, outcome, reason)
        self.auth.sign_out()
        self._end_with_feedback("staff")

    def _resident_end(self) -> None:
        """The resident's "Kết thúc": ask the two questions (practice sessions need none)."""
        if self.sessions.current is None:
            return
        if self.outcomes.is_practice():
            self.outcomes.resident_answered(False, False, None)
            self._end_with_feedback("finished")
        else:
            self.nav.go("end_questions")

    def _end_with_feedback(self, reason: str) -> None:
        if self.sessions.current is not None and self.config.feedback.enabled:
            self._feedback_for = self.sessions.current.id
        self.sessions.end(reason)

    def _screen_after_session(self, session_id: str) -> str:
        if self._feedback_for != session_id:
            return "home"
        self._feedback_for = None
        self.satisfaction.begin(session_id)
        return "satisfaction"

    def _feedback_given(self, session_id: str, rating, trips, reason) -> None:
        if rating is not None or trips is not None:
            self.outcomes.feedback(session_id, rating, trips, reason)
        if self.nav.current == "satisfaction":
            self.nav.go("home")

    def _start_sync(self) -> None:
        """Sending figures upward, when the district or province asked for it (off by default)."""
        self._sync = None
        if self.config.sync.enabled:
            from kiosk_app.stats.sync import SyncWorker

            self._sync = SyncWorker(self.paths.db_file, self.config.sync, self.config.kiosk.id)
            self._sync.start()

    def _flush(self) -> None:
        if self.store.pending or not self.store.available:
            self.store.flush()

    # ------------------------------------------------------------ start and stop

    def _build_rooms(self) -> None:
        """The scanner and the guides: services the home screen does not need to be shown."""
        from kiosk_app.scanner.presets import settings_from_config
        from kiosk_app.scanner.service import ScanService
        from kiosk_app.videos.room import GuideRoom

        self.scanning = ScanService(settings_from_config(self.config.scanner), self.sessions.record,
                                    SANE_CONFIG_DIR)
        self.sessions.started.connect(lambda s: self.scanning.begin_session(s.work_dir))
        self.scanning.progress.connect(lambda *_: self.idle.poke())  # a long feeder scan is not idleness
        self.guides = GuideRoom(self.nav, self.sessions.record, self.config.videos, keep_awake=self.idle.poke)
        self.sessions.add_wipe_step("scanner", self.scanning.end_session)
        self.sessions.add_wipe_step("screens", self._reset_screens)
        self.sessions.add_wipe_step("clipboard", lambda _s: QGuiApplication.clipboard().clear())

    def start(self) -> None:
        self.window.present()
        self.input_filters.watch(self.window.windowHandle())
        screen = self.options.start_screen
        if screen == "home":
            self.nav.go("home")
            QApplication.processEvents()  # the home screen is painted before anything else is built
            self._log_ready()
            self._build_rooms()  # a first touch waits these few milliseconds in the event queue
        else:
            self._build_rooms()
            self.sessions.start("demo")
            self.nav.go(screen)
            QApplication.processEvents()
            self._log_ready()
        QTimer.singleShot(0, self._after_ready)
        if self.options.log_layout:
            from kiosk_app.shell.layout_log import LayoutReporter

            self._layout = LayoutReporter(self.window)

    def _log_ready(self) -> None:
        log_event(log, "app.ready", screen=self.nav.current, data_dir=str(self.paths.data_dir))

    def _after_ready(self) -> None:
        # Work that can wait until the resident sees the home screen.
        self.store.flush()
        interrupted = self.sessions.recover_interrupted()
        if self.store.problem:
            log_event(log, "storage.problem", level=logging.ERROR, problem=self.store.problem)
        self.home.show_notice(self.problems())
        log_event(log, "app.recovered", interrupted=len(interrupted))
        self._start_sync()
        self.scanning.start()  # the scan process and the device search run beside the UI

    def quit(self) -> None:
        self.window.allow_close = True
        QApplication.instance().quit()

    def shutdown(self) -> None:
        if getattr(self, "_sync", None) is not None:
            self._sync.stop()
        if self.sessions.current is not None:
            self.sessions.end("shutdown")
        if getattr(self, "practice_portal", None) is not None:
            self.practice_portal.stop()
        self.store.close()
        if self.scanning is not None:
            self.scanning.shutdown()
        self.input_filters.unwatch(self.window.windowHandle())
        self.idle.stop()
        self._flush_timer.stop()
        self.window.allow_close = True
        self.window.close()


# ---------------------------------------------------------------- running


def _install_signal_handlers(app: QApplication) -> QTimer:
    # Python handles signals only between bytecodes; a light timer gives it the chance.
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Queued, so a signal that comes before the event loop runs still ends it; exit(),
        # unlike quit(), asks no window for permission.
        signal.signal(sig, lambda *_: QTimer.singleShot(0, lambda: app.exit(0)))
    timer = QTimer()
    timer.start(300)
    timer.timeout.connect(lambda: None)
    return timer


def run(paths: KioskPaths, config_file: Path | None, options: Options) -> int:
    prepare_qt()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    families = theme.load_fonts()
    log_event(log, "app.fonts", families=families)
    _keepalive = _install_signal_handlers(app)
    state: dict = {}

    def boot() -> None:
        try:
            config = load_config(config_file)
        except ConfigError as exc:
            log_event(log, "app.config_error", level=logging.ERROR, error=str(exc), file=exc.file,
                      key=exc.key)
            print(str(exc), file=sys.stderr)
            return show_problem(T.STARTUP_CONFIG, str(exc), 1.0, options)
        metrics = theme.metrics_for_app(config.ui.font_scale)
        app.setFont(theme.app_font(metrics))
        app.setStyleSheet(theme.stylesheet(metrics))
        try:
            paths.ensure()
        except OSError as exc:
            log_event(log, "app.data_dir_error", level=logging.ERROR, error=str(exc))
            print(f"Cannot write the data directory {paths.data_dir}: {exc}", file=sys.stderr)
            return show_problem(T.STARTUP_DATA_DIR.format(data_dir=paths.data_dir), str(exc), 1.0, options)
        kiosk = Kiosk(config, paths, options)
        state["kiosk"] = kiosk
        kiosk.start()

    def show_problem(summary: str, detail: str, scale: float, opts: Options) -> None:
        metrics = theme.metrics_for_app(scale)
        app.setFont(theme.app_font(metrics))
        app.setStyleSheet(theme.stylesheet(metrics))
        old = state.pop("problem", None)
        screen = StartupProblemScreen(summary, detail)
        state["problem"] = screen
        screen.retry.connect(lambda: (screen.hide(), screen.deleteLater(), boot()))
        if old is not None:
            old.deleteLater()
        present(screen, opts.windowed)
        log_event(log, "app.problem_shown", summary=summary)

    boot()
    watchdog = SystemdWatchdog(app)
    watchdog.start()
    code = app.exec()
    watchdog.stop()
    kiosk = state.get("kiosk")
    if kiosk is not None:
        kiosk.shutdown()
    log_event(log, "app.exit", code=code)
    del _keepalive
    return code

