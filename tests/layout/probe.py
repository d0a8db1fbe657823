"""Opens every screen of the real kiosk fullscreen on an X server, measures each visible widget
and writes the facts (JSON) and a screenshot per screen.

Run by tests/layout/test_layout.py (once per screen size) and by `make screens`:
    DISPLAY=:N QT_QPA_PLATFORM=xcb python -m tests.layout.probe OUT_DIR DATA_DIR
Writes OUT_DIR/<width>x<height>/<screen>.png and OUT_DIR/<width>x<height>/facts.json.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QEventLoop, QRect, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QHeaderView,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QScrollBar, QStyle,
                               QStyleOptionButton, QTabBar, QWidget)

# Resident, officer and administrator screens, each with its dialogs, in the order they are opened.
SCENARIOS = (
    "home", "home_notice", "menu", "end_confirm", "idle_overlay", "guides", "guide_player", "scan",
    "portal", "portal_confirm", "portal_prompt", "portal_file_picker", "portal_file_viewer", "portal_file_viewer_pdf",
    "portal_success",
    "end_questions", "end_questions_helped", "end_questions_why", "end_no_level2",
    "satisfaction", "satisfaction_thanks",
    "staff_pin", "staff_menu_officer", "staff_menu_admin", "staff_guided", "staff_outcome",
    "staff_stats", "staff_stats_procedures", "usb_folder", "usb_folder_stick", "staff_settings",
    "staff_settings_procedures", "staff_settings_presets", "staff_settings_keyboard",
    "portal_keyboard",  # last: the keyboard once widened the window for every later screen
)
SURVEY_URL = "https://zalo.me/s/khao-sat-mot-cua/"  # a commune's survey, shown as a QR code
TARGET_TYPES = (QPushButton, QLineEdit, QAbstractSpinBox, QComboBox)


def wait_for(condition, timeout_s: float = 20.0) -> bool:
    """Run the event loop until `condition()` holds (checked every 50 ms) or time runs out."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            return False
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    return True


def settle(window: QWidget) -> None:
    for _ in range(3):
        QApplication.processEvents()
    window.repaint()
    QApplication.processEvents()


# ---------------------------------------------------------------- measuring


def font_px(w: QWidget) -> float:
    f = w.font()
    return f.pixelSize() if f.pixelSize() > 0 else f.pointSizeF() * w.logicalDpiY() / 72


def _is_internal(w: QWidget) -> bool:
    """Qt's own parts (scroll bars, the web engine's render widget): not the kiosk's to lay out."""
    while w is not None:
        if (isinstance(w, QScrollBar) or w.objectName() in ("qt_scrollarea_hcontainer", "qt_scrollarea_vcontainer")
                or type(w).__name__.startswith("RenderWidgetHostView")):
            return True
        w = w.parentWidget()
    return False


def _in_layout(layout, w: QWidget) -> bool:
    if layout is None:
        return False
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is w or (item.layout() is not None and _in_layout(item.layout(), w)):
            return True
    return False


def _scrolled(w: QWidget) -> bool:
    """Inside a scroll area's viewport: may lie beyond the screen until scrolled to."""
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractScrollArea) and p.viewport().isAncestorOf(w):
            return True
        p = p.parentWidget()
    return False


def text_rect(w: QWidget) -> list[int]:
    """Where a label's or button's text is drawn on the screen (inside borders)."""
    if isinstance(w, QPushButton):
        opt = QStyleOptionButton()
        w.initStyleOption(opt)
        r = w.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, w)
    else:
        r = w.contentsRect()
    p = w.mapToGlobal(r.topLeft()) - QGuiApplication.primaryScreen().geometry().topLeft()
    return [p.x(), p.y(), r.width(), r.height()]


def covered(w: QWidget) -> bool:
    """Under something else (an overlay's dark layer): its colours say nothing about its own."""
    window = w.window()
    centre = w.mapTo(window, w.rect().center())
    hit = window.childAt(centre)
    return hit is not None and not (hit is w or w.isAncestorOf(hit) or hit.isAncestorOf(w))


