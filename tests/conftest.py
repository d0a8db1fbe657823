"""Shared test set-up: offscreen Qt, a throwaway data dir per test, Xvfb for real windows,
and a way to run the kiosk as a subprocess and wait on its JSON event log."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def pytest_configure(config):
    from kiosk_app.app import prepare_qt

    prepare_qt()  # before pytest-qt makes the QApplication


# ---------------------------------------------------------------- unexpected warnings fail

def _log_name(record: logging.LogRecord) -> str:
    return getattr(record, "event", None) or record.getMessage()


def expected(name: str, allowed: tuple[str, ...]) -> bool:
    """Whether a warning or error (an event name or a log message) is one the test asked for."""
    return any(name == a or name.startswith(a) for a in allowed)


@pytest.fixture(autouse=True)
def fail_on_unexpected_log(request, caplog):
    """Every warning or error the kiosk logs in-process fails the test unless the test names it
    with @pytest.mark.allow_log("event.name", ...) (a prefix such as "scan." allows a family)."""
    yield
    marker = request.node.get_closest_marker("allow_log")
    allowed = tuple(marker.args) if marker else ()
    found = [f"{r.levelname} {r.name}: {_log_name(r)}" for r in caplog.get_records("call") + caplog.get_records("setup")
             if r.levelno >= logging.WARNING and r.name.startswith("kiosk") and not expected(_log_name(r), allowed)]
    if found:
        pytest.fail("unexpected warnings or errors in the kiosk's log:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def kiosk_paths(tmp_path):
    from kiosk_app.paths import KioskPaths

    paths = KioskPaths(tmp_path / "data")
    paths.ensure()
    return paths


@pytest.fixture
def store(kiosk_paths):
    """The session log on disk, opened as the kiosk opens it."""
    from kiosk_app.storage.session_store import SessionStore

    s, problem = SessionStore.open(kiosk_paths.db_file, kiosk_paths.backups_dir)
    assert problem is None
    yield s
    s.close()


def click(qtbot, root, name):
    """Touch the visible button called `name` under `root`, as a resident would."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    widget = root.findChild(QPushButton, name)
    assert widget is not None, f"no button {name}"
    assert widget.isVisible(), f"button {name} is not visible"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


@pytest.fixture(scope="session")
def xvfb_display():
    """A real X server for what needs a window (video output, screenshots)."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def wait_until(condition, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):
    """Poll `condition` until it returns something truthy (for subprocess tests, outside Qt)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


@dataclass
class KioskProcess:
    proc: subprocess.Popen
    log_file: Path
    stderr_file: Path
    env: dict = field(default_factory=dict)
    allowed: tuple[str, ...] = ()  # error events the test expects (see fail_on_unexpected_log)

    def unexpected_errors(self) -> list[dict]:
        return [e for e in self.events()
                if e.get("level") in ("error", "critical") and not expected(e["event"] if e["event"] != "log"
                                                                            else e.get("message", ""), self.allowed)]

    def events(self) -> list[dict]:
        if not self.log_file.exists():
            return []
        lines = self.log_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def wait_event(self, name: str, timeout: float = 60.0, nth: int = 0, **match) -> dict:
        """The first (or `nth`, from 0) event `name` with these fields; fails if the kiosk dies."""
        def found():
            if self.proc.poll() is not None:
                raise AssertionError(f"kiosk exited ({self.proc.returncode}) before {name}: "
                                     f"{self.stderr_file.read_text(errors='replace')[-2000:]}")
            seen = [e for e in self.events() if e["event"] == name and all(e.get(k) == v for k, v in match.items())]
            return seen[nth] if len(seen) > nth else None
        return wait_until(found, timeout, what=f"event {name} {match}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def start_kiosk(tmp_path, request):
    """Start `python -m kiosk_app ARGS` with a JSON log; stops it at the end of the test, and fails
    the test on an error line in its log that the test did not name with @pytest.mark.allow_log."""
    started: list[KioskProcess] = []
    marker = request.node.get_closest_marker("allow_log")
    allowed = tuple(marker.args) if marker else ()

    def start(*args: str, display: str | None = None, env: dict | None = None) -> KioskProcess:
        n = len(started)
        log_file = tmp_path / f"events-{n}.jsonl"
        stderr_file = tmp_path / f"stderr-{n}.txt"
        full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
        if display:
            full_env["DISPLAY"] = display
            full_env["QT_QPA_PLATFORM"] = "xcb"
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk_app", "--log-json", str(log_file), *args],
            cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=open(stderr_file, "wb"))
        kp = KioskProcess(proc, log_file, stderr_file, full_env, allowed)
        started.append(kp)
        return kp

    yield start
    errors = []
    for kp in started:
        kp.stop()
        errors += kp.unexpected_errors()
    if errors:
        pytest.fail("the kiosk logged errors:\n" + "\n".join(json.dumps(e, ensure_ascii=False) for e in errors),
                    pytrace=False)
