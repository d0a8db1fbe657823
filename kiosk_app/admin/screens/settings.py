"""The administrator's kiosk settings by touch: fields, rows to add / remove / edit, steppers for
numbers, the on-screen keyboard for text; checked before saving."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLineEdit,
                               QScrollArea, QScroller, QStackedWidget, QVBoxLayout, QWidget)

from kiosk_app.admin.screens.common import Stepper
from kiosk_app.admin.settings import EditableSettings, PresetRow, SettingsError, save_settings
from kiosk_app.config import KioskConfig
from kiosk_app.logs import log_event
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import staff as T

log = logging.getLogger("kiosk.admin")
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
IDLE_STEP_S = 15


def _field(text: str, name: str) -> QLineEdit:
    f = QLineEdit(text)
    f.setObjectName(name)
    return f


def _scrolling(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setProperty("may_scroll", True)  # long lists, and the keyboard's room: dragged by touch
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area


class RowsEditor(QWidget):
    """Rows under a header, each with its own "Xóa", and a button adding an empty row."""

    def __init__(self, head: list[str], add_text: str, name: str, make_row):
        super().__init__()
        self._name, self._make_row = name, make_row
        self.rows: list[list[QWidget]] = []
        self._made = 0  # rows ever made: names stay unique after removals
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(6)
        for c, text in enumerate(head):
            if text:
                self.grid.addWidget(label(text, "muted", LEFT, wrap=False), 0, c)
        self.grid.setColumnStretch(1, 1)
        box.addLayout(self.grid)
        box.addWidget(button(add_text, "", self.add_row, name=f"{name}Add"), 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)

    def set_rows(self, values: list) -> None:
        for row in self.rows:
            for w in row:
                w.deleteLater()
        self.rows = []
        self._made = 0
        for value in values:
            self.add_row(value)

    def add_row(self, value=None) -> None:
        i = self._made
        self._made += 1
        widgets = self._make_row(value, f"{self._name}{i}")
        remove = button(T.SETTINGS_REMOVE, "", lambda: self.remove_row(widgets), name=f"{self._name}Remove{i}")
        widgets.append(remove)
        self.rows.append(widgets)
        self._lay_out()

    def remove_row(self, widgets: list[QWidget]) -> None:
        self.rows.remove(widgets)
        for w in widgets:
            w.deleteLater()
        self._lay_out()

    def _lay_out(self) -> None:
        for widgets in self.rows:
            for w in widgets:
                self.grid.removeWidget(w)
        for r, widgets in enumerate(self.rows, 1):
            for c, w in enumerate(widgets):
                self.grid.addWidget(w, r, c)


def _procedure_row(value, name: str) -> list[QWidget]:
    code, title = value or ("", "")
    code_field = _field(code, f"{name}Code")
    code_field.setMaximumWidth(220)
    return [code_field, _field(title, f"{name}Name")]


def _preset_row(value: PresetRow | None, name: str) -> list[QWidget]:
    p = value or PresetRow("", T.SETTINGS_NEW_PRESET, False, 200, 210.0, 297.0)
    key = _field(p.key, f"{name}Key")
    key.setMaximumWidth(130)
    color = button("", "", None, name=f"{name}Color")
    color.setCheckable(True)
    color.toggled.connect(lambda on: color.setText(T.SETTINGS_COLOR if on else T.SETTINGS_GRAY))
    color.setChecked(p.color)
    color.toggled.emit(p.color)
    return [key, _field(p.label, f"{name}Label"), color,
            Stepper(p.dpi, 75, 600, 25, f"{name}Dpi"),
            Stepper(p.width_mm, 20, 432, 5, f"{name}Width"),
            Stepper(p.height_mm, 20, 432, 5, f"{name}Height")]


class SettingsScreen(Screen):
    name = "staff_settings"
    saved = Signal(object)  # the new KioskConfig
    back = Signal()

    def __init__(self, config: KioskConfig, target: Path):
        super().__init__()
        self._target = target
        # A desk screen for administrators: denser than the residents' screens, targets still >= 15 mm.
        self.setStyleSheet("QWidget { font-size: 20px; } QPushButton { min-height: 58px; min-width: 58px; "
                           "padding: 4px 12px; } QPushButton:checked { background: #0B4F9C; color: white; } "
                           "QLineEdit { font-size: 22px; min-height: 54px; } "
                           "QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 12, 32, 12)
        box.setSpacing(10)
        top = QHBoxLayout()
        title = label(T.SETTINGS_TITLE, "title", LEFT, wrap=False)
        title.setStyleSheet("font-size: 28px;")
        top.addWidget(title, 1)
        self.sections = QStackedWidget()
        self.section_buttons = QButtonGroup(self)
        for i, (key, text) in enumerate(T.SETTINGS_SECTIONS.items()):
            b = button(text, "", lambda i=i: self.sections.setCurrentIndex(i), name=f"settingsSection_{key}")
            b.setCheckable(True)
            self.section_buttons.addButton(b)
            top.addWidget(b)
        box.addLayout(top)

        general = QWidget()
        form = QGridLayout(general)
        form.setVerticalSpacing(12)
        self.commune, self.start_url = _field("", "settings_kiosk.commune"), _field("", "settings_portal.start_url")
        self.idle = Stepper(120, 15, 3600, IDLE_STEP_S, "settings_session.idle_timeout_s", T.SETTINGS_SECONDS)
        for r, (key, widget) in enumerate((("kiosk.commune", self.commune), ("session.idle_timeout_s", self.idle),
                                           ("portal.start_url", self.start_url))):
            form.addWidget(label(T.SETTINGS_FIELDS[key], "", LEFT), r, 0)
            form.addWidget(widget, r, 1, Qt.AlignmentFlag.AlignLeft if widget is self.idle else Qt.AlignmentFlag(0))
        form.setColumnStretch(1, 1)
        form.setRowStretch(3, 1)
        self.procedures = RowsEditor(T.SETTINGS_PROCEDURE_HEAD, T.SETTINGS_ADD_PROCEDURE, "proc", _procedure_row)
        self.presets = RowsEditor(T.SETTINGS_PRESET_HEAD, T.SETTINGS_ADD_PRESET, "preset", _preset_row)
        self.pages: list[QScrollArea] = []
        for page in (general, self.procedures, self.presets):
            area = _scrolling(page)
            self.pages.append(area)
            self.sections.addWidget(area)
        box.addWidget(self.sections, 1)

        self.message = label("", "notice")
        self.message.setObjectName("SettingsMessage")
        self.message.hide()
        box.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button(T.SETTINGS_SAVE, "primary", self.save, name="settingsSave"))
        row.addWidget(button(T.BACK, "", self.back.emit, name="settingsBack"))
        box.addLayout(row)
        self.section_buttons.buttons()[0].setChecked(True)
        self.load(config)

    def load(self, config: KioskConfig) -> None:
        e = EditableSettings.from_config(config)
        self.commune.setText(e.commune)
        self.idle.set_value(e.idle_timeout_s)
        self.start_url.setText(e.start_url)
        self.procedures.set_rows(list(e.procedures))
        self.presets.set_rows(list(e.scanner_presets))

    def entered(self) -> None:
        # Text fields get the window's one on-screen keyboard (shell.keyboard.KeyboardDock).
        self.message.hide()

    # ------------------------------------------------------------ saving

    def edited(self) -> EditableSettings:
        procedures = tuple((row[0].text(), row[1].text()) for row in self.procedures.rows)
        presets = tuple(PresetRow(r[0].text(), r[1].text(), r[2].isChecked(), int(r[3].value), r[4].value, r[5].value)
                        for r in self.presets.rows)
        return EditableSettings(self.commune.text(), int(self.idle.value), self.start_url.text(), procedures, presets)

    def save(self) -> None:
        try:
            config = save_settings(self._target, self.edited())
        except SettingsError as exc:
            log_event(log, "settings.refused", level=logging.WARNING, key=exc.key, error=str(exc))
            field = T.SETTINGS_FIELDS.get(exc.key)
            self.message.setText(T.SETTINGS_BAD.format(field=field, detail="") if field else T.SETTINGS_CANNOT_WRITE)
            self.message.show()
            return
        log_event(log, "settings.saved", file=str(self._target))
        self.message.setText(T.SETTINGS_SAVED)
        self.message.show()
        self.saved.emit(config)
