"""The resident's "Kết thúc": did you submit? did someone help? (why not?) — big answers only."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk_app.admin.outcome import NOT_FILED_REASONS
from kiosk_app.admin.screens.common import choice_page
from kiosk_app.logs import log_event
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import staff as T

GREEN, BLUE, GREY = "#166534", "#0B4F9C", "#4B5563"
PAGES = ("submitted", "helped", "why", "no_level2")
PAGE_SUBMITTED, PAGE_HELPED, PAGE_WHY, PAGE_LEVEL2 = range(4)
log = logging.getLogger("kiosk.admin")


class EndQuestionsScreen(Screen):
    name = "end_questions"
    answered = Signal(bool, bool, object)  # submitted, someone helped, reason for not filing (or None)
    skipped = Signal()
    back = Signal()
    level2_guide = Signal()  # "Chưa có tài khoản mức 2": the resident wants to see how to get one

    def __init__(self):
        super().__init__()
        self._submitted_seen = False
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 30, 60, 30)
        box.setSpacing(20)
        self.pages = QStackedWidget()
        self.pages.addWidget(choice_page(T.END_Q_SUBMITTED, [("yes", T.END_A_SUBMITTED, GREEN),
                                                             ("no", T.END_A_NOT_SUBMITTED, GREY)],
                                         self._submitted, 2, "endSubmitted", 220))
        helped = choice_page(T.END_Q_HELPED, [("alone", T.END_A_ALONE, BLUE), ("helped", T.END_A_HELPED, GREY)],
                             self._helped, 2, "endHelped", 220)
        self.seen_note = label(T.END_SEEN_SUBMITTED, "notice")
        self.seen_note.setObjectName("endSeenSubmitted")
        helped.layout().insertWidget(0, self.seen_note)
        self.pages.addWidget(helped)
        self.pages.addWidget(choice_page(T.END_Q_WHY, [(k, T.NOT_FILED_REASONS[k], "") for k in NOT_FILED_REASONS],
                                         self._why, 2, "endWhy", 90))
        self.pages.addWidget(self._level2_page())
        box.addWidget(self.pages, 1)
        row = QHBoxLayout()
        self.back_button = button(T.END_BACK, "", self.back.emit, name="endBack")
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.skip_button = button(T.END_SKIP, "", self._skip, name="endSkip")
        row.addWidget(self.skip_button)
        box.addLayout(row)

    def _level2_page(self) -> QWidget:
        """Where to register for a level-2 account, what to bring; the guide on activating it."""
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(16)
        box.addWidget(label(T.LEVEL2_TITLE, "title"))
        box.addWidget(label(T.LEVEL2_WHERE))
        bring = label(T.LEVEL2_BRING, "notice", Qt.AlignmentFlag.AlignLeft)
        bring.setObjectName("level2Bring")
        box.addWidget(bring)
        box.addWidget(label(T.LEVEL2_AFTER))
        box.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(button(T.LEVEL2_GUIDE, "", self._level2_guide, name="level2Guide"))
        row.addWidget(button(T.LEVEL2_DONE, "primary", lambda: self.answered.emit(False, False, "no_level2"),
                             name="level2Done"))
        box.addLayout(row)
        return page

    def begin(self, submitted_seen: bool) -> None:
        """Before showing: when the portal's success page was seen, "did you submit?" is answered."""
        self._submitted_seen = submitted_seen
        self._go(self._first_page())

    def _first_page(self) -> int:
        return PAGE_HELPED if self._submitted_seen else PAGE_SUBMITTED

    def entered(self) -> None:
        self._go(self._first_page())

    def reset(self) -> None:
        self._submitted_seen = False
        self._go(PAGE_SUBMITTED)

    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        log_event(log, "ui.question", question=PAGES[index])
        self.back_button.setVisible(index == self._first_page())
        self.seen_note.setVisible(self._submitted_seen)
        self.skip_button.setVisible(index != PAGE_LEVEL2)

    def _submitted(self, key: str) -> None:
        self._go(PAGE_HELPED if key == "yes" else PAGE_WHY)

    def _helped(self, key: str) -> None:
        self.answered.emit(True, key == "helped", None)

    def _why(self, key: str) -> None:
        if key == "no_level2":
            self._go(PAGE_LEVEL2)
        else:
            self.answered.emit(False, False, key)

    def _level2_guide(self) -> None:
        log_event(log, "ui.level2_guide")
        self.level2_guide.emit()

    def _skip(self) -> None:
        if self.pages.currentIndex() == PAGE_WHY:
            self.answered.emit(False, False, None)  # not filed, reason not given
        else:
            self.skipped.emit()
