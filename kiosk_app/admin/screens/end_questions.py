"""The resident's "Kết thúc": did you submit? did someone help? (why not?) — big answers only."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout

from kiosk_app.admin.outcome import NOT_FILED_REASONS
from kiosk_app.admin.screens.common import choice_page
from kiosk_app.logs import log_event
from kiosk_app.shell.widgets import Screen, button
from kiosk_app.strings import staff as T

GREEN, BLUE, GREY = "#166534", "#0B4F9C", "#4B5563"
PAGES = ("submitted", "helped", "why")
log = logging.getLogger("kiosk.admin")


class EndQuestionsScreen(Screen):
    name = "end_questions"
    answered = Signal(bool, bool, object)  # submitted, someone helped, reason for not filing (or None)
    skipped = Signal()
    back = Signal()

    def __init__(self):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 30, 60, 30)
        box.setSpacing(20)
        self.pages = QStackedWidget()
        self.pages.addWidget(choice_page(T.END_Q_SUBMITTED, [("yes", T.END_A_SUBMITTED, GREEN),
                                                             ("no", T.END_A_NOT_SUBMITTED, GREY)],
                                         self._submitted, 2, "endSubmitted", 220))
        self.pages.addWidget(choice_page(T.END_Q_HELPED, [("alone", T.END_A_ALONE, BLUE),
                                                          ("helped", T.END_A_HELPED, GREY)],
                                         self._helped, 2, "endHelped", 220))
        self.pages.addWidget(choice_page(T.END_Q_WHY, [(k, T.NOT_FILED_REASONS[k], "") for k in NOT_FILED_REASONS],
                                         self._why, 2, "endWhy", 90))
        box.addWidget(self.pages, 1)
        row = QHBoxLayout()
        self.back_button = button(T.END_BACK, "", self.back.emit, name="endBack")
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(button(T.END_SKIP, "", self._skip, name="endSkip"))
        box.addLayout(row)

    def entered(self) -> None:
        self._go(0)

    def reset(self) -> None:
        self._go(0)

    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        log_event(log, "ui.question", question=PAGES[index])
        self.back_button.setVisible(index == 0)

    def _submitted(self, key: str) -> None:
        self._go(1 if key == "yes" else 2)

    def _helped(self, key: str) -> None:
        self.answered.emit(True, key == "helped", None)

    def _why(self, key: str) -> None:
        self.answered.emit(False, False, key)

    def _skip(self) -> None:
        if self.pages.currentIndex() == 2:
            self.answered.emit(False, False, None)  # not filed, reason not given
        else:
            self.skipped.emit()
