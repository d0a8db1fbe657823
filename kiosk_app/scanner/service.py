"""The scanning service the scan screen talks to: devices, scans, pages, documents, logging.

Lives in the Qt main thread and polls the scan process with a timer; screens only call its
methods and listen to its signals. Facts go to the session log through `record` (counts,
sizes, preset keys and fault names only: never images or typed names).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from .documents import DocumentResult, session_documents, write_document
from .pages import Page, PageList, discard, page_from_file
from .presets import TEST_DEVICE, ScannerSettings, ScanPreset, choose_device
from .process import (
    DevicesFound,
    PageScanned,
    ScanFailed,
    ScanFinished,
    ScannerRestarted,
    ScannerUnavailable,
    ScanProcess,
    ScanProgress,
    ScanStalled,
    SearchingAgain,
)
from .protocol import DeviceInfo, DeviceOptions, Fault, ScanError

log = logging.getLogger("kiosk.scanner")

POLL_MS = 40
PAGES_FOLDER = "scan-pages"


class ScanService(QObject):
    stateChanged = Signal(str)  # "searching", "ready", "no_scanner", "scanning"
    progress = Signal(int, float)  # page number (1-based), fraction of that page
    pagesChanged = Signal()
    pageArrived = Signal(int)  # index of a page just scanned, after pagesChanged
    scanEnded = Signal(int, str, bool)  # pages added, fault name ("" when none), cancelled
    blankPagesFound = Signal(int)
    stalled = Signal(bool)  # True: no word from the scanner for a while; False: it moves again

    def __init__(self, settings: ScannerSettings, record: Callable[..., Any],
                 test_config_dir: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self._record = record
        self._test_config_dir = test_config_dir
        self._testing_fallback = False
        self.pages = PageList()
        self.device: DeviceInfo | None = None
        self.device_options: DeviceOptions | None = None
        self.state = "searching"
        self._work_dir: Path | None = None
        self.procedure_code: str | None = None  # known from a guided session
        self._job: dict | None = None
        self._deleted: tuple[int, Page] | None = None  # the last deleted page, for undo
        self._process = self._make_process({})
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Start the scan process and look for a scanner."""
        self._timer.start()
        self.refresh_devices()

    def shutdown(self) -> None:
        self._timer.stop()
        self._process.cancel()
        self._process.stop()

    def begin_session(self, work_dir: Path, procedure_code: str | None = None) -> None:
        self._work_dir = Path(work_dir)
        self.procedure_code = procedure_code

    def end_session(self, _session=None) -> None:
        """Session wipe step: stop any scan and forget every page."""
        if self._process.busy:
            self._process.cancel()
        self._job = None
        self._forget_deleted()
        self.pages.clear()
        self.procedure_code = None
        if self._work_dir is not None:
            shutil.rmtree(self._work_dir / PAGES_FOLDER, ignore_errors=True)
        self._work_dir = None
        self.pagesChanged.emit()

    def refresh_devices(self) -> None:
        """Look for the scanner with the running process (it searches again on its own when
        it has given up for a while)."""
        if self._process.busy or self._process.unavailable:
            if self._process.unavailable:
                self._set_state("no_scanner")
            return
        self._set_state("searching")
        self._process.list_devices()

    def search_again(self) -> None:
        """"Thử lại": a fresh device search in a fresh scan process, always."""
        if self.state == "scanning":
            return
        self._record("scan.search_again")
        self._set_state("searching")
        self._process.search_again()

    # -- scanning -------------------------------------------------------------------------
    @property
    def has_feeder(self) -> bool:
        return bool(self.device_options and self.device_options.has_feeder)

    def scan(self, preset: ScanPreset, feeder: bool = False, replace: int | None = None,
             insert_at: int | None = None) -> bool:
        """Scan with a preset; pages go at the end, at `insert_at`, or in place of `replace`."""
        if self.state != "ready" or self._work_dir is None or self.device is None:
            return False
        feeder = feeder and self.has_feeder and replace is None
        request = preset.request(self.device.id, feeder)
        pages_dir = self._work_dir / PAGES_FOLDER
        job = self._process.scan(request, str(pages_dir))
        at = len(self.pages) if insert_at is None else insert_at
        self._job = {"id": job, "preset": preset.key, "feeder": feeder, "replace": replace,
                     "at": at, "added": 0, "blank": 0}
        self._set_state("scanning")
        return True

    def cancel(self) -> None:
        self._process.cancel()

    # -- page tools -----------------------------------------------------------------------
    def rotate(self, index: int) -> None:
        self.pages.rotate(index)
        self.pagesChanged.emit()

    def delete(self, index: int) -> None:
        """Take a page out; undo_delete() puts the last one back until the next change."""
        self._forget_deleted()
        self._deleted = (index, self.pages.take(index))
        self.pagesChanged.emit()

    def undo_delete(self) -> int | None:
        """Put the last deleted page back where it was; its index, or None if nothing to undo."""
        if self._deleted is None:
            return None
        index, page = self._deleted
        self._deleted = None
        index = self.pages.add(page, at=index)
        self.pagesChanged.emit()
        return index

    @property
    def can_undo(self) -> bool:
        return self._deleted is not None

    def _forget_deleted(self) -> None:
        deleted, self._deleted = self._deleted, None
        discard(deleted[1] if deleted else None)

    def move(self, index: int, to: int) -> None:
        self.pages.move(index, to)
        self.pagesChanged.emit()

    def remove_blank(self) -> int:
        count = self.pages.remove_blank()
        self._record("scan.blank_removed", count=count)
        self.pagesChanged.emit()
        return count

    # -- documents ------------------------------------------------------------------------
    def save_document(self, name: str) -> DocumentResult:
        """Write the pages as one document; the pages stay if writing fails (ScanError)."""
        if self._work_dir is None or not len(self.pages):
            raise ValueError("nothing to save")
        try:
            result = write_document(list(self.pages.pages), self._work_dir, name, self.settings.output)
        except ScanError as exc:
            self._record("scan.error", fault=exc.fault.value, stage="document", pages_kept=len(self.pages))
            raise
        self._forget_deleted()
        self._record("scan.document", pages=result.pages, bytes=result.size, quality=result.step.quality,
                     scale=result.step.scale, reduced=result.reduced, over_budget=result.over_budget,
                     jpeg=result.jpeg is not None)
        self.pages.clear()
        self.pagesChanged.emit()
        return result

    def documents(self) -> list[Path]:
        return session_documents(self._work_dir) if self._work_dir is not None else []

    # -- the scan process ---------------------------------------------------------------
    def _make_process(self, env: dict[str, str]) -> ScanProcess:
        return ScanProcess(env=env, hang_timeout=self.settings.hang_timeout_s,
                           stall_notice=self.settings.stall_notice_s)

    def _poll(self) -> None:
        for event in self._process.poll(0):
            self._on_event(event)

    def _on_event(self, event) -> None:
        if isinstance(event, DevicesFound):
            self._on_devices(event.devices)
        elif isinstance(event, ScanProgress):
            if self._job is not None and event.job == self._job["id"]:
                self.progress.emit(self._job["added"] + 1, event.fraction)
        elif isinstance(event, PageScanned):
            self._on_page(event)
        elif isinstance(event, (ScanFinished, ScanFailed)):
            self._on_scan_end(event)
        elif isinstance(event, ScannerRestarted):
            self._record("scan.process_restarted", reason=event.reason.value)
        elif isinstance(event, ScanStalled):
            if self._job is not None and event.job == self._job["id"]:
                self.stalled.emit(event.stalled)
        elif isinstance(event, ScannerUnavailable):
            self._record("scan.unavailable", retry_in_s=round(event.retry_in))
            self.device = None
            self._set_state("no_scanner")
        elif isinstance(event, SearchingAgain):
            self._set_state("searching")

    def _on_devices(self, found: list[tuple[DeviceInfo, DeviceOptions | None]]) -> None:
        configured = TEST_DEVICE if self._testing_fallback else self.settings.device
        device = choose_device([d for d, _ in found], configured)
        if device is None and self.settings.test_scanner_fallback and not self._testing_fallback \
                and self._test_config_dir is not None:
            # Demonstration kiosks: no real scanner, so use SANE's test scanner via config/sane.
            self._testing_fallback = True
            self._process.stop()
            self._process = self._make_process({"SANE_CONFIG_DIR": str(self._test_config_dir)})
            self._process.list_devices()
            return
        self.device = device
        self.device_options = dict(found).get(device) if device is not None else None
        self._record("scan.devices", found=len(found), chosen=bool(device),
                     virtual=bool(device and device.is_virtual))
        self._set_state("ready" if device is not None else "no_scanner")

    def _on_page(self, event: PageScanned) -> None:
        job = self._job
        if job is None or event.job != job["id"]:
            return  # a scan from a finished session
        page = page_from_file(event.page, self.settings.detect_blank_pages and job["feeder"])
        if job["replace"] is not None and job["replace"] < len(self.pages):
            index = job["replace"]
            self.pages.replace(index, page)
        else:
            index = self.pages.add(page, at=job["at"] + job["added"])
        job["added"] += 1
        job["blank"] += int(page.blank)
        self.pagesChanged.emit()
        self.pageArrived.emit(index)

    def _on_scan_end(self, event) -> None:
        job, self._job = self._job, None
        if job is None or event.job != job["id"]:
            if self.state == "scanning":
                self._set_state("ready")
            return
        source = "feeder" if job["feeder"] else "flatbed"
        fault = ""
        cancelled = isinstance(event, ScanFinished) and event.cancelled
        if isinstance(event, ScanFailed):
            fault = event.fault.value
            self._record("scan.error", fault=fault, stage="scan", preset=job["preset"], source=source,
                         pages_added=job["added"], pages_kept=len(self.pages))
        self._record("scan.pages", pages=job["added"], preset=job["preset"], source=source,
                     blank=job["blank"], cancelled=cancelled)
        self._set_state("ready")
        self.scanEnded.emit(job["added"], fault, cancelled)
        if job["blank"]:
            self.blankPagesFound.emit(job["blank"])
        if fault in (Fault.IO_ERROR.value, Fault.NO_SCANNER.value):
            self.refresh_devices()  # unplugged? find out before the next touch

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
