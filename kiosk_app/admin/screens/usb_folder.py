"""Where to save an export: the USB sticks under `reports.usb_roots` and their folders, by touch.

Instead of a desktop file dialog: big buttons, Vietnamese, and no way above a stick's own root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk_app.shell.widgets import Overlay, button, label
from kiosk_app.stats.service import usb_folders
from kiosk_app.strings import staff as T

MAX_FOLDERS = 8  # folders shown at one level; a stick for reports needs no more


@dataclass(frozen=True)
class Stick:
    root: Path

    @property
    def name(self) -> str:
        return self.root.name


def find_sticks(roots: list[str]) -> list[Stick]:
    """The mounted drives under the roots (the desktop mounts sticks at /media/LABEL or /media/USER/LABEL)."""
    return [Stick(p) for p in usb_folders(roots)]


def _folders(path: Path) -> list[Path]:
    try:
        return sorted((p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name.lower())
    except OSError:
        return []


def place_of(folder: Path, roots: list[str]) -> tuple[str, str] | None:
    """(stick name, folder inside it: "" for its top) when `folder` is on a stick, else None."""
    folder = Path(folder)
    for stick in find_sticks(roots):
        try:
            inside = folder.relative_to(stick.root)
        except ValueError:
            continue
        return stick.name, "" if str(inside) == "." else str(inside)
    return None


def describe_place(folder: Path, roots: list[str]) -> str:
    """Where a file went, as staff read it: "USB KINGSTON, thư mục Bao cao"."""
    place = place_of(folder, roots)
    if place is None:
        return T.USB_PLACE_FOLDER.format(folder=folder)
    stick, inside = place
    return T.USB_PLACE_IN.format(stick=stick, folder=inside) if inside else T.USB_PLACE_TOP.format(stick=stick)


class UsbFolderPicker(Overlay):
    """Sticks first; then the folders of the chosen stick, down as far as wanted, never above it."""

    chosen = Signal(object)  # the folder (Path)

    def __init__(self, parent: QWidget, roots: list[str], host: QWidget | None = None):
        """Over all of `parent`; goes away with `host` (the screen it was opened from), so that
        it never stays over the next screen when staff leave or the session times out."""
        super().__init__(parent, "usb_folder")
        self._roots = roots
        self._host = host
        if host is not None:
            host.installEventFilter(self)
        self._stick: Stick | None = None
        self._path: Path | None = None
        self.title = label(T.USB_TITLE, "title")
        self.where = label("")
        self.where.setObjectName("usbWhere")
        self.body.addWidget(self.title)
        self.body.addWidget(self.where)
        self.choices = QWidget()
        self.grid = QGridLayout(self.choices)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.body.addWidget(self.choices)
        row = QHBoxLayout()
        self.cancel_button = button(T.USB_CANCEL, "", self.hide, name="usbCancel")
        self.up_button = button(T.USB_UP, "", self._up, name="usbUp")
        self.refresh_button = button(T.USB_REFRESH, "", self._show_sticks, name="usbRefresh")
        self.save_button = button(T.USB_SAVE_HERE, "primary", self._choose, name="usbSaveHere")
        for b in (self.cancel_button, self.up_button, self.refresh_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.save_button)
        self.body.addLayout(row)

    def open(self) -> None:
        self._show_sticks()
        super().open()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self._host and event.type() == QEvent.Type.Hide:
            self.hide()
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------ levels

    def _show_sticks(self) -> None:
        self._stick, self._path = None, None
        sticks = find_sticks(self._roots)
        self.where.setText(T.USB_PICK_STICK if sticks else T.USB_NONE)
        self._fill([(T.USB_STICK.format(name=s.name), f"usbStick{i}", lambda s=s: self._open_stick(s))
                    for i, s in enumerate(sticks)])
        self.up_button.hide()
        self.save_button.hide()
        self.refresh_button.show()

    def _open_stick(self, stick: Stick) -> None:
        self._stick = stick
        self._show_folder(stick.root)

    def _show_folder(self, path: Path) -> None:
        self._path = path
        self.where.setText(describe_place(path, self._roots) if self._stick else str(path))
        folders = _folders(path)[:MAX_FOLDERS]
        self._fill([(f.name, f"usbFolder{i}", lambda f=f: self._show_folder(f)) for i, f in enumerate(folders)])
        self.up_button.show()
        self.save_button.show()
        self.refresh_button.hide()

    def _up(self) -> None:
        if self._stick is None or self._path is None or self._path == self._stick.root:
            self._show_sticks()  # above a stick's top there are only the other sticks
        else:
            self._show_folder(self._path.parent)

    def _choose(self) -> None:
        if self._path is not None:
            self.hide()
            self.chosen.emit(self._path)

    def _fill(self, entries: list[tuple[str, str, object]]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().setObjectName("")  # gone: never found by its old name
                item.widget().deleteLater()
        for i, (text, name, slot) in enumerate(entries):
            b = button(text, "", slot, name=name)
            self.grid.addWidget(b, i // 2, i % 2)
            b.show()
        self.choices.setVisible(bool(entries))
