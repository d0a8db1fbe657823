"""Tell systemd the kiosk is alive (sd_notify READY=1 / WATCHDOG=1) from the Qt event loop.

An installed kiosk runs under a unit with `Type=notify` and `WatchdogSec=`: if the event loop
hangs, the pings stop and systemd restarts the kiosk. Outside systemd (no NOTIFY_SOCKET) this
does nothing. The protocol is one datagram per message on a Unix socket; no library needed.
"""

from __future__ import annotations

import logging
import os
import socket

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger("kiosk.watchdog")

DEFAULT_INTERVAL_MS = 10_000


def notify(message: str, socket_path: str | None = None) -> bool:
    """Send one sd_notify message; False when there is no socket or it cannot be reached."""
    path = socket_path if socket_path is not None else os.environ.get("NOTIFY_SOCKET", "")
    if not path:
        return False
    if path.startswith("@"):  # an abstract socket
        path = "\0" + path[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(path)
            sock.sendall(message.encode())
        return True
    except OSError as exc:
        log.warning("cannot notify systemd at %s: %s", path, exc)
        return False


def ping_interval_ms(environ: dict | os._Environ = os.environ) -> int | None:
    """How often to ping: a third of WATCHDOG_USEC, or a default when only a socket is given.

    The kiosk runs inside the compositor, a child of the unit's main process, so systemd's
    WATCHDOG_PID names the compositor; the unit sets NotifyAccess=all and the pings still count.
    """
    if not environ.get("NOTIFY_SOCKET"):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", "0"))
    except ValueError:
        usec = 0
    return max(1000, usec // 3000) if usec > 0 else DEFAULT_INTERVAL_MS


class SystemdWatchdog(QObject):
    """Pings systemd while the event loop turns; sends READY=1 on the first turn."""

    def __init__(self, parent: QObject | None = None, environ=os.environ):
        super().__init__(parent)
        self.interval_ms = ping_interval_ms(environ)
        self.socket_path = environ.get("NOTIFY_SOCKET", "")
        self.pings = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._ping)

    @property
    def active(self) -> bool:
        return self.interval_ms is not None

    def start(self) -> None:
        if not self.active:
            return
        self._timer.setInterval(self.interval_ms)
        self._timer.start()
        # READY once the loop runs: a config-error screen is a live kiosk too, waiting for staff.
        QTimer.singleShot(0, lambda: notify("READY=1\nSTATUS=event loop running", self.socket_path))

    def _ping(self) -> None:
        if notify("WATCHDOG=1", self.socket_path):
            self.pings += 1

    def stop(self) -> None:
        self._timer.stop()
        if self.active:
            notify("STOPPING=1", self.socket_path)
