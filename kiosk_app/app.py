"""The composition root: builds every service once, in a fixed order, and wires the rooms together."""

from __future__ import annotations

import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk_app.admin.auth import StaffAuth
from kiosk_app.admin.guided import SessionOutcomes
from kiosk_app.admin.room import StaffRoom
from kiosk_app.config import ConfigError, KioskConfig, load_config
from kiosk_app.ending.room import EndRoom
from kiosk_app.logs import log_event
from kiosk_app.paths import SANE_CONFIG_DIR, KioskPaths
from kiosk_app.portal.room import PortalRoom
from kiosk_app.qt_fixes import prepare_qt
from kiosk_app.session.idle import IdleWatcher
from kiosk_app.session.manager import SessionManager
from kiosk_app.shell import theme
from kiosk_app.shell.front import FrontRoom
from kiosk_app.shell.screens.startup_problem import StartupProblemScreen
from kiosk_app.shell.widgets import close_dialogs
from kiosk_app.shell.window import KioskWindow, LockdownFilter, WindowInputFilters, present
from kiosk_app.stats.cleanup import remove_export_leftovers
from kiosk_app.storage.session_store import SessionStore
from kiosk_app.strings import common as T
from kiosk_app.watchdog import SystemdWatchdog

if TYPE_CHECKING:
    from kiosk_app.scanner.service import ScanService
    from kiosk_app.stats.sync import SyncWorker
    from kiosk_app.videos.room import GuideRoom

__all__ = ["Kiosk", "Options", "prepare_qt", "run"]  # prepare_qt: for tests and benchmarks

log = logging.getLogger("kiosk.app")

RESIDENT_SCREENS = ("guides", "scan", "portal")
START_SCREENS = ("home", "menu") + RESIDENT_SCREENS
OWN_KEYS_SCREENS = ("scan", "staff_pin")  # the keyboard under the scan screen's name field, the PIN pad
FLUSH_INTERVAL_MS = 15_000


@dataclass(frozen=True)
class Options:
    windowed: bool = False
    start_screen: str = "home"
    practice: str | None = None  # on | off | when-offline: overrides the config's portal.practice
    log_layout: bool = False  # tests and benchmarks: log where the touchable things are (ui.layout)


