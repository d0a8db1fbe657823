"""The hidden staff entry: a PIN pad in front of the staff menu."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk_app.admin.auth import StaffAuth
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import common as T


class StaffPinScreen(Screen):
    name = "staff_pin"
    accepted = Signal(str)  # role
    cancelled = Signal()

    def __init__(self, auth: StaffAuth):
        super().__init__()
        self._auth = auth
        outer = QHBoxLayout(self)
        outer.setContentsMargins(60, 40, 60, 40)
        outer.setSpacing(60)
        left = QVBoxLayout()
        left.addWidget(label(T.STAFF_PIN_TITLE, "huge", Qt.AlignmentFlag.AlignLeft))
        self.message = label(T.STAFF_PIN_PROMPT, "title", Qt.AlignmentFlag.AlignLeft)
        self.message.setObjectName("StaffPinMessage")
        left.addWidget(self.message)
        self.field = QLineEdit()
        self.field.setObjectName("StaffPinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setMaxLength(12)
        self.field.returnPressed.connect(self._submit)
        left.addWidget(self.field)
        left.addStretch(1)
        left.addWidget(button(T.STAFF_CANCEL, "", self._cancel, name="pinCancel"))
        outer.addLayout(left, 1)
        pad = QGridLayout()
        pad.setSpacing(12)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", T.STAFF_PIN_CLEAR, "0", T.STAFF_PIN_OK]
        for i, key in enumerate(keys):
            if key == T.STAFF_PIN_CLEAR:
                b = button(key, "", self.field.clear, name="pinClear")
            elif key == T.STAFF_PIN_OK:
                b = button(key, "primary", self._submit, name="pinOk")
            else:
                b = button(key, "key", lambda k=key: self.field.insert(k), name=f"pin{key}")
            pad.addWidget(b, i // 3, i % 3)
        outer.addLayout(pad, 1)

    def entered(self) -> None:
        self.field.clear()
        self.field.setFocus()  # staff with a keyboard can type the PIN straight away
        if not self._auth.pin_is_set():
            self.message.setText(T.STAFF_PIN_NOT_SET)
        elif locked := self._auth.locked_for():
            self.message.setText(T.STAFF_PIN_LOCKED.format(minutes=math.ceil(locked / 60)))
        else:
            self.message.setText(T.STAFF_PIN_PROMPT)

    def _submit(self) -> None:
        result = self._auth.check(self.field.text())
        self.field.clear()
        if result.ok:
            self.accepted.emit(result.role)
        elif result.not_set:
            self.message.setText(T.STAFF_PIN_NOT_SET)
        elif result.locked_for_s:
            self.message.setText(T.STAFF_PIN_LOCKED.format(minutes=math.ceil(result.locked_for_s / 60)))
        else:
            self.message.setText(T.STAFF_PIN_WRONG.format(left=result.attempts_left))

    def _cancel(self) -> None:
        self.field.clear()
        self.cancelled.emit()

    def reset(self) -> None:
        self.field.clear()
