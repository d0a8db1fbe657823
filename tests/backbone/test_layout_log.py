"""The test-only layout report (--log-layout): what can be touched, where, logged on change."""

import logging

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from kiosk_app.shell.layout_log import LayoutReporter, web_rects
from kiosk_app.shell.widgets import ConfirmOverlay, button


class Window(QWidget):
    """A window of the kiosk's own (Qt's and Chromium's own windows are not reported)."""


def layouts(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if getattr(r, "event", None) == "ui.layout"]


def test_buttons_are_reported_by_name_or_text_and_only_on_change(qtbot, caplog):
    caplog.set_level(logging.INFO)
    window = Window()
    window.setObjectName("KioskWindow")
    box = QVBoxLayout(window)
    named = button("Tiếp tục", name="goOn")
    nameless = QPushButton("Quay lại")
    hidden, disabled = button("x", name="hidden"), button("y", name="disabled")
    for b in (named, nameless, hidden, disabled):
        box.addWidget(b)
    disabled.setEnabled(False)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    hidden.hide()
    reporter = LayoutReporter(window)
    reporter.poll()
    reporter.poll()  # nothing moved: no second report
    [first] = layouts(caplog)
    assert set(first["items"]) == {"goOn", "text:Quay lại"}
    x, y, w, h = first["items"]["goOn"]
    assert named.mapToGlobal(QPoint(0, 0)) == QPoint(x, y) and (w, h) == (named.width(), named.height())
    assert first["windows"]["KioskWindow"][2:] == [800, 600]

    overlay = ConfirmOverlay(window, "Kết thúc?", "", "Có", "Không", name="endConfirm")
    overlay.open()
    reporter.poll()
    # An overlay covers the window: only what is on it can be touched.
    assert set(layouts(caplog)[-1]["items"]) == {"overlay:endConfirm", "endConfirmYes", "endConfirmNo"}
    reporter._timer.stop()


def test_page_elements_are_scaled_by_the_zoom_and_placed_on_the_screen():
    rects = web_rects({"#otp": [10.0, 20.0, 100.0, 30.0]}, 1.25, QPoint(0, 146))
    assert rects == {"web:#otp": [12, 171, 125, 38]}