class Kiosk:
    """Every service of a running kiosk, built once, and the rooms they are handed to."""

    def __init__(self, config: KioskConfig, paths: KioskPaths, options: Options):
        self.config, self.paths, self.options = config, paths, options
        self.store = SessionStore.deferred(paths.db_file, paths.backups_dir)
        self.sessions = SessionManager(self.store, paths, config.kiosk.id)
        self.auth = StaffAuth(self.store, config.staff.failed_pin_limit, config.staff.lockout_s)
        self.outcomes = SessionOutcomes(self.sessions, self.store)
        self.idle = IdleWatcher(config.session.idle_timeout_s, config.session.countdown_s)
        self.window = KioskWindow(windowed=options.windowed)
        self.nav = self.window.nav
        self.lockdown = LockdownFilter(self.window)
        # On the kiosk's own windows, never on the QApplication (see WindowInputFilters).
        self.input_filters = WindowInputFilters([self.idle, self.lockdown], self.window)
        self.scanning: ScanService | None = None  # built by start(), once the home screen is up,
        self.guides: GuideRoom | None = None  # like the guides
        self._sync: SyncWorker | None = None  # sending figures upward, when configured

        settings, guides = (lambda: self.config), (lambda: self.guides)
        self.ending = EndRoom(self.nav, self.sessions, self.outcomes, settings, guides)
        self.front = FrontRoom(self.window, self.sessions, self.idle, config.kiosk.commune, self.problems,
                               self.ending.screen_after)
        end_confirm = self.front.end_confirm
        self.portal_room = PortalRoom(self.nav, self.sessions, settings, options.practice, guides,
                                      on_built=lambda portal: self.ending.attach_to_portal(portal, end_confirm.open))
        self.staff = StaffRoom(self.nav, self.sessions, self.store, self.auth, self.outcomes, self.idle, paths,
                               settings, self.problems, cover=(self.front.idle_overlay, end_confirm))
        self.nav.add_lazy("scan", self._make_scan_screen)
        self._wire()

        self._flush_timer = QTimer(self.window)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._flush_timer.start()

    def _make_scan_screen(self):
        from kiosk_app.scanner.screen import ScanScreen  # page previews: built when first needed

        screen = ScanScreen(self.scanning)
        screen.back.connect(lambda: self.nav.go("menu"))
        screen.filing.connect(lambda: self.nav.go("portal"))
        return screen

    def _wire(self) -> None:
        nav, staff = self.nav, self.staff
        self.front.end_confirm.accepted.connect(self.ending.resident_end)
        self.window.staff_requested.connect(staff.open)
        # Text fields get the on-screen keyboard, except on screens with keys of their own.
        dock = self.window.keyboard_dock
        dock.serves = lambda _field: nav.current not in OWN_KEYS_SCREENS
        # Not on the portal: its page's focus is QtWebEngine's internal widgets (see follow_focus).
        nav.going.connect(lambda name: name == "portal" and dock.follow_focus(False))
        nav.changed.connect(lambda name: name != "portal" and dock.follow_focus(True))
        staff.practice_requested.connect(self.portal_room.switch_session_to_practice)
        staff.session_done.connect(self.ending.end_with_feedback)
        staff.settings_saved.connect(self._apply_settings)
        staff.quit_requested.connect(self.quit)

    # ------------------------------------------------------------ behaviour

    def problems(self) -> list[str]:
        """What staff should know about, in Vietnamese."""
        found = []
        if self.store.available and self.store.moved_aside is not None:
            found.append(T.PROBLEM_DB_CORRUPT)
        if not self.store.available and self.store.problem_kind in T.PROBLEM_DB_KINDS:
            found.append(T.PROBLEM_DB_KINDS[self.store.problem_kind])  # nothing can be saved until fixed
        elif not self.store.available or self.store.pending:
            found.append(T.PROBLEM_DB)
        if self.store.available and not self.auth.pin_is_set():
            found.append(T.PROBLEM_NO_ADMIN_PIN)
        return found

    def _apply_settings(self, config: KioskConfig) -> None:
        """What the settings screen saved, applied now (the portal's start page: next session)."""
        self.config = config
        self.idle.timeout_s = config.session.idle_timeout_s
        self.front.home.set_commune(config.kiosk.commune)

    def _flush(self) -> None:
        if self.store.pending or not self.store.available:
            self.store.flush()

    # ------------------------------------------------------------ start and stop

    def _build_rooms(self) -> None:
        """The scanner and the guides: services the home screen does not need to be shown."""
        from kiosk_app.scanner.presets import settings_from_config
        from kiosk_app.scanner.service import ScanService
        from kiosk_app.videos.room import GuideRoom

        self.scanning = ScanService(settings_from_config(self.config.scanner, self.config.guided.procedures),
                                    self.sessions.record, SANE_CONFIG_DIR)
        self.sessions.started.connect(
            lambda s: self.scanning.begin_session(s.work_dir, s.fields.get("procedure_code")))
        self.scanning.progress.connect(lambda *_: self.idle.poke())  # a long feeder scan is not idleness
        self.guides = GuideRoom(self.nav, self.sessions.record, self.config.videos, keep_awake=self.idle.poke)
        # First: a page's alert or the file picker left open would stay over the next resident's screen.
        self.sessions.add_wipe_step("dialogs", lambda _s: close_dialogs())
        self.sessions.add_wipe_step("scanner", self.scanning.end_session)
        self.sessions.add_wipe_step("screens", lambda _s: [screen.reset() for screen in self.nav.screens()])
        self.sessions.add_wipe_step("clipboard", lambda _s: QGuiApplication.clipboard().clear())

    def start(self) -> None:
        self.window.present()
        self.input_filters.follow(self.window)
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
        self.front.show_problems()
        log_event(log, "app.recovered", interrupted=len(interrupted))
        remove_export_leftovers(self.paths.data_dir, self.config.reports.usb_roots)
        if self.config.sync.enabled:  # sending figures upward, when the district or province asked for it
            from kiosk_app.stats.sync import SyncWorker

            self._sync = SyncWorker(self.paths.db_file, self.config.sync, self.config.kiosk.id)
            self._sync.start()
        self.scanning.start()  # the scan process and the device search run beside the UI

    def quit(self) -> None:
        self.window.allow_close = True
        QApplication.instance().quit()

    def shutdown(self) -> None:
        if self._sync is not None:
            self._sync.stop()
        if self.sessions.current is not None:
            self.sessions.end("shutdown")
        self.portal_room.shutdown()
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

