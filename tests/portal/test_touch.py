"""Touch: a finger dragged up the page scrolls it, as on a phone."""

from PySide6.QtCore import QPoint
from PySide6.QtGui import QInputDevice, QPointingDevice
from PySide6.QtTest import QTest

from tests.portal.conftest import Response
from tests.portal.web import js, start


def test_drag_scrolls_the_page(qtbot, make_screen, new_session, site):
    # A long page with nothing to tap on: only the drag can move it.
    site.routes["/long"] = Response('<title>Dài</title><div style="height: 4000px">Trang dài</div>')
    screen = make_screen(home_url=site.url("/long"))
    screen.show()
    qtbot.waitExposed(screen)
    start(qtbot, screen, new_session())
    assert js(qtbot, screen, "window.scrollY") == 0
    device = QPointingDevice("kiosk-touch", 1, QInputDevice.DeviceType.TouchScreen,
                             QPointingDevice.PointerType.Finger, QInputDevice.Capability.Position, 1, 0)
    # Touches reach the window, as a real finger's do (Python never holds QtWebEngine's internal widget).
    target = screen.window().windowHandle()
    top = screen.view.mapTo(screen.window(), QPoint(0, 0)).y()
    x = screen.view.width() // 2

    # A finger that touches and lifts without moving scrolls nothing.
    QTest.touchEvent(target, device).press(0, QPoint(x, top + 500)).commit()
    QTest.touchEvent(target, device).release(0, QPoint(x, top + 500)).commit()
    assert js(qtbot, screen, "window.scrollY") == 0

    def drag():
        touch = QTest.touchEvent(target, device)
        touch.press(0, QPoint(x, top + 500)).commit()
        for y in range(480, 180, -30):
            QTest.touchEvent(target, device).move(0, QPoint(x, top + y)).commit()
        QTest.touchEvent(target, device).release(0, QPoint(x, top + 180)).commit()

    for _ in range(3):  # the first touches can come before the page's first frame
        drag()
        try:
            qtbot.waitUntil(lambda: js(qtbot, screen, "window.scrollY") > 50, timeout=2000)
            break
        except qtbot.TimeoutError:
            continue
    assert js(qtbot, screen, "window.scrollY") > 50
