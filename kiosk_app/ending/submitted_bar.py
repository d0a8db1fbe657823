"""Over the portal's success page: write down the dossier code, then "Kết thúc"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk_app.shell.widgets import button, label
from kiosk_app.strings import staff as T


class SubmittedBar(QWidget):
    """A band above the page (never over it: the code must stay readable) with the way out."""

    end_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("submittedBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#submittedBar { background: #DCFCE7; border-bottom: 3px solid #166534; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        self.message = label("", "", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.message.setObjectName("submittedMessage")
        self.message.setStyleSheet("background: transparent; font-weight: bold;")
        row.addWidget(self.message, 1)
        row.addWidget(button(T.SUBMITTED_CLOSE, "", self.hide, name="submittedClose"))
        row.addWidget(button(T.SUBMITTED_END, "primary", self.end_requested.emit, name="submittedEnd"))
        self.hide()

    def show_for(self, submission) -> None:
        """`submission`: the portal's Submission (its dossier code may be None)."""
        code = getattr(submission, "dossier_code", None)
        self.message.setText(T.SUBMITTED_CODE.format(code=code) if code else T.SUBMITTED_NO_CODE)
        self.show()


def attach_submitted_bar(portal) -> SubmittedBar:
    """Put the bar into the portal screen, just above the page."""
    bar = SubmittedBar()
    layout = portal.layout()
    layout.insertWidget(layout.indexOf(portal.stack), bar)
    portal.submitted.connect(bar.show_for)
    return bar
