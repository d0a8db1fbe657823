"""Kiosk dialogs for the page: JavaScript alert/confirm/prompt, the session file picker, a file viewer."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.logs import log_event
from kiosk_app.strings import portal as text

log = logging.getLogger("kiosk.portal")

THUMB = QSize(220, 300)


def _button(label: str, name: str) -> QPushButton:
    b = QPushButton(label)
    b.setObjectName(name)
    b.setMinimumSize(260, 80)
    return b


class _Message(QDialog):
    def __init__(self, parent: QWidget | None, message: str, with_cancel: bool, default: str | None = None):
        super().__init__(parent)
        self.setObjectName("portalDialog")
        self.setWindowTitle(text.DIALOG_TITLE)
        self.setModal(True)
        layout = QVBoxLayout(self)
        label = QLabel(message[:2000])
        label.setWordWrap(True)
        label.setMinimumWidth(600)
        layout.addWidget(label)
        self.edit: QLineEdit | None = None
        if default is not None:
            self.edit = QLineEdit(default)
            self.edit.setMinimumHeight(60)
            layout.addWidget(self.edit)
        row = QHBoxLayout()
        self.ok = _button(text.DIALOG_OK, "portalDialogOk")
        self.ok.clicked.connect(self.accept)
        row.addWidget(self.ok)
        if with_cancel:
            self.cancel = _button(text.DIALOG_CANCEL, "portalDialogCancel")
            self.cancel.clicked.connect(self.reject)
            row.addWidget(self.cancel)
        layout.addLayout(row)


class KioskDialogs:
    """alert/confirm/prompt of a page as the kiosk's own big-button dialogs."""

    def __init__(self, parent: QWidget | None):
        self.parent = parent

    def alert(self, message: str) -> None:
        _Message(self.parent, message, with_cancel=False).exec()

    def confirm(self, message: str) -> bool:
        return _Message(self.parent, message, with_cancel=True).exec() == QDialog.DialogCode.Accepted

    def prompt(self, message: str, default: str) -> str | None:
        dialog = _Message(self.parent, message, with_cancel=True, default=default)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.edit.text() if dialog.edit else ""


def thumbnail(path: Path, size: QSize = THUMB) -> QPixmap:
    """First page of a PDF or the picture itself, scaled for the picker."""
    image = QImage()
    if path.suffix.lower() == ".pdf":
        from PySide6.QtPdf import QPdfDocument

        doc = QPdfDocument()
        if doc.load(str(path)) == QPdfDocument.Error.None_ and doc.pageCount() > 0:
            page = doc.pagePointSize(0)
            scale = min(size.width() / max(page.width(), 1), size.height() / max(page.height(), 1))
            image = doc.render(0, QSize(int(page.width() * scale), int(page.height() * scale)))
        doc.close()
    else:
        image.load(str(path))
    if image.isNull():
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.lightGray)
    return QPixmap.fromImage(image).scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation)


class SessionFilePicker(QDialog):
    """Big thumbnails of this session's files, and nothing else of the computer."""

    def __init__(self, files: list[Path], multiple: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sessionFilePicker")
        self.setWindowTitle(text.PICKER_TITLE)
        self.setModal(True)
        self.files = files
        layout = QVBoxLayout(self)
        title = QLabel(text.PICKER_TITLE)
        title.setObjectName("pickerTitle")
        layout.addWidget(title)
        hint = QLabel(text.PICKER_EMPTY if not files else (text.PICKER_HINT_MANY if multiple else text.PICKER_HINT_ONE))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setObjectName("pickerList")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 40, THUMB.height() + 70))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSelectionMode(QListWidget.SelectionMode.MultiSelection if multiple
                                   else QListWidget.SelectionMode.SingleSelection)
        for path in files:
            item = QListWidgetItem(QIcon(thumbnail(path)), path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.choose = _button(text.PICKER_CHOOSE_MANY if multiple else text.PICKER_CHOOSE_ONE, "pickerChoose")
        self.choose.setEnabled(False)
        self.cancel = _button(text.PICKER_CANCEL, "pickerCancel")
        row.addWidget(self.choose)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        self.list.itemSelectionChanged.connect(lambda: self.choose.setEnabled(bool(self.list.selectedItems())))
        self.choose.clicked.connect(self.accept)
        self.cancel.clicked.connect(self.reject)
        if parent is not None:
            self.resize(parent.size() * 0.9)

    def chosen(self) -> list[Path]:
        return [Path(i.data(Qt.ItemDataRole.UserRole)) for i in self.list.selectedItems()]


def picker_chooser(parent: QWidget):
    """The FileChooser the portal page uses in the kiosk: a modal SessionFilePicker."""

    def choose(files: list[Path], multiple: bool) -> list[Path]:
        dialog = SessionFilePicker(files, multiple, parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else []

    return choose


class FileViewer(QDialog):
    """A downloaded receipt or form, shown inside the kiosk (PDF pages or a picture)."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("portalFileViewer")
        self.setWindowTitle(path.name)
        self.kind = path.suffix.lower().lstrip(".")
        layout = QVBoxLayout(self)
        if path.suffix.lower() == ".pdf":
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self.document = QPdfDocument(self)
            self.document.load(str(path))
            self.pages = self.document.pageCount()
            viewer = QPdfView(self)
            viewer.setDocument(self.document)
            viewer.setPageMode(QPdfView.PageMode.MultiPage)
            viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            layout.addWidget(viewer, 1)
        else:
            scroll = QScrollArea()
            picture = QLabel()
            pixmap = QPixmap(str(path))
            picture.setPixmap(pixmap)
            self.pages = 0 if pixmap.isNull() else 1
            scroll.setWidget(picture)
            layout.addWidget(scroll, 1)
        close = _button(text.DOWNLOAD_CLOSE, "portalFileViewerClose")
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        if parent is not None:
            self.resize(parent.size() * 0.9)


    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # The type and page count only: a file's name can hold a resident's name or dossier code.
        log_event(log, "portal.file_viewed", kind=self.kind, pages=self.pages)


def view_file(parent: QWidget, path: Path) -> None:
    FileViewer(path, parent).exec()