def label_need(w: QLabel) -> tuple[int, int, int, int] | None:
    """(needed width, needed height, available width, available height) of a label's text."""
    text = w.text()
    if not text or w.pixmap() is not None and not w.pixmap().isNull():
        return None
    r = w.contentsRect()
    avail_w, avail_h = r.width() - 2 * max(0, w.margin()), r.height() - 2 * max(0, w.margin())
    rich = w.textFormat() == Qt.TextFormat.RichText or (
        w.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text))
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(w.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if w.wordWrap():
            doc.setTextWidth(max(1, avail_w))
        return int(doc.idealWidth() + 0.999), int(doc.size().height() + 0.999), avail_w, avail_h
    fm = QFontMetrics(w.font())
    flags = int(w.alignment().value)
    if w.wordWrap():
        flags |= Qt.TextFlag.TextWordWrap.value
        box = fm.boundingRect(QRect(0, 0, max(1, avail_w), 100_000), flags, text)
    else:
        box = fm.boundingRect(QRect(0, 0, 100_000, 100_000), flags & ~Qt.TextFlag.TextWordWrap.value, text)
    return box.width(), box.height(), avail_w, avail_h


def button_need(w: QPushButton) -> tuple[int, int, int, int] | None:
    text = QPushButton.text(w)  # a button drawing its caption with a label of its own has none
    if not text:
        return None
    opt = QStyleOptionButton()
    w.initStyleOption(opt)
    r = w.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, w)
    box = QFontMetrics(w.font()).boundingRect(QRect(0, 0, 100_000, 100_000), 0, text)
    icon = w.iconSize().width() + 4 if not w.icon().isNull() else 0
    return box.width() + icon, box.height(), r.width(), r.height()


def widget_facts(window: QWidget) -> list[dict]:
    """Every visible widget of `window`, placed on the screen."""
    origin = QGuiApplication.primaryScreen().geometry().topLeft()
    ids: dict[int, int] = {}
    out: list[dict] = []
    everything = [window] + [w for w in window.findChildren(QWidget)]
    for w in everything:
        if w is not window and (not w.isVisible() or w.window() is not window or _is_internal(w)):
            continue
        ids[id(w)] = len(out)
        top_left = w.mapToGlobal(w.rect().topLeft()) - origin
        parent = w.parentWidget()
        fact = {
            "id": len(out), "cls": type(w).__name__, "name": w.objectName(),
            "parent": ids.get(id(parent)) if parent is not None else None,
            "rect": [top_left.x(), top_left.y(), w.width(), w.height()],
            "managed": parent is not None and _in_layout(parent.layout(), w),
            "scrolled": _scrolled(w),
            "elide": bool(w.property("elide")),
            "covered": w is not window and covered(w),
        }
        need = None
        if isinstance(w, QLabel):
            need = label_need(w)
            fact["text"] = w.text()[:80]
        elif isinstance(w, QPushButton):
            need = button_need(w)
            fact["text"] = QPushButton.text(w)[:80]
        if need is not None:
            fact["need"] = list(need)
            fact["font_px"] = font_px(w)
            if w.isEnabled() and not fact["covered"] and fact["text"].strip():
                fact["text_rect"] = text_rect(w)
        if isinstance(w, (QLineEdit, QPlainTextEdit)):
            fact["font_px"] = font_px(w)
        if isinstance(w, TARGET_TYPES) and w.isEnabled():
            fact["target"] = min(w.width(), w.height())
        if isinstance(w, QScrollArea) and w.widget() is not None and not w.property("may_scroll"):
            fact["overflow"] = (max(0, w.widget().height() - w.viewport().height())
                                + max(0, w.widget().width() - w.viewport().width()))
        if isinstance(w, QTabBar):
            fact["tabs"] = tab_facts(w)
        if isinstance(w, QHeaderView) and w.orientation() == Qt.Orientation.Horizontal and w.model() is not None:
            fact["sections"] = header_facts(w)
        out.append(fact)
    return out


