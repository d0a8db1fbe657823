"""Fixtures of the portal tests: loopback servers, a stand-in session, the portal screen."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable

import pytest
import shiboken6


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    ctype: str = "text/html; charset=utf-8"
    # Streamed instead of ``body``: chunks written until the client hangs up; Content-Length is
    # ``declared_length`` when given, else absent (the client cannot know the size).
    chunks: Callable[[], Iterable[bytes]] | None = None
    declared_length: int | None = None


Route = Callable[["BaseHTTPRequestHandler"], Response] | Response


class TestSite:
    """A loopback server for hand-written test pages; remembers every request it got."""

    __test__ = False

    def __init__(self, port: int = 0):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.streamed: list[tuple[str, int]] = []  # path, bytes written before the client left
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                site.requests.append((self.command, self.path, dict(self.headers)))
                route = site.routes.get(self.path.split("?")[0])
                response = route(self) if callable(route) else route
                if response is None:
                    response = Response("not found", 404)
                if response.chunks is not None:
                    return self._stream(response)
                body = response.body.encode() if isinstance(response.body, str) else response.body
                self.send_response(response.status)
                self.send_header("Content-Type", response.ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in response.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def _stream(self, response):
                self.send_response(response.status)
                self.send_header("Content-Type", response.ctype)
                if response.declared_length is not None:
                    self.send_header("Content-Length", str(response.declared_length))
                for k, v in response.headers.items():
                    self.send_header(k, v)
                self.send_header("Connection", "close")
                self.end_headers()
                sent = 0
                try:
                    for chunk in response.chunks():
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                site.streamed.append((self.path, sent))
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requested(self, path: str) -> list[dict]:
        return [headers for _, p, headers in self.requests if p.split("?")[0] == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def site():
    s = TestSite()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def practice():
    from kiosk_app.practice.server import PracticePortal

    with PracticePortal() as portal:
        yield portal


class FakeSession:
    """Stands for the backbone's session: a working folder and an event recorder."""

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.events: list[tuple[str, dict]] = []
        self.fields: dict = {}

    def record(self, event: str, **fields) -> None:
        self.events.append((event, fields))

    def named(self, event: str) -> list[dict]:
        return [f for e, f in self.events if e == event]


class FakeSessions:
    """Stands for the SessionManager: events and outcome go to the session the screen shows."""

    def __init__(self):
        self.screen = None
        self.current = None

    def record(self, event: str, **fields) -> None:
        self.screen.session.record(event, **fields)

    def update(self, **fields) -> None:
        self.screen.session.fields.update(fields)


class RecordingDialogs:
    def __init__(self):
        self.seen: list[tuple[str, str]] = []
        self.confirm_answer = True
        self.prompt_answer: str | None = "trả lời"

    def alert(self, text):
        self.seen.append(("alert", text))

    def confirm(self, text):
        self.seen.append(("confirm", text))
        return self.confirm_answer

    def prompt(self, text, default):
        self.seen.append(("prompt", text))
        return self.prompt_answer


class RecordingChooser:
    """Chooses every offered file (or ``pick`` names) and remembers what it was offered."""

    def __init__(self):
        self.offers: list[tuple[list[Path], bool]] = []
        self.pick: list[str] | None = None

    def __call__(self, files, multiple):
        self.offers.append((list(files), multiple))
        if self.pick is not None:
            return [f for f in files if f.name in self.pick]
        return list(files)


@pytest.fixture
def make_screen(qtbot, site, practice, tmp_path):
    """Builds a PortalScreen allowing the test site and the practice portal; torn down after."""
    from kiosk_app.portal.rules import PortalRules
    from kiosk_app.portal.options import PortalOptions
    from kiosk_app.portal.view import PortalScreen

    built = []

    def make(home_url: str | None = None, **option_overrides):
        rules = option_overrides.pop("rules", None) or PortalRules.from_lists([site.origin, practice.origin])
        options = PortalOptions(home_url=home_url or practice.home_url, rules=rules, **option_overrides)
        dialogs, chooser, sessions = RecordingDialogs(), RecordingChooser(), FakeSessions()
        screen = PortalScreen(options, sessions, lambda parent: dialogs, lambda parent: chooser, None)
        sessions.screen = screen
        screen.resize(1280, 900)
        # Closed and deleted by this fixture (below), before QtWebEngine shuts down.
        screen.dialogs, screen.chooser = dialogs, chooser
        built.append(screen)
        return screen

    yield make
    for screen in built:
        screen.end_session()
        # Deleted now, not at interpreter exit after QtWebEngine has gone.
        screen.close()
        shiboken6.delete(screen)


@pytest.fixture
def new_session(tmp_path):
    counter = iter(range(1000))

    def make() -> FakeSession:
        return FakeSession(tmp_path / f"session-{next(counter)}")

    return make
