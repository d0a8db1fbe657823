"""Officer screens about one resident's session: start a guided session, record its outcome."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout

from kiosk_app.admin.outcome import NOT_FILED_REASONS, OUTCOMES
from kiosk_app.admin.screens.common import AnswerButton, choice_page
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import common as C
from kiosk_app.strings import staff as T

MAX_PROCEDURE_BUTTONS = 8


class GuidedStartScreen(Screen):
    name = "staff_guided"
    start = Signal(str, str)  # procedure code ("" for another procedure), how: alone | with_help | practice
    cancelled = Signal()

    def __init__(self, procedures: list[tuple[str, str]]):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 24, 60, 24)
        box.setSpacing(14)
        box.addWidget(label(f"{T.GUIDED_TITLE} · {T.GUIDED_PICK_PROCEDURE}", "title"))
        grid = QGridLayout()
        grid.setSpacing(10)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._codes: dict[QPushButton, str] = {}
        items = list(procedures[:MAX_PROCEDURE_BUTTONS - 1]) + [("", T.GUIDED_OTHER)]
        for i, (code, name) in enumerate(items):
            b = AnswerButton(name, f"proc_{code or 'other'}", "", 76, text_role="")
            b.make_checkable()
            self.group.addButton(b)
            self._codes[b] = code
            grid.addWidget(b, i // 3, i % 3)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        box.addLayout(grid)
        box.addWidget(label(T.GUIDED_PICK_HOW, "title"))
        self.message = label("", "notice")
        self.message.setObjectName("GuidedMessage")
        self.message.hide()
        box.addWidget(self.message)
        row = QHBoxLayout()
        for how, text in (("alone", T.GUIDED_ALONE), ("with_help", T.GUIDED_WITH_HELP),
                          ("practice", T.GUIDED_PRACTICE)):
            row.addWidget(button(text, "primary", lambda h=how: self._start(h), name=f"guided_{how}"))
        box.addLayout(row)
        box.addStretch(1)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        row2.addWidget(button(C.STAFF_CANCEL, "", self.cancelled.emit, name="guidedCancel"))
        box.addLayout(row2)

    def entered(self) -> None:
        self.message.hide()
        checked = self.group.checkedButton()
        if checked is not None:
            self.group.setExclusive(False)
            checked.setChecked(False)
            self.group.setExclusive(True)

    def _start(self, how: str) -> None:
        checked = self.group.checkedButton()
        if checked is None and how != "practice":
            self.message.setText(T.GUIDED_NEED_PROCEDURE)
            self.message.show()
            return
        self.start.emit(self._codes.get(checked, ""), how)


class OfficerOutcomeScreen(Screen):
    name = "staff_outcome"
    recorded = Signal(str, object)  # outcome, reason for not filing (or None)
    cancelled = Signal()

    def __init__(self, was_helped: Callable[[], bool] = lambda: False):
        """`was_helped` says whether someone already helped in the running session."""
        super().__init__()
        self._was_helped = was_helped
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 24, 60, 24)
        self.pages = QStackedWidget()
        first = choice_page(T.OUTCOME_TITLE, [(k, T.OUTCOME_NAMES[k], "") for k in OUTCOMES],
                            self._outcome, 2, "outcome", 120)
        self.helped_note = label(T.OUTCOME_HELPED_NOTE, "notice")
        self.helped_note.setObjectName("OutcomeHelpedNote")
        first.layout().insertWidget(1, self.helped_note)
        self.alone_button = first.findChild(QPushButton, "outcome_filed_alone")
        self.pages.addWidget(first)
        self.pages.addWidget(choice_page(T.NOT_FILED_TITLE, [(k, T.NOT_FILED_REASONS[k], "")
                                                            for k in NOT_FILED_REASONS],
                                         lambda k: self.recorded.emit("not_filed", k), 2, "outcomeWhy", 90))
        box.addWidget(self.pages, 1)
        box.addWidget(button(C.STAFF_CANCEL, "", self.cancelled.emit, name="outcomeCancel"))

    def entered(self) -> None:
        self.pages.setCurrentIndex(0)
        helped = self._was_helped()
        # One rule: a session in which anyone helped is "with help"; the officer sees it here.
        self.helped_note.setVisible(helped)
        self.alone_button.setVisible(not helped)

    def _outcome(self, key: str) -> None:
        if key == "not_filed":
            self.pages.setCurrentIndex(1)
        else:
            self.recorded.emit(key, None)