def tab_facts(bar: QTabBar) -> list[dict]:
    fm = QFontMetrics(bar.font())
    return [{"text": bar.tabText(i), "width": bar.tabRect(i).width(), "height": bar.tabRect(i).height(),
             "need": fm.horizontalAdvance(bar.tabText(i)) + 16, "font_px": font_px(bar)}
            for i in range(bar.count())]


def header_facts(header: QHeaderView) -> list[dict]:
    """Each column title's widest line and its lines' height (titles may be wrapped on purpose),
    measured in bold: a style sheet may make the titles bold without changing the header's font."""
    bold = QtGui.QFont(header.font())
    bold.setBold(True)
    fm = QFontMetrics(bold)
    model = header.model()
    out = []
    for i in range(header.count()):
        text = str(model.headerData(i, Qt.Orientation.Horizontal) or "")
        lines = text.split("\n")
        out.append({"text": text, "width": header.sectionSize(i), "height": header.height(),
                    "need": max(fm.horizontalAdvance(line) for line in lines) + 12,
                    "need_h": len(lines) * fm.lineSpacing() + 4, "font_px": font_px(header)})
    return out


def _luminance(gray: int) -> float:
    return (gray / 255) ** 2.2


def measure_contrast(shot: Path, widgets: list[dict]) -> None:
    """Contrast between the lightest and darkest pixels where each text is drawn (1 = one colour)."""
    from PIL import Image

    with Image.open(shot) as image:
        gray = image.convert("L")
        for w in widgets:
            if "text_rect" not in w:
                continue
            x, y, width, height = w["text_rect"]
            if width <= 0 or height <= 0:
                continue
            low, high = gray.crop((x, y, x + width, y + height)).getextrema()
            w["contrast"] = round((_luminance(high) + 0.05) / (_luminance(low) + 0.05), 2)


# ---------------------------------------------------------------- opening each screen


