"""The kiosk side of the scan process: start it, talk to it, watch it, restart it.

Qt-free so it can be tested on its own; scanner/service.py polls it from the Qt loop.
A request with no answer for `hang_timeout` seconds means the driver hangs: the process is
killed and started again, and the scan reports Fault.HUNG. A process that dies mid-scan
reports Fault.CRASHED. After a driver fault the process reports it, then leaves on purpose
(a fresh driver state); the next one starts quietly and gets any request sent meanwhile.
Pages already written to disk stay there in every case.

A scan with no word for `stall_notice` seconds is reported as ScanStalled (the screen says the
scanner is slow); a cancel of a stalled scan kills the process at once instead of waiting.
After `max_restarts` failures with no good scan between, the scanner is reported unavailable
and searched for again on its own after a growing wait (retry_delay: never "never");
search_again() does it at once, in a fresh process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass

from kiosk_app.logs import log_event

from . import worker
from .protocol import DeviceInfo, DeviceOptions, Fault, PageFile, ScanRequest

log = logging.getLogger("kiosk.scanner.process")


@dataclass(frozen=True)
class DevicesFound:
    devices: list[tuple[DeviceInfo, DeviceOptions | None]]


@dataclass(frozen=True)
class ScanProgress:
    job: int
    page_index: int
    fraction: float


@dataclass(frozen=True)
class PageScanned:
    job: int
    page: PageFile


@dataclass(frozen=True)
class ScanFinished:
    job: int
    pages: int
    cancelled: bool


@dataclass(frozen=True)
class ScanFailed:
    job: int
    fault: Fault
    detail: str
    pages: int  # pages delivered before the fault; they are kept


@dataclass(frozen=True)
class ScannerRestarted:
    reason: Fault


@dataclass(frozen=True)
class ScannerUnavailable:
    detail: str
    retry_in: float  # seconds until the next search on its own


@dataclass(frozen=True)
class ScanStalled:
    job: int
    stalled: bool  # False: the scan moves again


@dataclass(frozen=True)
class SearchingAgain:
    """The back-off wait is over: a fresh process looks for the scanner (DevicesFound follows)."""


def retry_delay(episode: int, base: float, cap: float) -> float:
    """Seconds to wait before searching again after the `episode`-th give-up in a row."""
    return min(cap, base * 2 ** max(0, episode - 1))


class ScanProcess:
    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        backend: str = "sane",
        hang_timeout: float = 60.0,
        stall_notice: float = 8.0,
        start_timeout: float = 60.0,
        cancel_grace: float = 5.0,
        max_restarts: int = 5,
        retry_base: float = 10.0,
        retry_cap: float = 300.0,
        parent_death_signal: bool = True,
        start_method: str = "spawn",
    ):
        self.hang_timeout = hang_timeout
        self.stall_notice = stall_notice
        self.start_timeout = start_timeout
        self.cancel_grace = cancel_grace
        self._env = dict(env or {})
        self._backend = backend
        self._max_restarts = max_restarts
        self._retry_base, self._retry_cap = retry_base, retry_cap
        self._death_signal = parent_death_signal
        self._ctx = multiprocessing.get_context(start_method)
        self._proc = None
        self._conn = None
        self._cancel_event = None
        self._ready = False
        self._unavailable = False
        self._failures = 0  # crashes and hangs since the last good scan
        self._retry_at: float | None = None  # when an unavailable scanner is searched for again
        self._stalled = False
        self._parent_watch = None  # our end of the pipe whose EOF tells the process we died
        self._next_job = 0
        self._pending: tuple | None = None  # ("list",) or ("scan", job)
        self._pending_msg: tuple | None = None
        self._settling = False  # a scan was answered; the driver is still cleaning up
        self._planned_exit = False  # the process said it leaves (after a fault)
        self._pending_pages = 0
        self._last_activity = 0.0
        self._cancel_requested = False

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        if self._proc is not None:
            return
        parent_conn, child_conn = self._ctx.Pipe()
        # Nothing is ever written here: the child sees EOF when the kiosk is gone, however it went.
        watch_reader, self._parent_watch = self._ctx.Pipe(duplex=False)
        self._cancel_event = worker.CancelFlag(self._ctx)
        self._proc = self._ctx.Process(
            target=worker.run,
            args=(child_conn, self._cancel_event, self._env, self._backend, watch_reader,
                  os.getpid() if self._death_signal else None),
            name="kiosk-scan",
            daemon=True,
        )
        self._proc.start()
        child_conn.close()
        watch_reader.close()
        self._conn = parent_conn
        self._stalled = False
        self._ready = False
        self._last_activity = time.monotonic()
        log_event(log, "scan.process_started", pid=self._proc.pid)

    def stop(self) -> None:
        if self._proc is None:
            return
        if self._pending is None and not self._settling:
            try:
                self._conn.send(("quit",))
            except OSError:
                pass
            self._proc.join(timeout=2.0)
        # Busy (a scan, a device search that probes the network): no need to wait for it.
        self._pending = None
        self._settling = False
        self._kill()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def busy(self) -> bool:
        return self._pending is not None

    @property
    def unavailable(self) -> bool:
        return self._unavailable

    @property
    def retry_at(self) -> float | None:
        """time.monotonic() of the next search on its own, while unavailable."""
        return self._retry_at

    def search_again(self) -> None:
        """A fresh device search in a fresh process, whatever happened before ("Thử lại").

        SANE reads its backends' list once per process, so a scanner plugged back in (or a
        driver fixed) is only seen by a new process."""
        self.stop()
        self._planned_exit = False
        self._unavailable = False
        self._retry_at = None
        self.list_devices()

    # -- requests -------------------------------------------------------------------------
    def list_devices(self) -> None:
        """Ask for the devices; the answer comes as DevicesFound from poll()."""
        self._send(("list",), ("list",))

    def scan(self, request: ScanRequest, pages_dir: str) -> int:
        """Start a scan; pages arrive as PageScanned, then ScanFinished or ScanFailed."""
        self._next_job += 1
        job = self._next_job
        self._cancel_event.clear()
        self._cancel_requested = False
        self._pending_pages = 0
        self._send(("scan", job, request, str(pages_dir)), ("scan", job))
        return job

    def cancel(self) -> None:
        """Stop the current scan; a driver that ignores this is killed after cancel_grace."""
        if self._pending is None or self._pending[0] != "scan":
            return
        # A stalled driver will not look at the flag: poll() kills it at once (_silent_too_long).
        # Setting the flag never waits for the scan process (worker.CancelFlag).
        self._cancel_requested = True
        self._cancel_event.set()
        self._last_activity = time.monotonic()

    def _send(self, msg: tuple, pending: tuple) -> None:
        if self._pending is not None:
            raise RuntimeError("the scan process is busy")
        if self._unavailable:
            raise RuntimeError("the scan process is unavailable")
        self.start()
        self._pending = pending
        self._pending_msg = msg
        if self._planned_exit:
            return  # sent to the next process once this one has gone
        self._last_activity = time.monotonic()
        try:
            self._conn.send(msg)
        except OSError:
            log.warning("scan process gone before a request; poll() will recover")

    # -- events ---------------------------------------------------------------------------
    def poll(self, timeout: float = 0.0) -> list:
        """Events since the last call, waiting up to `timeout` seconds for the first one."""
        if self._proc is None:
            return self._retry_when_due()
        events: list = []
        died = False
        try:
            while self._conn is not None and self._conn.poll(timeout):
                timeout = 0.0
                self._last_activity = time.monotonic()
                events.extend(self._on_message(self._conn.recv()))
        except (EOFError, OSError):
            died = True
        if self._proc is None:  # a fatal message stopped it
            return events
        if died or not self._proc.is_alive():
            events.extend(self._recover(Fault.CRASHED))
        elif (self._pending is not None or self._settling) and self._silent_too_long():
            log_event(log, "scan.process_silent", level=logging.WARNING, pending=str(self._pending),
                      settling=self._settling, cancelled=self._cancel_requested)
            if not self._cancel_requested:  # the resident waits for Dừng: no time for a stack
                self._dump_stack()
            events.extend(self._recover(Fault.HUNG))
        elif self._scanning() and not self._stalled and not self._cancel_requested \
                and time.monotonic() - self._last_activity > self.stall_notice:
            self._stalled = True
            log_event(log, "scan.stalled", level=logging.WARNING, after_s=self.stall_notice)
            events.append(ScanStalled(self._pending[1], True))
        return events

    def _scanning(self) -> bool:
        return self._ready and self._pending is not None and self._pending[0] == "scan"

    def _retry_when_due(self) -> list:
        if self._retry_at is None or time.monotonic() < self._retry_at:
            return []
        log_event(log, "scan.search_again", failures=self._failures)
        self._retry_at = None
        self._unavailable = False
        self.list_devices()
        return [SearchingAgain()]

    def _silent_too_long(self) -> bool:
        if self._cancel_requested and self._stalled:
            limit = 0.0
        elif self._settling or self._cancel_requested:
            limit = self.cancel_grace
        elif not self._ready:
            limit = self.start_timeout
        else:
            limit = self.hang_timeout
        return time.monotonic() - self._last_activity > limit

    def _on_message(self, msg: tuple) -> list:
        kind = msg[0]
        if kind == "ready":
            self._ready = True
            return []
        if kind == "fatal":
            log.error("scanner backend unavailable: %s", msg[1])
            self._pending = None
            self._kill()
            self._failures = max(self._failures, self._max_restarts) + 1
            return [self._give_up(msg[1])]
        if kind == "devices":
            self._pending = None
            return [DevicesFound(msg[1])]
        if kind in ("progress", "page") and self._stalled:
            self._stalled = False
            resumed = [ScanStalled(msg[1], False)]
        else:
            resumed = []
        if kind == "progress":
            return resumed + [ScanProgress(msg[1], msg[2], msg[3])]
        if kind == "page":
            self._pending_pages += 1
            return resumed + [PageScanned(msg[1], msg[2])]
        if kind == "done":
            self._pending, self._settling = None, True
            self._failures = 0
            return [ScanFinished(msg[1], msg[2], msg[3])]
        if kind == "fault":
            self._pending, self._settling = None, True
            return [ScanFailed(msg[1], Fault(msg[2]), msg[3], self._pending_pages)]
        if kind == "settled":
            self._settling = False
            return []
        if kind == "exiting":
            self._planned_exit = True
            return []
        log.warning("unknown message from the scan process: %r", kind)
        return []

    def _recover(self, fault: Fault) -> list:
        events: list = []
        pending, resend = self._pending, None
        self._pending = None
        if self._settling:
            # Stuck or dead while cleaning up the last scan: a request sent since then was
            # never started, so the new process gets it again.
            self._settling = False
            resend = self._pending_msg if pending is not None else None
            pending = None
        planned, self._planned_exit = self._planned_exit, False
        self._kill()
        if planned:
            self.start()
            if resend is not None:
                self._send(resend, self._pending_for(resend))
            return events
        if pending is not None and pending[0] == "scan":
            job = pending[1]
            if self._cancel_requested:
                events.append(ScanFinished(job, self._pending_pages, True))
            else:
                events.append(ScanFailed(job, fault, "scan process " + fault.value, self._pending_pages))
        elif pending is not None:
            events.append(DevicesFound([]))
        self._failures += 1
        if self._failures > self._max_restarts:
            events.append(self._give_up("scan process keeps dying"))
            return events
        self.start()
        events.append(ScannerRestarted(fault))
        if resend is not None:
            self._send(resend, self._pending_for(resend))
        return events

    def _give_up(self, detail: str) -> ScannerUnavailable:
        """No more restarts for now: search again on our own after a wait that grows."""
        delay = retry_delay(self._failures - self._max_restarts, self._retry_base, self._retry_cap)
        self._unavailable = True
        self._retry_at = time.monotonic() + delay
        log_event(log, "scan.unavailable", level=logging.WARNING, failures=self._failures,
                  retry_in_s=round(delay, 1))
        return ScannerUnavailable(detail, delay)

    @staticmethod
    def _pending_for(msg: tuple) -> tuple:
        return ("scan", msg[1]) if msg[0] == "scan" else (msg[0],)

    def _dump_stack(self) -> None:
        """Ask the stuck process to print its Python stack (see worker.run) before it dies."""
        usr1 = getattr(signal, "SIGUSR1", None)  # POSIX only
        if usr1 is not None and self._proc is not None and self._proc.pid:
            try:
                os.kill(self._proc.pid, usr1)
            except OSError:
                return
            self._proc.join(timeout=0.3)  # give faulthandler a moment to write

    def _kill(self) -> None:
        proc, conn, watch = self._proc, self._conn, self._parent_watch
        self._proc = self._conn = self._parent_watch = None
        self._ready = False
        self._stalled = False
        if proc is not None:
            if proc.is_alive():
                proc.kill()  # SIGKILL also ends a stopped or wedged driver
            proc.join(timeout=5.0)
        for end in (conn, watch):
            if end is not None:
                end.close()
