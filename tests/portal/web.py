"""Helpers to drive the portal screen in tests: wait for loads, run JavaScript."""


def start(qtbot, screen, session, url: str | None = None, timeout: int = 20000) -> None:
    """Start a session on the screen and wait until its first page is loaded."""
    with qtbot.waitSignal(screen.page_loaded, timeout=timeout):
        screen.start_session(session, url)


def load(qtbot, screen, url: str, timeout: int = 15000) -> None:
    with qtbot.waitSignal(screen.page_loaded, timeout=timeout, check_params_cb=lambda u: u.split("?")[0] == url.split("?")[0]):
        screen.load(url)


def js(qtbot, screen, code: str, timeout: int = 10000):
    """Run JavaScript in the page and return its result."""
    with qtbot.waitCallback(timeout=timeout) as cb:
        screen.page.runJavaScript(code, 0, cb)
    return cb.args[0] if cb.args else None
