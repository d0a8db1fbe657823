"""The scan screen as a guided flow: what are you scanning → place it → scan → check the pages →
name it → on to filing. When the procedure is known, its papers are listed and ticked off."""

from __future__ import annotations

import logging

from PIL import Image
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScroller,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.logs import log_event
from kiosk_app.shell import theme
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import common as C
from kiosk_app.strings import scanner as T

from .pages import Page
from .presets import Paper, ProcedurePapers, ScanPreset, papers_for, preset_by_key
from .protocol import ScanError
from .service import ScanService

log = logging.getLogger("kiosk.scanner.screen")

THUMB_PX = 170  # at least; a fifth of the screen's height on larger screens
STEP_WHAT, STEP_PLACE, STEP_SCAN, STEP_CHECK, STEP_NAME = range(5)
STEP_KEYS = ("what", "place", "scan", "check", "name")  # for the log
SELECTED_BG = "#DCE8F7"


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


def name_keyboard(field: QLineEdit) -> QWidget:
    """The kiosk's one on-screen keyboard (lower and upper case, digits, Vietnamese marks), typing
    into `field`; the scan screen keeps it under the field instead of the window's dock."""
    from kiosk_app.shell.keyboard import OnScreenKeyboard

    keyboard = OnScreenKeyboard(lambda: field)
    keyboard.hide_requested.connect(keyboard.hide)
    field.returnPressed.connect(keyboard.hide)
    return keyboard


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().hide()  # at once: deleteLater() waits for the event loop
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())


def _show_now(layout) -> None:
    """Show what was just added to a shown layout (Qt would show it only on the next loop turn,
    after the touch that asked for it)."""
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is not None:
            item.widget().show()
        elif item.layout() is not None:
            _show_now(item.layout())


def _page(spacing: int = 12) -> tuple[QWidget, QVBoxLayout]:
    w = QWidget()
    box = QVBoxLayout(w)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(spacing)
    return w, box