class Walk:
    """Puts the kiosk into each scenario's state, one after the other. A scenario showing one of
    the portal's dialogs (a window of its own) leaves it in `dialog`, to be measured instead."""

    def __init__(self, kiosk, usb_root: Path):
        self.k = kiosk
        self.usb_root = usb_root
        self.dialog: QWidget | None = None

    def _show_dialog(self, dialog: QWidget) -> None:
        dialog.show()  # as exec() would, without waiting for an answer
        wait_for(lambda: dialog.isVisible() and dialog.windowHandle() is not None
                 and dialog.windowHandle().isExposed(), 5)
        self.dialog = dialog

    def portal_confirm(self):
        from kiosk_app.portal.dialogs import _Message
        self._show_dialog(_Message(self.k.window, "Bạn có chắc muốn nộp hồ sơ này không? Sau khi nộp, "
                                   "hồ sơ không sửa được nữa.", with_cancel=True))

    def portal_prompt(self):
        from kiosk_app.portal.dialogs import _Message
        self._show_dialog(_Message(self.k.window, "Nhập số điện thoại để nhận tin nhắn:", with_cancel=True,
                                   default="09"))

    def portal_file_picker(self):
        from kiosk_app.portal.dialogs import SessionFilePicker
        self._show_dialog(SessionFilePicker(self._session_pictures(), True, self.k.window))

    def portal_file_viewer(self):
        from kiosk_app.portal.dialogs import FileViewer
        self._show_dialog(FileViewer(self._session_pictures()[0], self.k.window))

    def portal_file_viewer_pdf(self):
        from PIL import Image

        from kiosk_app.portal.dialogs import FileViewer
        receipt = self.k.sessions.current.work_dir / "bien-nhan.pdf"
        pages = [Image.new("RGB", (595, 842), "white") for _ in range(2)]
        pages[0].save(receipt, save_all=True, append_images=pages[1:])
        self._show_dialog(FileViewer(receipt, self.k.window))

    def _session_pictures(self) -> list[Path]:
        from PIL import Image
        folder = self.k.sessions.current.work_dir
        paths = [folder / "giay-khai-sinh.jpg", folder / "cccd-mat-truoc.jpg"]
        for path in paths:
            if not path.exists():
                Image.new("RGB", (1240, 1754), "white").save(path)
        return paths

    def home(self):
        self.k.nav.go("home")

    def home_notice(self):
        from kiosk_app.strings import common as C
        self.k.front.home.show_notice([C.PROBLEM_DB, C.PROBLEM_NO_ADMIN_PIN])  # the longest the staff may see

    def menu(self):
        self.k.front.home.show_notice([])
        self.k.front.start_resident_session()

    def end_confirm(self):
        self.k.front.end_confirm.open()

    def idle_overlay(self):
        self.k.front.end_confirm.hide()
        self.k.front.idle_overlay.set_seconds(30)
        self.k.front.idle_overlay.open()

    def guides(self):
        self.k.front.idle_overlay.hide()
        self.k.nav.go("guides")

    def guide_player(self):
        self.k.guides.open("nop-ho-so")
        player = self.k.nav.screen("guide_player")
        wait_for(lambda: player.player.is_playing(), 10)
        player.player.pause()

    def scan(self):
        self.k.nav.screen("guide_player").playback.close()
        self.k.nav.go("scan")

    def portal(self):
        self.k.nav.go("portal")
        portal = self.k.nav.screen("portal")
        wait_for(lambda: portal.view is not None and portal.view.url().path() == "/" and
                 not portal.progress.isVisible() or portal.progress.value() == 100)

    def portal_keyboard(self):
        self.k.nav.go("portal")
        self.k.nav.screen("portal").keyboard_button.click()

    def portal_success(self):
        portal = self.k.nav.screen("portal")
        seen = []
        portal.submitted.connect(seen.append)
        base = self.k.portal_room.practice_portal.base_url
        portal.load(base + "/ho-so/da-nop?tt=khai-sinh&ma=LT-0000ABCD")
        wait_for(lambda: bool(seen))

    def end_questions(self):
        self.k.nav.go("end_questions")
        self.k.ending.questions.begin(submitted_seen=False)

    def end_questions_helped(self):
        self.k.ending.questions.begin(submitted_seen=True)

    def end_questions_why(self):
        self.k.ending.questions.begin(submitted_seen=False)
        self.k.ending.questions._submitted("no")

    def end_no_level2(self):
        self.k.ending.questions._why("no_level2")

    def satisfaction(self):
        self.k.ending.rating.begin("layout-probe")
        self.k.nav.go("satisfaction")

    def satisfaction_thanks(self):
        from kiosk_app.ending.satisfaction import PAGE_THANKS
        self.k.ending.rating._show(PAGE_THANKS)

    def staff_pin(self):
        self.k.ending.rating.reset()
        self.k.nav.go("menu")
        self.k.staff.open()

    def _staff_menu(self, role: str, name: str):
        menu = self.k.staff.menu
        menu.set_state(role, name, [], {"mode": "guided", "procedure": "Đăng ký khai sinh", "helped": False})
        self.k.nav.go("staff_menu")

    def staff_menu_officer(self):
        self._staff_menu("officer", "Nguyễn Văn An")

    def staff_menu_admin(self):
        self._staff_menu("admin", "Trần Thị Bình")

    def staff_guided(self):
        self.k.nav.go("staff_guided")
        first = self.k.nav.screen("staff_guided").findChildren(QPushButton)[0]
        if first.isCheckable():
            first.setChecked(True)  # the chosen procedure must stay readable

    def staff_outcome(self):
        self.k.nav.go("staff_outcome")

    def staff_stats(self):
        self.k.nav.go("staff_stats")

    def staff_stats_procedures(self):
        stats = self.k.nav.screen("staff_stats")
        stats.tabs.setCurrentIndex(1)  # column headings of the tables

    def usb_folder(self):
        stats = self.k.nav.screen("staff_stats")
        stats.tabs.setCurrentIndex(0)
        stats._choose_folder()

    def usb_folder_stick(self):
        self.k.nav.screen("staff_stats").folder_picker.findChild(QPushButton, "usbStick0").click()

    def staff_settings(self):
        self.k.nav.go("staff_settings")

    def staff_settings_procedures(self):
        self.k.nav.screen("staff_settings").findChild(QPushButton, "settingsSection_procedures").click()

    def staff_settings_presets(self):
        self.k.nav.screen("staff_settings").findChild(QPushButton, "settingsSection_presets").click()

    def staff_settings_keyboard(self):
        settings = self.k.nav.screen("staff_settings")
        settings.findChild(QPushButton, "settingsSection_general").click()
        settings.commune.setFocus()
        self.k.window.keyboard_dock.show_for(settings.commune)


