"""The anonymous satisfaction rating at the end of a session; goes home by itself after a while."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk_app.admin.outcome import LOW_RATING_REASONS, RATINGS, TRIPS, is_low_rating
from kiosk_app.admin.screens.common import choice_page
from kiosk_app.shell.qr import qr_pixmap
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import staff as T

RATING_COLORS = {5: "#166534", 4: "#15803D", 3: "#4B5563", 2: "#B45309", 1: "#A3161A"}
PAGE_RATING, PAGE_TRIPS, PAGE_WHY, PAGE_THANKS = range(4)
SURVEY_QR_PX = 160


class SatisfactionScreen(Screen):
    name = "satisfaction"
    finished = Signal(str, object, object, object)  # session id, rating, trips, low-rating reason

    def __init__(self, reset_s: float, survey_url: str = ""):
        super().__init__()
        self._session_id = ""
        self._answers: dict = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(reset_s * 1000))
        self._timer.timeout.connect(self._finish)
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 30, 40, 30)
        box.setSpacing(16)
        self.pages = QStackedWidget()
        self.pages.addWidget(choice_page(T.SAT_TITLE, [(str(r), T.SAT_LEVELS[r], RATING_COLORS[r]) for r in RATINGS],
                                         self._rated, 5, "satRate", 260, note=T.SAT_ANON))
        self.pages.addWidget(choice_page(T.SAT_TRIPS_Q, [(str(t), T.SAT_TRIPS[t], "#0B4F9C") for t in TRIPS],
                                         self._trips, 3, "satTrips", 220))
        self.pages.addWidget(choice_page(T.SAT_WHY_Q, [(k, T.SAT_WHY[k], "") for k in LOW_RATING_REASONS],
                                         self._why, 2, "satWhy", 90))
        thanks = QWidget()
        tbox = QVBoxLayout(thanks)
        tbox.addStretch(1)
        tbox.addWidget(label(T.SAT_THANKS, "huge"))
        tbox.addWidget(label(T.SAT_WIPED, "title"))
        tbox.addStretch(1)
        self.pages.addWidget(thanks)
        box.addWidget(self.pages, 1)
        row = QHBoxLayout()
        self.survey = self._survey_panel(survey_url) if survey_url else None
        if self.survey is not None:
            row.addWidget(self.survey)
        row.addStretch(1)
        self.done_button = button(T.END_SKIP, "", self._finish, name="satDone")
        row.addWidget(self.done_button)
        box.addLayout(row)

    @staticmethod
    def _survey_panel(url: str) -> QWidget:
        """The commune's own survey (e.g. on Zalo) as a QR code, for residents who prefer their phone."""
        panel = QWidget()
        panel.setObjectName("satSurvey")
        row = QHBoxLayout(panel)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        code = QLabel()
        code.setObjectName("satSurveyQr")
        code.setPixmap(qr_pixmap(url, SURVEY_QR_PX))
        row.addWidget(code)
        caption = label(T.SAT_SURVEY_QR, "", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        caption.setMinimumWidth(420)  # a wrapped label would otherwise take the narrowest width
        caption.setMaximumWidth(640)
        row.addWidget(caption)
        return panel

    def begin(self, session_id: str) -> None:
        self._session_id = session_id
        self._answers = {}
        self._show(PAGE_RATING)

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.done_button.setText(T.SAT_DONE if page == PAGE_THANKS else T.END_SKIP)
        if self.survey is not None:
            self.survey.setVisible(page in (PAGE_RATING, PAGE_THANKS))
        self._timer.start()  # each answer gives the resident the full time again

    def _rated(self, key: str) -> None:
        self._answers["rating"] = int(key)
        self._show(PAGE_TRIPS)

    def _trips(self, key: str) -> None:
        self._answers["trips"] = int(key)
        self._show(PAGE_WHY if is_low_rating(self._answers["rating"]) else PAGE_THANKS)

    def _why(self, key: str) -> None:
        self._answers["reason"] = key
        self._show(PAGE_THANKS)

    def _finish(self) -> None:
        self._timer.stop()
        if not self._session_id:
            return
        sid, self._session_id = self._session_id, ""
        a = self._answers
        self.finished.emit(sid, a.get("rating"), a.get("trips"), a.get("reason"))

    def reset(self) -> None:
        self._timer.stop()
        self._session_id = ""
