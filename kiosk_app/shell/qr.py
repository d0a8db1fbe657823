"""QR codes drawn by the kiosk itself (segno computes the code; Qt draws the squares)."""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_modules(text: str) -> list[list[bool]]:
    """The dark (True) and light modules of a QR code for `text`, without the quiet zone."""
    code = segno.make_qr(text, error="m")
    return [[bool(v) for v in row] for row in code.matrix]


def qr_pixmap(text: str, size_px: int) -> QPixmap:
    """A square image of at least `size_px` (whole pixels per module keep a phone's camera happy)."""
    modules = qr_modules(text)
    count = len(modules) + 2 * QUIET_ZONE
    scale = max(2, -(-size_px // count))
    image = QImage(count * scale, count * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale, Qt.GlobalColor.black)
    painter.end()
    return QPixmap.fromImage(image)