def make_usb_root(root: Path) -> Path:
    """Two sticks as the desktop mounts them, so the folder picker has something to list."""
    for stick in ("KINGSTON", "USB DISK"):
        (root / "kiosk" / stick / "Bao cao").mkdir(parents=True, exist_ok=True)
    return root


def run(out_dir: Path, data_dir: Path, only: tuple[str, ...] = ()) -> dict:
    from kiosk_app.app import Kiosk, Options, prepare_qt
    from kiosk_app.config import load_config
    from kiosk_app.paths import KioskPaths
    from kiosk_app.shell import theme

    usb_root = make_usb_root(data_dir / "media")
    real_ismount = os.path.ismount
    # Plain folders stand in for mounted sticks.
    os.path.ismount = lambda p: Path(p).parent == usb_root / "kiosk" or real_ismount(p)
    prepare_qt()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.load_fonts()
    cfg = load_config()
    cfg = dataclasses.replace(
        cfg, reports=dataclasses.replace(cfg.reports, usb_roots=[str(usb_root)]),
        feedback=dataclasses.replace(cfg.feedback, survey_url=SURVEY_URL))
    metrics = theme.metrics_for_app(cfg.ui.font_scale)
    app.setFont(theme.app_font(metrics))
    app.setStyleSheet(theme.stylesheet(metrics))
    paths = KioskPaths(data_dir / "kiosk")
    paths.ensure()
    kiosk = Kiosk(cfg, paths, Options(start_screen="home", practice="on"))
    kiosk.start()
    wait_for(lambda: kiosk.store.available)
    screen = QGuiApplication.primaryScreen()
    geo = screen.geometry()
    size = f"{geo.width()}x{geo.height()}"
    folder = out_dir / size
    folder.mkdir(parents=True, exist_ok=True)
    report = {"screen": [geo.x(), geo.y(), geo.width(), geo.height()],
              "target_px": theme.mm_to_px(theme.TOUCH_TARGET_MM, screen.logicalDotsPerInch()),
              "body_px": theme.BODY_TEXT_MIN_PX, "screens": {}, "errors": {}}
    walk = Walk(kiosk, usb_root)
    try:
        for name in SCENARIOS:
            try:
                getattr(walk, name)()
            except Exception as exc:  # noqa: BLE001 - one broken screen must not hide the others
                report["errors"][name] = f"{type(exc).__name__}: {exc}"
                continue
            dialog, walk.dialog = walk.dialog, None
            if not only or name in only:
                settle(kiosk.window)
                g = kiosk.window.geometry()
                report["screens"][name] = {"window": [g.x(), g.y(), g.width(), g.height()],
                                           "widgets": widget_facts(dialog or kiosk.window)}
                shot = folder / f"{name}.png"
                QGuiApplication.primaryScreen().grabWindow(0).save(str(shot))
                measure_contrast(shot, report["screens"][name]["widgets"])
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
    finally:
        kiosk.shutdown()
    (folder / "facts.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), tuple(sys.argv[3:]))
