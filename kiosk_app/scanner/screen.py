"""The scan screen: presets, glass or feeder, progress, page preview and tools, naming, files."""

from __future__ import annotations

import logging

from PIL import Image
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.shell import theme
from kiosk_app.shell.widgets import Overlay, Screen, button, label
from kiosk_app.strings import common as C
from kiosk_app.strings import scanner as T

from .pages import Page
from .protocol import ScanError
from .service import ScanService

log = logging.getLogger("kiosk.scanner.screen")

THUMB_PX = 110
KEY_ROWS = ("QWERTYUIOP", "ASDFGHJKLĐ", "ZXCVBNMĂÂÊ", "ÔƠƯ")


def page_image(page: Page, box: int) -> QImage:
    """A QImage of the page fitting in a `box`×`box` square (rotation applied)."""
    with Image.open(page.file.path) as raw:
        raw.draft(raw.mode, (box, box))
        small = raw.copy()
    small.thumbnail((box, box))
    small = small.transpose(Image.Transpose.ROTATE_270) if page.rotation == 90 else \
        small.transpose(Image.Transpose.ROTATE_180) if page.rotation == 180 else \
        small.transpose(Image.Transpose.ROTATE_90) if page.rotation == 270 else small
    rgb = small.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


def show_hide(wanted: dict[QWidget, bool]) -> None:
    """Hide first, then show: showing a child lays its parent out at once, and a moment with
    both sets visible would grow the window for good."""
    for widget, visible in wanted.items():
        if not visible:
            widget.hide()
    for widget, visible in wanted.items():
        if visible:
            widget.show()


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return T.SIZE_KB.format(kb=max(1, round(size / 1024)))
    return T.SIZE_MB.format(mb=f"{size / 1024 / 1024:.1f}".replace(".", ","))


