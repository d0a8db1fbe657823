"""Fonts and sizes: the bundled Vietnamese font, text and touch targets sized to the screen."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from kiosk_app.paths import FONTS_DIR

log = logging.getLogger("kiosk.shell")

FONT_FAMILY = "Noto Sans"
# Every Vietnamese letter block (see DOMAIN.md): a font missing one shows boxes to residents.
VIETNAMESE_SAMPLE = "ĂăĐđĨĩŨũƠơƯưẠạẢảẤấỆệỸỹ₫"

INK = "#111827"
PAPER = "#F7F7F2"
PRIMARY = "#0B4F9C"
PRIMARY_DOWN = "#083B75"
DANGER = "#A3161A"
MUTED = "#4B5563"
WARN_BG = "#FFF4CE"
TOUCH_TARGET_MM = 15  # the smallest thing a finger must hit
BODY_TEXT_MIN_PX = 18  # the smallest text a resident must read


def mm_to_px(mm: float, dpi: float) -> int:
    return round(mm / 25.4 * dpi)


def load_fonts() -> list[str]:
    """Register the bundled fonts; returns the families found."""
    families: list[str] = []
    for path in sorted(FONTS_DIR.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.error("cannot load bundled font %s", path)
            continue
        families += QFontDatabase.applicationFontFamilies(font_id)
    return sorted(set(families))


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one screen; a touch target is never smaller than 15 mm."""

    text_px: int
    title_px: int
    huge_px: int
    target_px: int

    @classmethod
    def for_screen(cls, width: int, height: int, dpi: float, font_scale: float = 1.0) -> "Metrics":
        text = round(max(20, min(width / 48, height / 28)) * font_scale)
        mm15 = mm_to_px(TOUCH_TARGET_MM, dpi)
        return cls(text, round(text * 1.6), round(text * 2.6), max(mm15, round(text * 2.8)))


def touch_target_px() -> int:
    """15 mm on the kiosk's screen."""
    return mm_to_px(TOUCH_TARGET_MM, QGuiApplication.primaryScreen().logicalDotsPerInch())


def metrics_for_app(font_scale: float = 1.0) -> Metrics:
    screen = QGuiApplication.primaryScreen()
    geo = screen.geometry()
    return Metrics.for_screen(geo.width(), geo.height(), screen.logicalDotsPerInch(), font_scale)


def app_font(m: Metrics) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(m.text_px)
    return font


def stylesheet(m: Metrics) -> str:
    return f"""
    QWidget {{ color: {INK}; font-family: "{FONT_FAMILY}"; font-size: {m.text_px}px; }}
    #KioskWindow, QStackedWidget > QWidget {{ background: {PAPER}; }}
    QLabel[role="title"] {{ font-size: {m.title_px}px; font-weight: bold; }}
    QLabel[role="huge"] {{ font-size: {m.huge_px}px; font-weight: bold; color: {PRIMARY}; }}
    QLabel[role="muted"] {{ color: {MUTED}; }}
    QLabel[role="notice"] {{ background: {WARN_BG}; border: 2px solid #B7791F; padding: 8px;
                             border-radius: 8px; }}
    QPushButton {{
        min-height: {m.target_px}px; min-width: {m.target_px}px; padding: 6px 18px;
        border-radius: 12px; border: 3px solid {PRIMARY}; background: white; color: {PRIMARY};
        font-weight: bold;
    }}
    QPushButton:pressed {{ background: #DCE8F7; }}
    QPushButton[role="primary"] {{ background: {PRIMARY}; color: white; }}
    QPushButton[role="primary"]:pressed {{ background: {PRIMARY_DOWN}; }}
    QPushButton[role="danger"] {{ background: {DANGER}; border-color: {DANGER}; color: white; }}
    QPushButton[role="tile"], QPushButton[role="endtile"] {{ padding: 14px 24px; }}
    QPushButton[role="endtile"] {{ border-color: {DANGER}; color: {DANGER}; }}
    QPushButton[role="key"] {{ font-size: {m.title_px}px; }}
    QLineEdit {{ min-height: {m.target_px}px; font-size: {m.title_px}px; border: 3px solid {MUTED};
                 border-radius: 10px; padding: 0 12px; background: white; }}
    #Overlay {{ background: rgba(17, 24, 39, 225); }}
    #Overlay QLabel {{ color: white; }}
    #OverlayCard {{ background: white; border-radius: 24px; }}
    #OverlayCard QLabel {{ color: {INK}; }}
    """