class ScanScreen(Screen):
    name = "scan"
    back = Signal()
    filing = Signal()  # "Sang nộp hồ sơ": the resident goes on to the portal

    def __init__(self, service: ScanService):
        super().__init__()
        self.service = service
        self._settings = service.settings
        self._selected = -1
        self._thumbs: dict[tuple[str, int], QIcon] = {}  # (page file, rotation) → icon
        self._procedure: ProcedurePapers | None = None
        self._procedure_asked = False  # the resident answered "which procedure?"
        self._done: set[str] = set()  # papers of the procedure saved in this session
        self._paper: Paper | None = None  # the paper being scanned, when from the list
        self._preset: ScanPreset = self._settings.presets[0]
        self._where: dict = {}  # how the next scan places its pages: {}, insert_at or replace
        self._last_feeder = False
        screen = self.screen()
        self._thumb_px = max(THUMB_PX, screen.geometry().height() // 5 if screen else 0)

        self.setStyleSheet(
            f"QPushButton:disabled {{ background: #E5E7EB; color: {theme.MUTED}; border-color: #9CA3AF; }}"
            f"QPushButton[role=\"paper\"] {{ text-align: left; padding-left: 24px; }}"
            f"QPushButton[done=\"true\"] {{ background: {SELECTED_BG}; }}"
            f"QLabel[step=\"now\"] {{ background: {theme.PRIMARY}; color: white; border-radius: 10px;"
            f" padding: 4px 10px; font-weight: bold; }}"
            f"QLabel[step=\"other\"] {{ color: {theme.MUTED}; padding: 4px 10px; }}"
            f"QProgressBar {{ border: 2px solid #9CA3AF; border-radius: 8px; background: white;"
            f" text-align: center; }}"
            f"QProgressBar::chunk {{ background: {SELECTED_BG}; border-right: 4px solid {theme.PRIMARY}; }}"
            f"QWidget#placeCard {{ background: white; border: 2px solid #9CA3AF; border-radius: 12px; }}"
            f"QListWidget#pageStrip {{ background: white; border: 2px solid #9CA3AF; border-radius: 8px; }}"
            f"QListWidget#pageStrip::item {{ border: 5px solid transparent; border-radius: 8px;"
            f" color: {theme.INK}; padding: 2px; }}"
            f"QListWidget#pageStrip::item:selected {{ background: {SELECTED_BG};"
            f" border: 5px solid {theme.PRIMARY_DOWN}; color: {theme.INK}; }}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 12)
        outer.setSpacing(8)

        top = QHBoxLayout()
        top.addWidget(label(T.TITLE, "title", Qt.AlignmentFlag.AlignLeft, wrap=False))
        self.step_labels = []
        for i, name in enumerate(T.STEPS):
            step = label(T.STEP_MARK.format(n=i + 1, name=name), "", wrap=False)
            self.step_labels.append(step)
            top.addWidget(step)
        top.addStretch(1)
        top.addWidget(button(C.BACK_TO_MENU, "", self.back.emit, name="scanBack"))
        outer.addLayout(top)

        self.status = label("", "notice")
        self.status.setObjectName("scanStatus")
        self.retry = button(T.TRY_AGAIN, "", service.search_again, name="scanRetry")
        self.undo = button(T.UNDO, "", self._undo, name="undoButton")
        self.blank_remove = button(T.BLANK_REMOVE, "", self._remove_blank, name="blankRemove")
        self.blank_keep = button(T.BLANK_KEEP, "", self._keep_blank, name="blankKeep")
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        for b in (self.retry, self.undo, self.blank_remove, self.blank_keep):
            status_row.addWidget(b)
        outer.addLayout(status_row)

        self.steps = QStackedWidget()
        self.steps.setObjectName("scanSteps")
        for build in (self._build_what, self._build_place, self._build_scanning, self._build_check,
                      self._build_name):
            self.steps.addWidget(build())
        outer.addWidget(self.steps, 1)

        service.stateChanged.connect(self._on_state)
        service.progress.connect(self._on_progress)
        service.pagesChanged.connect(self._refresh_pages)
        service.pageArrived.connect(self._on_page_arrived)
        service.scanEnded.connect(self._on_scan_ended)
        service.blankPagesFound.connect(self._on_blank)
        service.stalled.connect(self._on_stalled)
        self._buttons_off()
        self._go(STEP_WHAT)
        self._on_state(service.state)
        self._refresh_pages()

    # -- building the steps -----------------------------------------------------------------
    def _build_what(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.what_box = QVBoxLayout()
        self.what_box.setSpacing(10)
        row.addLayout(self.what_box, 3)
        files = QVBoxLayout()
        files.addWidget(label(T.DOCUMENTS_TITLE, "", Qt.AlignmentFlag.AlignLeft))
        self.documents = label(T.DOCUMENTS_NONE, "muted", Qt.AlignmentFlag.AlignLeft)
        self.documents.setObjectName("scanDocuments")
        files.addWidget(self.documents)
        files.addWidget(label(T.DOCUMENTS_HINT, "muted", Qt.AlignmentFlag.AlignLeft))
        files.addStretch(1)
        self.filing_button = button(T.TO_FILING, "primary", self.filing.emit, name="toFiling")
        files.addWidget(self.filing_button)
        row.addLayout(files, 2)
        return page

    def _build_place(self) -> QWidget:
        page, box = _page()
        self.place_title = label("", "title", Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.place_title)
        cards = QHBoxLayout()
        cards.setSpacing(24)
        self.scan_button = button(T.SCAN, "primary", self._scan, name="scanButton")
        self.feeder_button = button(T.SCAN_FEEDER, "primary", lambda: self._scan(feeder=True),
                                    name="feederButton")
        self.glass_card, self.glass_hint = self._place_card(self.scan_button)
        self.feeder_card, self.feeder_hint = self._place_card(self.feeder_button)
        cards.addWidget(self.glass_card)
        cards.addWidget(self.feeder_card)
        box.addLayout(cards, 1)
        self.change_kind = button(T.CHANGE_KIND, "", self._change_kind, name="changeKind")
        box.addWidget(self.change_kind, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    @staticmethod
    def _place_card(scan_button) -> tuple[QWidget, QLabel]:
        card = QWidget()
        card.setObjectName("placeCard")
        card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        box = QVBoxLayout(card)
        box.setContentsMargins(20, 16, 20, 16)
        hint = label("", "", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        box.addWidget(hint, 1)
        box.addWidget(scan_button)
        return card, hint

    def _build_scanning(self) -> QWidget:
        page, box = _page(24)
        box.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setObjectName("scanProgress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.setMinimumHeight(64)
        box.addWidget(self.progress)
        box.addWidget(label(T.SCANNING_WAIT, ""))
        self.stop_button = button(T.STOP, "danger", self.service.cancel, name="stopButton")
        self.stop_button.setStyleSheet("min-width: 320px;")
        box.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(1)
        return page

    def _build_check(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(20)
        left = QVBoxLayout()
        self.check_title = label("", "", Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.check_title)
        self.preview = label(T.PAGES_EMPTY)
        self.preview.setObjectName("scanPreview")
        self.preview.setMinimumSize(QSize(160, 160))
        # The pixmap follows the label's size, never the other way round.
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setStyleSheet("background: white; border: 2px solid #9CA3AF; border-radius: 8px;")
        left.addWidget(self.preview, 1)
        self.to_name = button(T.TO_NAME, "primary", lambda: self._go(STEP_NAME), name="toName")
        left.addWidget(self.to_name)
        row.addLayout(left, 3)

        middle = QGridLayout()
        self.tools = {
            "rotate": button(T.ROTATE, "", self._rotate, name="rotateButton"),
            "delete": button(T.DELETE, "", self._delete, name="deleteButton"),
            "earlier": button(T.MOVE_EARLIER, "", lambda: self._move(-1), name="earlierButton"),
            "later": button(T.MOVE_LATER, "", lambda: self._move(1), name="laterButton"),
            "rescan": button(T.RESCAN, "", self._rescan, name="rescanButton"),
            "add": button(T.ADD_PAGE, "", self._add_page, name="addPageButton"),
        }
        # Small tools two by two; the two that scan get a whole row (longer words).
        for i, key in enumerate(("rotate", "delete", "earlier", "later")):
            middle.addWidget(self.tools[key], i // 2, i % 2)
        middle.addWidget(self.tools["rescan"], 2, 0, 1, 2)
        middle.addWidget(self.tools["add"], 3, 0, 1, 2)
        middle.setRowStretch(4, 1)
        row.addLayout(middle, 4)

        self.strip = QListWidget()
        self.strip.setObjectName("pageStrip")
        self.strip.setViewMode(QListView.ViewMode.IconMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(True)
        self.strip.setResizeMode(QListView.ResizeMode.Adjust)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.setIconSize(QSize(self._thumb_px, self._thumb_px))
        self.strip.setGridSize(QSize(self._thumb_px + 24, self._thumb_px + 56))
        self.strip.setSpacing(4)
        self.strip.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.strip.currentRowChanged.connect(self._select)
        QScroller.grabGesture(self.strip.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        row.addWidget(self.strip, 4)
        return page

    def _build_name(self) -> QWidget:
        page, box = _page()
        self.name_title = label(T.NAME_TITLE, "title", Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.name_title)
        self.name_choices = QWidget()
        self.name_grid = QGridLayout(self.name_choices)
        self.name_grid.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.name_choices)
        # Typing replaces the list: the keys need the room.
        self.typing = QWidget()
        typing = QVBoxLayout(self.typing)
        typing.setContentsMargins(0, 0, 0, 0)
        field_row = QHBoxLayout()
        self.field = QLineEdit()
        self.field.setObjectName("docNameField")
        self.field.setMaxLength(60)
        self.field.setPlaceholderText(T.NAME_PROMPT)
        field_row.addWidget(self.field, 1)
        field_row.addWidget(button(T.NAME_OK, "primary", self._typed, name="docNameOk"))
        typing.addLayout(field_row)
        self.keyboard = name_keyboard(self.field)
        typing.addWidget(self.keyboard)
        self.typing.hide()
        box.addWidget(self.typing)
        box.addStretch(1)
        box.addWidget(button(T.NAME_BACK, "", lambda: self._go(STEP_CHECK), name="docNameBack"),
                      0, Qt.AlignmentFlag.AlignLeft)
        return page

    # -- Screen -----------------------------------------------------------------------------
    def entered(self) -> None:
        if self.service.state == "no_scanner":
            self.service.search_again()  # someone may have plugged it in meanwhile
        if self.service.procedure_code and not self._procedure_asked:
            # A guided session: its procedure is the answer (no list of papers for some of them).
            self._procedure = papers_for(self._settings.procedures, self.service.procedure_code)
            self._procedure_asked = True
        if self.steps.currentIndex() == STEP_WHAT:
            self._fill_what()
        self._refresh_documents()

    def reset(self) -> None:
        self._procedure, self._procedure_asked, self._done = None, False, set()
        self._paper, self._where = None, {}
        self._selected = -1
        self._buttons_off()
        self._say("")
        self._refresh_pages()
        self._go(STEP_WHAT)
        self._refresh_documents()

    # -- moving between steps ---------------------------------------------------------------
    def _go(self, step: int) -> None:
        if step == STEP_WHAT:
            self._fill_what()
        elif step == STEP_PLACE:
            self._fill_place()
        elif step == STEP_CHECK:
            self._refresh_pages()
        elif step == STEP_NAME:
            self._fill_name()
        if step != self.steps.currentIndex():
            log_event(log, "ui.scan_step", step=STEP_KEYS[step])
        self.steps.setCurrentIndex(step)
        for i, step_label in enumerate(self.step_labels):
            step_label.setProperty("step", "now" if i == step else "other")
            step_label.style().unpolish(step_label)
            step_label.style().polish(step_label)
        self._update_tools()

    def _fill_what(self) -> None:
        box = self.what_box
        _clear(box)
        procedures = self._settings.procedures
        if self._procedure is None and procedures and not self._procedure_asked:
            box.addWidget(label(T.PROCEDURE_ASK, "title", Qt.AlignmentFlag.AlignLeft))
            for i, proc in enumerate(procedures):
                box.addWidget(button(proc.name, "paper", lambda p=proc: self._pick_procedure(p),
                                     name=f"procedure{i}"))
            box.addWidget(button(T.PROCEDURE_NONE, "", lambda: self._pick_procedure(None),
                                 name="procedureNone"))
        elif self._procedure is not None:
            box.addWidget(label(T.PROCEDURE_PAPERS.format(name=self._procedure.name), "",
                                Qt.AlignmentFlag.AlignLeft))
            for i, paper in enumerate(self._procedure.papers):
                done = paper.name in self._done
                b = button((T.PAPER_DONE if done else T.PAPER_TODO).format(name=paper.name), "paper",
                           lambda p=paper: self._choose(p, preset_by_key(self._settings.presets, p.preset)),
                           name=f"paper{i}")
                b.setProperty("done", "true" if done else "false")
                box.addWidget(b)
            if all(p.name in self._done for p in self._procedure.papers):
                box.addWidget(label(T.PAPERS_ALL_DONE, "", Qt.AlignmentFlag.AlignLeft))
            row = QHBoxLayout()
            row.addWidget(button(T.PAPER_OTHER, "", self._show_kinds, name="paperOther"))
            row.addWidget(button(T.PROCEDURE_CHANGE, "", self._change_procedure, name="procedureChange"))
            box.addLayout(row)
        else:
            self._fill_kinds(box)
        box.addStretch(1)
        _show_now(box)

    def _fill_kinds(self, box) -> None:
        box.addWidget(label(T.WHAT_TITLE, "title", Qt.AlignmentFlag.AlignLeft))
        for i, preset in enumerate(self._settings.presets):
            box.addWidget(button(preset.label, "paper", lambda p=preset: self._choose(None, p),
                                 name=f"preset_{preset.key}"))
        if self._procedure is not None:
            box.addWidget(button(T.PROCEDURE_BACK, "", self._fill_what, name="procedurePapers"))
        elif self._settings.procedures:
            box.addWidget(button(T.PROCEDURE_CHANGE, "", self._change_procedure, name="procedureChange"))

    def _show_kinds(self) -> None:
        _clear(self.what_box)
        self._fill_kinds(self.what_box)
        self.what_box.addStretch(1)
        _show_now(self.what_box)

    def _pick_procedure(self, procedure: ProcedurePapers | None) -> None:
        self._procedure, self._procedure_asked = procedure, True
        self._fill_what()

    def _change_procedure(self) -> None:
        self._procedure, self._procedure_asked = None, False
        self._fill_what()

    def _choose(self, paper: Paper | None, preset: ScanPreset) -> None:
        """A new document: this paper (from the procedure's list) or this kind of paper. The
        list is only offered with no unsaved pages, so a new paper never joins the last one."""
        self._paper, self._preset, self._where = paper, preset, {}
        self._go(STEP_PLACE)

    def _change_kind(self) -> None:
        self._where = {}
        self._go(STEP_CHECK if len(self.service.pages) else STEP_WHAT)

    def _fill_place(self) -> None:
        name = self._paper.name if self._paper else self._preset.label
        self.place_title.setText(T.PLACE_FOR.format(name=name))
        card = self._preset.area_mm is not None and self._preset.area_mm[0] < 150
        feeder = self.service.has_feeder and not card and "replace" not in self._where
        self.scan_button.setText(T.SCAN_FLATBED if feeder else T.SCAN)
        glass = T.PLACE_GLASS_CARD if card else T.PLACE_GLASS
        self.glass_hint.setText(glass.format(scan=self.scan_button.text()))
        self.feeder_hint.setText(T.PLACE_FEEDER.format(scan=T.SCAN_FEEDER))
        show_hide({self.feeder_card: feeder})
        self.change_kind.setText(T.NAME_BACK if len(self.service.pages) else T.CHANGE_KIND)

    def _fill_name(self) -> None:
        _clear(self.name_grid)
        self.field.clear()
        self._buttons_off()
        self._say("")
        show_hide({self.typing: False, self.name_choices: True, self.name_title: True})
        if self._paper is not None:
            self.name_grid.addWidget(button(T.NAME_SAVE_AS.format(name=self._paper.name), "primary",
                                            lambda: self._save(self._paper.name), name="docNamePaper"), 0, 0, 1, 2)
            self.name_grid.addWidget(button(T.NAME_OTHER, "", self._show_keys, name="docNameOther"), 0, 2)
            _show_now(self.name_grid)
            return
        types = self._settings.document_types
        for i, name in enumerate(types):
            self.name_grid.addWidget(button(name, "", lambda n=name: self._save(n), name=f"docName{i}"),
                                     i // 3, i % 3)
        n = len(types)
        self.name_grid.addWidget(button(T.NAME_OTHER, "", self._show_keys, name="docNameOther"), n // 3, n % 3)
        _show_now(self.name_grid)

    def _show_keys(self) -> None:
        show_hide({self.name_choices: False, self.name_title: False, self.typing: True})
        self.keyboard.show()

    def _typed(self) -> None:
        if self.field.text().strip():
            self._save(self.field.text().strip())

    # -- state --------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _buttons_off(self) -> None:
        show_hide({self.undo: False, self.blank_remove: False, self.blank_keep: False})

    def _on_state(self, state: str) -> None:
        ready = state == "ready"
        self.scan_button.setEnabled(ready)
        self.feeder_button.setEnabled(ready)
        show_hide({self.retry: state == "no_scanner"})
        if state == "no_scanner":
            self._say(f"{T.NO_SCANNER} {T.NO_SCANNER_HELP}")
        elif state == "searching" and not self.status.text():
            self._say(T.PREPARING)  # a fault's message stays while the kiosk looks again
        elif ready and self.status.text() in (T.PREPARING, f"{T.NO_SCANNER} {T.NO_SCANNER_HELP}"):
            self._say("")
        if state == "scanning":
            self._go(STEP_SCAN)
        self._update_tools()

    def _on_progress(self, page: int, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress.setFormat(T.SCANNING.format(page=page))

    def _on_stalled(self, stalled: bool) -> None:
        self._say(T.SLOW if stalled else "")

    def _on_page_arrived(self, index: int) -> None:
        self._selected = index

    def _scan_label(self) -> str:
        return T.SCAN_FEEDER if self._last_feeder else self.scan_button.text()

    def _on_scan_ended(self, pages: int, fault: str, cancelled: bool) -> None:
        if fault:
            text = T.FAULTS.get(fault, T.FAULTS["other"]).format(scan=self._scan_label())
            if len(self.service.pages):
                text += " " + T.PAGES_KEPT
            self._say(text)
        elif cancelled:
            self._say(T.STOPPED)
        else:
            self._say(T.PAGES_ADDED.format(count=pages))
        if fault:  # back where the button the message names is; the next scan goes to the same place
            self._go(STEP_PLACE)
            return
        self._where = {}
        self._go(STEP_CHECK if len(self.service.pages) else STEP_PLACE)

    def _on_blank(self, count: int) -> None:
        self._say(T.BLANK_FOUND.format(count=count))
        show_hide({self.blank_remove: True, self.blank_keep: True})

    def _remove_blank(self) -> None:
        self.service.remove_blank()
        self._buttons_off()
        self._say("")
        if not len(self.service.pages):
            self._go(STEP_PLACE)

    def _keep_blank(self) -> None:
        self._buttons_off()
        self._say("")

    # -- scanning ---------------------------------------------------------------------------
    def _scan(self, feeder: bool = False) -> None:
        self._buttons_off()
        self._say("")  # the last fault's message is over
        self._last_feeder = feeder
        self.progress.setValue(0)
        self.progress.setFormat(T.SCANNING.format(page=1))
        self.service.scan(self._preset, feeder=feeder, **self._where)

    def _rescan(self) -> None:
        if 0 <= self._selected < len(self.service.pages):
            self._where = {"replace": self._selected}
            self._go(STEP_PLACE)

    def _add_page(self) -> None:
        self._where = {"insert_at": self._selected + 1 if self._selected >= 0 else len(self.service.pages)}
        self._go(STEP_PLACE)

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
                pixmap = QPixmap.fromImage(page_image(page, self._thumb_px))
                icon = QIcon(pixmap)
                icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the page as it is, not tinted blue
                self._thumbs[key] = icon
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
            self.check_title.setText(T.CHECK_TITLE.format(count=0))
        else:
            box = max(200, min(self.preview.width(), self.preview.height()) - 16)
            self.preview.setPixmap(QPixmap.fromImage(page_image(pages[self._selected], box)))
            text = T.PAGE_OF.format(n=self._selected + 1, total=len(pages))
            self.check_title.setText(text + (" " + T.PAGE_PICK if len(pages) > 1 else ""))
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
        self.tools["add"].setEnabled(ready)
        self.to_name.setEnabled(bool(n) and still)

    def _rotate(self) -> None:
        self._buttons_off()
        self.service.rotate(self._selected)

    def _delete(self) -> None:
        index = self._selected
        self.service.delete(index)
        remaining = len(self.service.pages)
        self._say(T.DELETED.format(n=index + 1, count=remaining))
        show_hide({self.undo: True})

    def _undo(self) -> None:
        index = self.service.undo_delete()
        self._buttons_off()
        self._say("")
        if index is not None:
            self.strip.setCurrentRow(index)
        if self.steps.currentIndex() != STEP_CHECK:
            self._go(STEP_CHECK)

    def _move(self, step: int) -> None:
        self._buttons_off()
        to = self._selected + step
        self.service.move(self._selected, to)
        self._selected = to
        self.strip.setCurrentRow(to)

    # -- documents --------------------------------------------------------------------------
    def _save(self, name: str) -> None:
        # Making the PDF takes a moment for many pages: say so, and let it paint first.
        self._buttons_off()
        self._say(T.SAVING)
        self.to_name.setEnabled(False)
        QTimer.singleShot(0, lambda: self._write(name))

    def _write(self, name: str) -> None:
        try:
            result = self.service.save_document(name)
        except ScanError as exc:
            self._say(T.FAULTS.get(exc.fault.value, T.FAULTS["other"]).format(scan=T.SCAN) + " " + T.PAGES_KEPT)
            self._go(STEP_CHECK)
            return
        text = T.SAVED.format(name=result.pdf.name, pages=result.pages, size=human_size(result.size))
        budget = human_size(self._settings.output.size_budget_bytes)
        if result.over_budget:
            text += " " + T.SAVED_TOO_BIG.format(budget=budget)
        elif result.reduced:
            text += " " + T.SAVED_REDUCED.format(budget=budget)
        if self._paper is not None:
            self._done.add(self._paper.name)
        self._paper = None
        self._say(text)
        self._go(STEP_WHAT)
        self._refresh_documents()

    def _refresh_documents(self) -> None:
        docs = self.service.documents()
        self.filing_button.setEnabled(bool(docs))
        if not docs:
            self.documents.setText(T.DOCUMENTS_NONE)
            return
        shown = docs[-4:]  # the newest; the portal's picker lists them all
        lines = [f"• {p.name} ({human_size(p.stat().st_size)})" for p in shown]
        if len(docs) > len(shown):
            lines.insert(0, "…")
        self.documents.setText("\n".join(lines))
