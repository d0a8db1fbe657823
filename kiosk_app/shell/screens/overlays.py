"""Overlays over any screen: the idle countdown."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kiosk_app.shell.theme import INK
from kiosk_app.shell.widgets import Overlay, button, label
from kiosk_app.strings import common as T


class IdleOverlay(Overlay):
    """'Bạn còn ở đó không?' with a big 'Tiếp tục'; a touch anywhere also continues."""

    continued = Signal()
    _host: QDialog | None = None  # shown over a dialog: the screen-sized dialog this is in

    def __init__(self, parent: QWidget):
        super().__init__(parent, "idle")
        self._home = parent
        # Opaque: the resident may have walked away, and what they typed (an ID number) must not
        # show through to the next person while the question waits.
        self.setStyleSheet(f"#Overlay {{ background: {INK}; }}")
        self.body.addWidget(label(T.IDLE_QUESTION, "title"))
        self.number = label("", "huge")
        self.number.setObjectName("IdleNumber")
        self.body.addWidget(self.number)
        self.seconds = label("")
        self.seconds.setObjectName("IdleSeconds")
        self.body.addWidget(self.seconds)
        self.continue_button = button(T.IDLE_CONTINUE, "primary", self._continue, name="idleContinue")
        self.body.addWidget(self.continue_button)

    def open(self) -> None:
        """Over the kiosk's window; over a dialog that is open (a page's alert, the file picker),
        in a screen-sized dialog of its own above it, so the question is seen and answered there and
        hides what the dialog shows. "Tiếp tục" returns to the dialog; a timeout closes both."""
        if QApplication.activeModalWidget() is not None and self._host is None:
            # A child of the kiosk's window, not of the page's dialog: that one may be deleted under it.
            self._host = host = QDialog(self._home, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
            host.setObjectName("idleHost")
            host.setWindowModality(Qt.WindowModality.ApplicationModal)
            host.setGeometry(self._home.geometry())
            host.finished.connect(self._come_home)
            self.setParent(host)
        super().open()
        if self._host is not None:
            self._host.open()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        host = self._host
        if host is not None:  # closed after this widget's own hiding, if it is still open then
            QTimer.singleShot(0, lambda: host is self._host and host.isVisible() and host.reject())

    def _come_home(self) -> None:
        host, self._host = self._host, None
        if host is None:
            return
        self.hide()
        self.setParent(self._home)
        host.deleteLater()

    def set_seconds(self, seconds: int) -> None:
        self.number.setText(str(seconds))
        self.seconds.setText(T.IDLE_EXPLAIN.format(seconds=seconds))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._continue()

    def _continue(self) -> None:
        self.hide()
        self.continued.emit()
