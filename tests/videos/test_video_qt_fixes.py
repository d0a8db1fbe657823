"""The binding work-around keeps long-running Qt traffic from freeing None and True."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QObject, Signal
from kiosk_app.qt_fixes import pin_singletons_if_binding_leaks
class Ticker(QObject):
    position = Signal(float)
pin_singletons_if_binding_leaks()
t = Ticker()
for i in range(400_000):   # more calls than None and True have references in a small program
    t.setObjectName("x")
    t.position.emit(i / 10)
print("alive")
"""


def test_many_calls_and_emits_do_not_abort(tmp_path):
    # In a fresh interpreter: the pin is process-wide and this test suite has it already.
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert run.returncode == 0, run.stderr[-1500:]
    assert run.stdout.strip() == "alive"
