"""The scan process's main loop: owns the driver, answers requests, streams pages to disk.

Runs in a separate process (spawn) so that a slow, hung or crashing driver never takes the
kiosk window with it. Messages are plain tuples over a multiprocessing Connection.

It never outlives the kiosk: on Linux the kernel kills it when the kiosk dies (prctl's
PR_SET_PDEATHSIG), and everywhere a thread waiting on a pipe the kiosk never writes to ends it
at EOF, whatever the driver is doing. A pipe broken mid-scan ends it quietly too.
"""

from __future__ import annotations

import errno
import faulthandler
import os
import signal
import sys
import threading
from pathlib import Path

from .protocol import Fault, PageFile, ScanError

# Progress messages are throttled: enough for a smooth bar, few enough to be cheap.
_PROGRESS_STEP = 0.02
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# The kiosk went away while we talked to it: nothing to report, nobody to report to.
_PARENT_GONE = (EOFError, BrokenPipeError, ConnectionResetError)


class CancelFlag:
    """"Stop this scan", shared with the scan process: one byte of shared memory with no lock.

    Not a multiprocessing.Event: its lock can be held by the scan process at the moment that
    process is stopped or killed (a hung or crashed driver), and the kiosk's next set() or clear()
    would then wait for it forever, with the screen frozen."""

    def __init__(self, ctx):
        self._value = ctx.RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def clear(self) -> None:
        self._value.value = 0

    def is_set(self) -> bool:
        return self._value.value != 0


def _die_with_parent(parent_pid: int) -> None:
    """Linux: have the kernel SIGKILL us when the kiosk dies (even mid-way in a driver call).

    The signal follows the *thread* that started us; the kiosk starts the scan process from
    its main thread, whose end is the kiosk's end."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # the pipe watch below still ends us
    if os.getppid() != parent_pid:  # the kiosk died before prctl: nothing would signal us
        os._exit(0)


def _exit_on_eof(watch) -> None:
    """Block until the kiosk's end of `watch` closes (it never writes), then leave at once."""
    try:
        watch.recv()
    except (EOFError, OSError):
        pass
    os._exit(0)


def make_backend(name: str):
    if name == "sane":
        from .sane_backend import SaneBackend

        return SaneBackend()
    raise ValueError(f"unknown scanner backend {name!r}")


class _PipeSink:
    """Delivers one job's output: progress to the kiosk, pages to files in `pages_dir`."""

    def __init__(self, conn, cancel_event, job: int, pages_dir: str):
        self._conn = conn
        self._cancel = cancel_event
        self._job = job
        self._dir = Path(pages_dir)
        self._count = 0
        self._last = (-1, -1.0)

    def progress(self, page_index: int, fraction: float) -> None:
        last_page, last_fraction = self._last
        if page_index != last_page or fraction - last_fraction >= _PROGRESS_STEP:
            self._last = (page_index, fraction)
            self._conn.send(("progress", self._job, page_index, fraction))

    def page(self, image, area_mm, dpi: int, color: bool) -> None:
        self._count += 1
        path = self._dir / f"{self._job:04d}-{self._count:03d}.pnm"
        tmp = path.with_suffix(".part")
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            image.save(tmp, format="PPM")
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            fault = Fault.DISK_FULL if exc.errno in (errno.ENOSPC, errno.EDQUOT) else Fault.OTHER
            raise ScanError(fault, f"writing page: {exc.strerror}") from None
        page = PageFile(str(path), dpi, color, image.size, (float(area_mm[0]), float(area_mm[1])))
        self._conn.send(("page", self._job, page))

    def cancelled(self) -> bool:
        return self._cancel.is_set()


def _serve(conn, cancel_event, backend) -> None:
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        kind = msg[0]
        if kind == "quit":
            return
        if kind == "list":
            found = []
            for device in backend.list_devices():
                try:
                    found.append((device, backend.describe(device.id)))
                except ScanError:
                    found.append((device, None))
            conn.send(("devices", found))
        elif kind == "scan":
            _, job, request, pages_dir = msg
            sink = _PipeSink(conn, cancel_event, job, pages_dir)
            try:
                count = backend.scan(request, sink)
            except _PARENT_GONE:
                raise
            except ScanError as exc:
                fault = (exc.fault.value, exc.detail)
            except Exception as exc:  # a bug here must not look like a driver crash
                fault = (Fault.OTHER.value, repr(exc))
            else:
                conn.send(("done", job, count, cancel_event.is_set()))
                backend.settle()
                conn.send(("settled", job))
                continue
            # After a fault, drivers are often left in a state where cancel or the next start
            # blocks (the test backend does, now and then). A fresh process is the sure reset:
            # report, then leave without touching the driver again; the kiosk starts a new one.
            conn.send(("fault", job) + fault)
            conn.send(("exiting",))
            conn.close()
            os._exit(0)


def run(conn, cancel_event, env: dict[str, str], backend_name: str, parent_watch=None,
        parent_pid: int | None = None) -> None:
    """Entry point of the scan process. `parent_pid` None: no death signal (the pipe watch only)."""
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    if parent_watch is not None:
        threading.Thread(target=_exit_on_eof, args=(parent_watch,), name="parent-watch",
                         daemon=True).start()
    try:
        _run(conn, cancel_event, env, backend_name)
    except _PARENT_GONE:
        os._exit(0)  # quietly: no traceback, no driver cleanup that could block


def _run(conn, cancel_event, env: dict[str, str], backend_name: str) -> None:
    # Ctrl-C in a terminal reaches the whole process group; the kiosk decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # `kill -USR1 <pid>` prints where a hung driver is stuck (to the kiosk's stderr).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    os.environ.update(env)
    os.environ["PYINSANE_SINGLE_THREAD"] = "1"
    try:
        backend = make_backend(backend_name)
    except Exception as exc:  # libsane missing, no WIA, ...: nothing a restart would fix
        conn.send(("fatal", repr(exc)))
        return
    conn.send(("ready", os.getpid()))
    _serve(conn, cancel_event, backend)  # a broken pipe skips close(): the driver may block
    backend.close()

