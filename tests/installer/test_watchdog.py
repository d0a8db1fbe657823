"""The kiosk tells systemd it is alive: READY=1, then WATCHDOG=1 from its event loop."""

from __future__ import annotations

import socket

import pytest

from kiosk_app import watchdog


@pytest.fixture
def notify_socket(tmp_path):
    """A datagram socket standing for systemd's NOTIFY_SOCKET."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setblocking(False)
    received: list[str] = []

    def messages() -> list[str]:
        while True:
            try:
                received.append(sock.recv(4096).decode())
            except BlockingIOError:
                return received

    yield str(path), messages
    sock.close()


@pytest.mark.parametrize("environ,expected", [
    ({}, None),
    ({"WATCHDOG_USEC": "30000000"}, None),  # a watchdog without a socket to tell
    ({"NOTIFY_SOCKET": "/run/x"}, watchdog.DEFAULT_INTERVAL_MS),
    ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "60000000"}, 20_000),
    ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "900000"}, 1000),
    ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "soon"}, watchdog.DEFAULT_INTERVAL_MS),
])
def test_ping_interval_is_a_third_of_the_watchdog(environ, expected):
    assert watchdog.ping_interval_ms(environ) == expected


def test_the_event_loop_pings_systemd(qtbot, notify_socket):
    path, messages = notify_socket
    dog = watchdog.SystemdWatchdog(environ={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "3000000"})
    dog.start()
    qtbot.waitUntil(lambda: "WATCHDOG=1" in messages(), timeout=5000)
    assert messages()[0].startswith("READY=1") and dog.pings >= 1
    dog.stop()
    assert messages()[-1] == "STOPPING=1"


def test_without_a_socket_nothing_is_sent():
    assert watchdog.notify("READY=1", "") is False
    assert watchdog.SystemdWatchdog(environ={}).active is False


def test_the_running_kiosk_notifies_systemd(start_kiosk, notify_socket):
    from tests.conftest import wait_until

    path, messages = notify_socket
    kiosk = start_kiosk("--temp-data-dir", "--windowed",
                        env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "3000000"})
    kiosk.wait_event("app.ready")
    wait_until(lambda: "WATCHDOG=1" in messages(), timeout=30, what="a watchdog ping from the kiosk")
    assert messages()[0].startswith("READY=1")
    kiosk.stop()
    wait_until(lambda: "STOPPING=1" in messages(), timeout=30, what="STOPPING=1 at exit")
