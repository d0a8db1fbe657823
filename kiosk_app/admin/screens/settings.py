"""The administrator's kiosk settings: the few that change often, checked before saving."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from kiosk_app.admin.settings import EditableSettings, SettingsError, save_settings
from kiosk_app.config import KioskConfig
from kiosk_app.logs import log_event
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import staff as T

log = logging.getLogger("kiosk.admin")


class SettingsScreen(Screen):
    name = "staff_settings"
    saved = Signal(object)  # the new KioskConfig
    back = Signal()

    def __init__(self, config: KioskConfig, target: Path):
        super().__init__()
        self._target = target
        self.setStyleSheet("QWidget { font-size: 18px; } QPushButton { min-height: 58px; }"
                           "QLineEdit { font-size: 20px; min-height: 50px; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 16, 40, 16)
        title = label(T.SETTINGS_TITLE, "title")
        title.setStyleSheet("font-size: 28px;")
        box.addWidget(title)
        box.addWidget(label(T.SETTINGS_FILE.format(file=target), "muted"))
        form = QFormLayout()
        self.commune, self.idle, self.start_url = QLineEdit(), QLineEdit(), QLineEdit()
        self.procedures, self.presets = QPlainTextEdit(), QPlainTextEdit()
        for key, widget in (("kiosk.commune", self.commune), ("session.idle_timeout_s", self.idle),
                            ("portal.start_url", self.start_url), ("guided.procedures", self.procedures),
                            ("scanner.presets", self.presets)):
            widget.setObjectName(f"settings_{key}")
            caption = QLabel(T.SETTINGS_FIELDS[key])
            caption.setWordWrap(True)
            form.addRow(caption, widget)
        box.addLayout(form, 1)
        self.message = label("", "notice")
        self.message.setObjectName("SettingsMessage")
        self.message.hide()
        box.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button(T.SETTINGS_SAVE, "primary", self.save, name="settingsSave"))
        row.addWidget(button(T.BACK, "", self.back.emit, name="settingsBack"))
        box.addLayout(row)
        self.load(config)

    def load(self, config: KioskConfig) -> None:
        e = EditableSettings.from_config(config)
        self.commune.setText(e.commune)
        self.idle.setText(e.idle_timeout_s)
        self.start_url.setText(e.start_url)
        self.procedures.setPlainText(e.procedures)
        self.presets.setPlainText(e.scanner_presets)

    def entered(self) -> None:
        self.message.hide()

    def save(self) -> None:
        edited = EditableSettings(self.commune.text(), self.idle.text(), self.start_url.text(),
                                  self.procedures.toPlainText(), self.presets.toPlainText())
        try:
            config = save_settings(self._target, edited)
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