class NameOverlay(Overlay):
    """Asks what the document is: one touch on a listed type, or a name typed on the keys."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget, document_types: tuple[str, ...]):
        super().__init__(parent, "scanName")
        self.body.setContentsMargins(32, 20, 32, 20)
        self.body.setSpacing(12)
        self.body.addWidget(label(T.NAME_TITLE, "title"))
        self.choices = QWidget()
        grid = QGridLayout(self.choices)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, name in enumerate(document_types):
            grid.addWidget(button(name, "", lambda n=name: self._choose(n), name=f"docName{i}"), i // 3, i % 3)
        n = len(document_types)
        grid.addWidget(button(T.NAME_OTHER, "", self._show_keys, name="docNameOther"), n // 3, n % 3)
        self.body.addWidget(self.choices)
        # Typing replaces the list: the keys need the room.
        self.typing = QWidget()
        typing = QVBoxLayout(self.typing)
        typing.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit()
        self.field.setObjectName("docNameField")
        self.field.setMaxLength(60)
        self.field.setPlaceholderText(T.NAME_PROMPT)
        typing.addWidget(self.field)
        keys = QGridLayout()
        for r, row in enumerate(KEY_ROWS):
            for c, ch in enumerate(row):
                keys.addWidget(button(ch, "key", lambda k=ch: self.field.insert(k), name=f"key{ch}"), r, c)
        last = len(KEY_ROWS) - 1
        keys.addWidget(button("␣", "key", lambda: self.field.insert(" "), name="keySpace"), last, 3, 1, 3)
        keys.addWidget(button("⌫", "key", self.field.backspace, name="keyBack"), last, 6, 1, 2)
        keys.addWidget(button(T.NAME_OK, "primary", self._typed, name="docNameOk"), last, 8, 1, 2)
        typing.addLayout(keys)
        self.body.addWidget(self.typing)
        self.body.addWidget(button(T.NAME_CANCEL, "", self.hide, name="docNameCancel"))

    def open(self) -> None:
        self.field.clear()
        self.typing.hide()
        self.choices.show()
        super().open()

    def _show_keys(self) -> None:
        self.choices.hide()
        self.typing.show()

    def _typed(self) -> None:
        if self.field.text().strip():
            self._choose(self.field.text().strip())

    def _choose(self, name: str) -> None:
        self.hide()
        self.chosen.emit(name)


class ScanScreen(Screen):
    name = "scan"
    back = Signal()

    def __init__(self, service: ScanService):
        super().__init__()
        self.service = service
        self._settings = service.settings
        self._selected = -1
        self._thumbs: dict[tuple[str, int], QIcon] = {}  # (page file, rotation) → icon

        # The chosen preset looks pressed (pale fill, thick border), unlike the blue actions;
        # a button that cannot be used now is grey.
        self.setStyleSheet(
            f"QPushButton:checked {{ background: #DCE8F7; border: 6px solid {theme.PRIMARY_DOWN}; }}"
            f"QPushButton:disabled {{ background: #E5E7EB; color: {theme.MUTED}; border-color: #9CA3AF; }}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 12)
        outer.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(label(T.TITLE, "title", Qt.AlignmentFlag.AlignLeft), 1)
        top.addWidget(button(C.BACK_TO_MENU, "", self.back.emit, name="scanBack"))
        outer.addLayout(top)

        self.status = label(T.PREPARING, "notice")
        self.status.setObjectName("scanStatus")
        self.retry = button(T.TRY_AGAIN, "", service.search_again, name="scanRetry")
        self.blank_remove = button(T.BLANK_REMOVE, "", self._remove_blank, name="blankRemove")
        self.blank_keep = button(T.BLANK_KEEP, "", self._keep_blank, name="blankKeep")
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        for b in (self.retry, self.blank_remove, self.blank_keep):
            status_row.addWidget(b)
        outer.addLayout(status_row)

        body = QHBoxLayout()
        body.setSpacing(24)
        outer.addLayout(body, 1)

        # Left: what to scan, from where, and the big Scan button.
        left = QVBoxLayout()
        self.presets = QButtonGroup(self)
        self.presets.setExclusive(True)
        for i, preset in enumerate(self._settings.presets):
            b = button(preset.label, "", name=f"preset_{preset.key}")
            b.setCheckable(True)
            b.setChecked(i == 0)
            self.presets.addButton(b, i)
            left.addWidget(b)
        left.addSpacing(12)
        # Scan and Stop share one place: only one of them makes sense at a time.
        self.scan_button = button(T.SCAN, "primary", self._scan, name="scanButton")
        self.feeder_button = button(T.SCAN_FEEDER, "primary", lambda: self._scan(feeder=True),
                                    name="feederButton")
        self.stop_button = button(T.STOP, "danger", service.cancel, name="stopButton")
        for b in (self.scan_button, self.feeder_button, self.stop_button):
            left.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setObjectName("scanProgress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        left.addWidget(self.progress)
        left.addStretch(1)
        body.addLayout(left, 3)

        # Middle: the selected page, big, with its tools.
        middle = QVBoxLayout()
        self.preview = label(T.PAGES_EMPTY)
        self.preview.setObjectName("scanPreview")
        self.preview.setMinimumSize(QSize(160, 160))
        # The pixmap follows the label's size, never the other way round.
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setStyleSheet("background: white; border: 2px solid #9CA3AF; border-radius: 8px;")
        middle.addWidget(self.preview, 1)
        self.page_label = label("", "")
        middle.addWidget(self.page_label)
        tools = QGridLayout()
        self.tools = {
            "rotate": button(T.ROTATE, "", self._rotate, name="rotateButton"),
            "delete": button(T.DELETE, "", self._delete, name="deleteButton"),
            "earlier": button(T.MOVE_EARLIER, "", lambda: self._move(-1), name="earlierButton"),
            "later": button(T.MOVE_LATER, "", lambda: self._move(1), name="laterButton"),
            "rescan": button(T.RESCAN, "", self._rescan, name="rescanButton"),
            "add": button(T.ADD_PAGE, "", self._add_page, name="addPageButton"),
        }
        for i, b in enumerate(self.tools.values()):
            tools.addWidget(b, i // 3, i % 3)
        middle.addLayout(tools)
        body.addLayout(middle, 5)

        # Right: the pages, then saving, then the finished files.
        right = QVBoxLayout()
        self.strip = QListWidget()
        self.strip.setObjectName("pageStrip")
        self.strip.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.strip.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.strip.currentRowChanged.connect(self._select)
        QScroller.grabGesture(self.strip.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        right.addWidget(self.strip, 3)
        self.save_button = button(T.SAVE, "primary", self._ask_name, name="saveButton")
        right.addWidget(self.save_button)
        right.addWidget(label(T.DOCUMENTS_TITLE, "", Qt.AlignmentFlag.AlignLeft))
        self.documents = label(T.DOCUMENTS_NONE, "muted", Qt.AlignmentFlag.AlignLeft)
        self.documents.setObjectName("scanDocuments")
        right.addWidget(self.documents)
        right.addWidget(label(T.DOCUMENTS_HINT, "muted", Qt.AlignmentFlag.AlignLeft))
        right.addStretch(1)
        body.addLayout(right, 3)

        self.name_overlay = NameOverlay(self, self._settings.document_types)
        self.name_overlay.chosen.connect(self._save)

        service.stateChanged.connect(self._on_state)
        service.progress.connect(self._on_progress)
        service.pagesChanged.connect(self._refresh_pages)
        service.pageArrived.connect(self.strip.setCurrentRow)  # each new page shows as it arrives
        service.scanEnded.connect(self._on_scan_ended)
        service.blankPagesFound.connect(self._on_blank)
        service.stalled.connect(self._on_stalled)
        self._blank_question(False)
        self._on_state(service.state)
        self._refresh_pages()

    # -- Screen -----------------------------------------------------------------------------
    def entered(self) -> None:
        if self.service.state == "no_scanner":
            self.service.search_again()  # someone may have plugged it in meanwhile
        self._refresh_documents()

    def reset(self) -> None:
        self.name_overlay.hide()
        self._blank_question(False)
        self._selected = -1
        self.presets.button(0).setChecked(True)
        self._say(T.INTRO)
        self._refresh_pages()
        self._refresh_documents()

    # -- state --------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _on_state(self, state: str) -> None:
        ready = state == "ready"
        scanning = state == "scanning"
        has_feeder = self.service.has_feeder
        self.scan_button.setEnabled(ready)
        self.scan_button.setText(T.SCAN_FLATBED if has_feeder else T.SCAN)
        self.feeder_button.setEnabled(ready)
        show_hide({self.scan_button: not scanning, self.feeder_button: has_feeder and not scanning,
                   self.progress: scanning, self.stop_button: scanning,
                   self.retry: state == "no_scanner"})
        for b in self.presets.buttons():
            b.setEnabled(not scanning)
        self._update_tools()
        no_scanner = f"{T.NO_SCANNER} {T.NO_SCANNER_HELP}"
        if state == "no_scanner":
            self._say(no_scanner)
        elif state == "searching" and self.status.text() in (T.INTRO, no_scanner):
            self._say(T.PREPARING)  # a fault's message stays while the kiosk looks again
        elif ready and self.status.text() in (T.PREPARING, no_scanner):
            self._say(T.INTRO)

    def _on_progress(self, page: int, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress.setFormat(T.SCANNING.format(page=page))

    def _on_stalled(self, stalled: bool) -> None:
        self._say(T.SLOW if stalled else T.INTRO)

    def _on_scan_ended(self, pages: int, fault: str, cancelled: bool) -> None:
        if fault:
            text = T.FAULTS.get(fault, T.FAULTS["other"])
            if len(self.service.pages):
                text += " " + T.PAGES_KEPT
            self._say(text)
        elif cancelled:
            self._say(T.STOPPED)
        else:
            self._say(T.PAGES_ADDED.format(count=pages))
        self._on_state(self.service.state)

    def _on_blank(self, count: int) -> None:
        self._say(T.BLANK_FOUND.format(count=count))
        self._blank_question(True)

    def _blank_question(self, shown: bool) -> None:
        show_hide({self.blank_remove: shown, self.blank_keep: shown})

    def _remove_blank(self) -> None:
        self.service.remove_blank()
        self._blank_question(False)
        self._say(T.INTRO)

    def _keep_blank(self) -> None:
        self._blank_question(False)
        self._say(T.INTRO)

    # -- scanning ---------------------------------------------------------------------------
    def _preset(self):
        return self._settings.presets[max(0, self.presets.checkedId())]

    def _scan(self, feeder: bool = False, **where) -> None:
        self._blank_question(False)
        self.progress.setValue(0)
        self.progress.setFormat(T.SCANNING.format(page=1))
        self.service.scan(self._preset(), feeder=feeder, **where)

    def _rescan(self) -> None:
        if 0 <= self._selected < len(self.service.pages):
            self._scan(replace=self._selected)

    def _add_page(self) -> None:
        self._scan(insert_at=self._selected + 1 if self._selected >= 0 else None)

    # -- pages --------------------------------------------------------------------------------
    def _refresh_pages(self) -> None:
        pages = self.service.pages.pages
        keep = self._selected
        self.strip.blockSignals(True)
        self.strip.clear()
        live = {(p.file.path, p.rotation) for p in pages}
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in live}
        for i, page in enumerate(pages):
            key = (page.file.path, page.rotation)
            if key not in self._thumbs:  # each page is read from disk once per rotation
                self._thumbs[key] = QIcon(QPixmap.fromImage(page_image(page, THUMB_PX)))
            text = T.PAGE_N.format(n=i + 1) + (f"\n{T.BLANK_MARK}" if page.blank else "")
            self.strip.addItem(QListWidgetItem(self._thumbs[key], text))
        self.strip.blockSignals(False)
        if pages:
            keep = len(pages) - 1 if keep < 0 or keep >= len(pages) else keep
            self.strip.setCurrentRow(keep)
        self._select(keep if pages else -1)

    def _select(self, index: int) -> None:
        pages = self.service.pages
        self._selected = index if 0 <= index < len(pages) else -1
        if self._selected < 0:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(T.PAGES_EMPTY)
            self.page_label.setText("")
        else:
            box = max(200, min(self.preview.width(), self.preview.height()) - 16)
            self.preview.setPixmap(QPixmap.fromImage(page_image(pages[self._selected], box)))
            self.page_label.setText(T.PAGE_OF.format(n=self._selected + 1, total=len(pages)))
        self._update_tools()

    def _update_tools(self) -> None:
        # While a scan runs, pages arrive at known places: nothing else moves them.
        still = self.service.state != "scanning"
        has = self._selected >= 0 and still
        n = len(self.service.pages)
        ready = self.service.state == "ready"
        self.tools["rotate"].setEnabled(has)
        self.tools["delete"].setEnabled(has)
        self.tools["earlier"].setEnabled(has and self._selected > 0)
        self.tools["later"].setEnabled(has and self._selected < n - 1)
        self.tools["rescan"].setEnabled(has and ready)
        self.tools["add"].setEnabled(has and ready)
        self.save_button.setEnabled(bool(n) and still)

    def _rotate(self) -> None:
        self.service.rotate(self._selected)

    def _delete(self) -> None:
        self.service.delete(self._selected)

    def _move(self, step: int) -> None:
        to = self._selected + step
        self.service.move(self._selected, to)
        self._selected = to
        self.strip.setCurrentRow(to)

    # -- documents --------------------------------------------------------------------------
    def _ask_name(self) -> None:
        if len(self.service.pages):
            self.name_overlay.open()

    def _save(self, name: str) -> None:
        # Making the PDF takes a moment for many pages: say so, and let it paint first.
        self._say(T.SAVING)
        self.save_button.setEnabled(False)
        QTimer.singleShot(0, lambda: self._write(name))

    def _write(self, name: str) -> None:
        try:
            result = self.service.save_document(name)
        except ScanError as exc:
            self._say(T.FAULTS.get(exc.fault.value, T.FAULTS["other"]) + " " + T.PAGES_KEPT)
            self._update_tools()
            return
        text = T.SAVED.format(name=result.pdf.name, pages=result.pages, size=human_size(result.size))
        budget = human_size(self._settings.output.size_budget_bytes)
        if result.over_budget:
            text += " " + T.SAVED_TOO_BIG.format(budget=budget)
        elif result.reduced:
            text += " " + T.SAVED_REDUCED.format(budget=budget)
        self._say(text)
        self._refresh_documents()

    def _refresh_documents(self) -> None:
        docs = self.service.documents()
        if not docs:
            self.documents.setText(T.DOCUMENTS_NONE)
            return
        shown = docs[-4:]  # the newest; the portal's picker lists them all
        lines = [f"• {p.name} ({human_size(p.stat().st_size)})" for p in shown]
        if len(docs) > len(shown):
            lines.insert(0, "…")
        self.documents.setText("\n".join(lines))
