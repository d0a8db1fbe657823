"""Test-only layout report (`--log-layout`): logs `ui.layout` with where each visible touchable
thing is on the screen, whenever that set changes, so a driver can touch by name, not by
coordinates that rot when screens are redesigned. Read-only: it never changes a widget."""

from __future__ import annotations

import json
import logging
import time

import shiboken6
from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QAbstractButton, QApplication, QListWidget, QWidget

from kiosk_app.logs import log_event
from kiosk_app.shell.widgets import Overlay

log = logging.getLogger("kiosk.shell")

POLL_MS = 250
WEB_ANSWER_S = 2.0
Rect = list[int]

# Elements of the portal's page with an id or a name (links: their href; labels: their field), in CSS pixels of the viewport. Runs in
# the application's own JavaScript world: the page's scripts cannot see or change it.
PAGE_ELEMENTS_JS = """
(() => {
  const out = {};
  for (const el of document.querySelectorAll("input, button, a, select, textarea, label[for]")) {
    const href = el.tagName === "A" ? el.getAttribute("href") : "";
    const key = el.tagName === "LABEL" ? "label[for=" + el.htmlFor + "]" : el.id ? "#" + el.id
      : el.name ? "[name=" + el.name + "]" : href ? "a[href=" + href + "]" : "";
    if (!key || out[key] || (el.type === "hidden")) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) out[key] = [r.left, r.top, r.width, r.height];
  }
  return JSON.stringify(out);
})()
"""


def global_rect(widget: QWidget) -> Rect | None:
    """The part of `widget` that is on screen (not scrolled away, not clipped), in screen pixels."""
    part = widget.visibleRegion().boundingRect()
    if part.isEmpty():
        return None
    top_left = widget.mapToGlobal(part.topLeft())
    return [top_left.x(), top_left.y(), part.width(), part.height()]


def button_key(button: QAbstractButton) -> str:
    return button.objectName() or "text:" + button.text()


def web_rects(elements: dict[str, list[float]], zoom: float, origin: QPoint) -> dict[str, Rect]:
    """Page elements (CSS pixels of the viewport) as screen rects under keys "web:#id"."""
    return {f"web:{key}": [origin.x() + round(x * zoom), origin.y() + round(y * zoom),
                           max(1, round(w * zoom)), max(1, round(h * zoom))]
            for key, (x, y, w, h) in elements.items()}


class LayoutReporter(QObject):
    """Polls the visible widgets every POLL_MS and logs `ui.layout` when what can be touched moved."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._last: dict | None = None
        self._web_pending = 0.0  # when the page was asked (a page deleted meanwhile never answers)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def poll(self) -> None:
        if self._web_pending and time.monotonic() - self._web_pending < WEB_ANSWER_S:
            return  # the page's answer comes first
        windows: dict[str, Rect] = {}
        items: dict[str, Rect] = {}
        views: list = []
        modal = QApplication.activeModalWidget()
        for top in ([modal] if modal is not None else QApplication.topLevelWidgets()):
            # Only the kiosk's own windows: Chromium's popups are its business.
            if not top.isVisible() or type(top).__module__.startswith("PySide6"):
                continue
            g = top.geometry()  # not the visible region: native children are cut out of that
            windows[top.objectName() or type(top).__name__] = [g.x(), g.y(), g.width(), g.height()]
            under: dict[str, Rect] = {}
            over: dict[str, Rect] = {}
            self._collect(top, under, over, views)
            # An overlay covers the whole window: what is under it cannot be touched.
            items.update(over if over else under)
        if views:
            view = views[0]
            self._web_pending = time.monotonic()
            view.page().runJavaScript(PAGE_ELEMENTS_JS, 1,  # QWebEngineScript.ApplicationWorld
                                      lambda result: self._web_answer(view, windows, items, result))
        else:
            self._report(windows, items)

    def _collect(self, widget: QWidget, items: dict[str, Rect], over: dict[str, Rect], views: list) -> None:
        for child in widget.children():
            if not isinstance(child, QWidget) or not child.isVisible():
                continue
            if isinstance(child, QWebEngineView):
                # Its inside is Chromium's (never walked); only the page knows its elements.
                views.append(child)
                continue
            if isinstance(child, Overlay):
                over[f"overlay:{child.overlay_name}"] = global_rect(child) or [0, 0, 0, 0]
                self._collect(child, over, over, views)
                continue
            if isinstance(child, QAbstractButton) and child.isEnabled():
                rect = global_rect(child)
                if rect is not None:
                    items.setdefault(button_key(child), rect)
            elif isinstance(child, QListWidget):
                self._list_items(child, items)
            self._collect(child, items, over, views)

    def _list_items(self, view: QListWidget, items: dict[str, Rect]) -> None:
        port = view.viewport()
        visible = port.rect()
        for row in range(view.count()):
            item = view.item(row)
            rect = view.visualItemRect(item).intersected(visible)
            if not rect.isEmpty():
                corner = port.mapToGlobal(rect.topLeft())
                items.setdefault(f"item:{view.objectName()}:{item.text()}",
                                 [corner.x(), corner.y(), rect.width(), rect.height()])

    def _web_answer(self, view, windows: dict, items: dict, result) -> None:
        self._web_pending = 0.0
        if not shiboken6.isValid(view) or not isinstance(result, str):
            return
        try:
            elements = json.loads(result)
        except ValueError:
            return
        if not any(k.startswith("overlay:") for k in items):
            origin = view.mapToGlobal(QPoint(0, 0))
            items["web:view"] = [origin.x(), origin.y(), view.width(), view.height()]
            items.update(web_rects(elements, view.page().zoomFactor(), origin))
        self._report(windows, items)

    def _report(self, windows: dict, items: dict) -> None:
        state = {"windows": windows, "items": items}
        if state != self._last:
            self._last = state
            log_event(log, "ui.layout", **state)
