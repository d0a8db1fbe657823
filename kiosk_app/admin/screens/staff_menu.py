"""The staff menu after a right PIN: officer actions, and the administrator's on top."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout

from kiosk_app.shell.widgets import ConfirmOverlay, Screen, button, label
from kiosk_app.strings import common as C
from kiosk_app.strings import staff as T


COLUMNS = 3


def grid_cells(keys: list[str], columns: int = COLUMNS) -> dict[str, tuple[int, int]]:
    """(row, column) of each shown button, in order, row by row: no hole where one is hidden."""
    return {key: (i // columns, i % columns) for i, key in enumerate(keys)}


class StaffMenu(Screen):
    name = "staff_menu"
    guided = Signal()
    step_in = Signal()
    record_outcome = Signal()
    practice = Signal()
    end_session = Signal()
    stats = Signal()
    settings = Signal()
    exit_app = Signal()
    back = Signal()

    def __init__(self, info: str):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 24, 60, 24)
        box.setSpacing(14)
        self.hello = label("", "title")
        self.hello.setObjectName("StaffHello")
        box.addWidget(self.hello)
        self.session_line = label("", "")
        self.session_line.setObjectName("StaffSessionLine")
        box.addWidget(self.session_line)
        self.health = label(C.STAFF_HEALTH_OK, "notice")
        self.health.setObjectName("StaffHealth")
        box.addWidget(self.health)
        self.info = label(info, "muted")
        box.addWidget(self.info)
        box.addStretch(1)
        self.grid = QGridLayout()
        self.grid.setSpacing(14)
        self.buttons = {
            "guided": button(T.GUIDED_START, "primary", self.guided.emit, name="staffGuided"),
            "step_in": button(T.STEP_IN, "primary", self.step_in.emit, name="staffStepIn"),
            "outcome": button(T.RECORD_OUTCOME, "primary", self.record_outcome.emit, name="staffOutcome"),
            "practice": button(T.SWITCH_PRACTICE, "", self.practice.emit, name="staffPractice"),
            "end": button(C.STAFF_END_SESSION, "", self.end_session.emit, name="staffEnd"),
            "stats": button(T.STATS, "", self.stats.emit, name="staffStats"),
            "settings": button(T.SETTINGS, "", self.settings.emit, name="staffSettings"),
            "exit": button(C.STAFF_EXIT_APP, "danger", self._ask_exit, name="staffExit"),
            "back": button(C.STAFF_BACK, "", self.back.emit, name="staffBack"),
        }
        self._place(list(self.buttons))
        box.addLayout(self.grid)
        # Leaving the kiosk is one tap from "Quay lại": ask first.
        self.exit_confirm = ConfirmOverlay(self, T.EXIT_CONFIRM_TITLE, T.EXIT_CONFIRM_TEXT, T.EXIT_CONFIRM_YES,
                                           T.EXIT_CONFIRM_NO, name="exitConfirm")
        self.exit_confirm.accepted.connect(self.exit_app.emit)

    def _ask_exit(self) -> None:
        self.exit_confirm.open()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.exit_confirm.hide()
        super().hideEvent(event)

    def set_state(self, role: str, name: str, problems: list[str], session: dict | None) -> None:
        """`session`: None, or {"mode", "procedure", "helped"} of the running session."""
        self.hello.setText(f"{T.MENU_TITLE} · " + T.MENU_HELLO.format(name=name, role=T.ROLE_NAMES.get(role, role)))
        self.health.setText("\n".join(problems) if problems else C.STAFF_HEALTH_OK)
        if session is None:
            self.session_line.setText(T.SESSION_NONE)
        else:
            proc = f" · {session['procedure']}" if session.get("procedure") else ""
            text = T.SESSION_RUNNING.format(mode=T.MODE_NAMES.get(session["mode"], session["mode"]), procedure=proc)
            self.session_line.setText(text + (f" {T.STEPPED_IN}" if session.get("helped") else ""))
        running = session is not None
        admin = role == "admin"
        visible = {"guided": True, "step_in": running and not session.get("helped"), "outcome": running,
                   "practice": running and session.get("mode") != "practice",
                   "end": running, "stats": admin, "settings": admin, "exit": admin, "back": True}
        for key, b in self.buttons.items():
            b.setVisible(visible[key])
        self._place([key for key in self.buttons if visible[key]])

    def _place(self, keys: list[str]) -> None:
        for b in self.buttons.values():
            self.grid.removeWidget(b)
        for key, (row, column) in grid_cells(keys).items():
            self.grid.addWidget(self.buttons[key], row, column)
