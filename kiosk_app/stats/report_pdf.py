"""The one-page PDF report for the commune leadership: main figures, a chart, top procedures.

Drawn with Qt's QPdfWriter and QPainter (no extra dependency); needs a QGuiApplication, which
the command line makes with the offscreen platform.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter

from kiosk_app.paths import FONTS_DIR
from kiosk_app.stats import definitions as D
from kiosk_app.stats.export import PROCEDURE_HEAD, Labels, atomic_file
from kiosk_app.stats.figures import Summary, chart_groups, local_now
from kiosk_app.strings import staff as T

FAMILY = "Noto Sans"
ALONE_COLOR, HELPED_COLOR, INK, MUTED = QColor("#0B4F9C"), QColor("#E59E2C"), QColor("#111827"), QColor("#4B5563")


def _ensure_fonts() -> None:
    if QGuiApplication.instance() is None:
        raise RuntimeError("the PDF report needs a QGuiApplication")
    if FAMILY not in QFontDatabase.families():
        for path in sorted(FONTS_DIR.glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(path))


def _font(size: float, bold: bool = False) -> QFont:
    f = QFont(FAMILY)
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


def write_pdf(s: Summary, labels: Labels, target: Path, now: datetime | None = None) -> list[Path]:
    """`now` is the commune's wall-clock time (default: the clock's UTC time moved by the report's offset)."""
    _ensure_fonts()
    now = now or local_now(s.offset_hours)
    with atomic_file(Path(target)) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(0, 0, 0, 0)))
        writer.setResolution(72)  # one unit = one point: an A4 page is 595 × 842
        writer.setTitle(T.REPORT_TITLE)
        painter = QPainter(writer)
        try:
            _draw(painter, s, labels, now)
        finally:
            painter.end()
    return [Path(target)]


def _draw(p: QPainter, s: Summary, labels: Labels, now: datetime) -> None:
    left, width = 40.0, 515.0
    y = 40.0
    p.setPen(INK)
    p.setFont(_font(18, True))
    p.drawText(QRectF(left, y, width, 28), Qt.AlignmentFlag.AlignLeft, T.REPORT_TITLE)
    y += 30
    p.setFont(_font(11))
    p.setPen(MUTED)
    p.drawText(QRectF(left, y, width, 18), Qt.AlignmentFlag.AlignLeft,
               T.REPORT_SUBTITLE.format(commune=labels.commune, start=f"{s.range.start:%d/%m/%Y}",
                                        end=f"{s.range.end:%d/%m/%Y}"))
    y += 30

    boxes = [(D.FIGURES[k].label, D.display(k, D.FIGURES[k].of(s))) for k in D.REPORT_BOXES]
    p.setPen(INK)
    p.setFont(_font(12, True))
    p.drawText(QRectF(left, y, width, 18), Qt.AlignmentFlag.AlignLeft, T.REPORT_FIGURES)
    y += 22
    box_w = (width - 4 * 8) / 5
    for i, (name, value) in enumerate(boxes):
        x = left + i * (box_w + 8)
        p.setPen(QColor("#CBD5E1"))
        p.setBrush(QColor("#F1F5F9"))
        p.drawRoundedRect(QRectF(x, y, box_w, 70), 6, 6)
        p.setPen(INK)
        p.setFont(_font(17 if len(value) < 9 else 10, True))
        p.drawText(QRectF(x + 2, y + 4, box_w - 4, 34), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                   value)
        p.setFont(_font(8.5))
        p.drawText(QRectF(x + 4, y + 38, box_w - 8, 30), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                   name)
    y += 84
    p.setFont(_font(9))
    p.setPen(MUTED)
    lines = [f"{D.FIGURES[k].label}: {D.FIGURES[k].how}" for k in ("self_filing_rate", "completion_rate")]
    for line in lines:
        rect = p.boundingRect(QRectF(left, y, width, 200), Qt.TextFlag.TextWordWrap, line)
        p.drawText(QRectF(left, y, width, rect.height()), Qt.TextFlag.TextWordWrap, line)
        y += rect.height() + 2
    y += 12

    y = _draw_chart(p, s, left, y, width, 230)
    y += 16
    y = _draw_procedures(p, s, labels, left, y, width)
    y += 14
    p.setFont(_font(8.5))
    p.setPen(MUTED)
    rect = p.boundingRect(QRectF(left, y, width, 200), Qt.TextFlag.TextWordWrap, T.REPORT_NOTE)
    p.drawText(QRectF(left, y, width, rect.height()), Qt.TextFlag.TextWordWrap, T.REPORT_NOTE)
    p.drawText(QRectF(left, 800, width, 16), Qt.AlignmentFlag.AlignRight,
               T.REPORT_MADE.format(when=f"{now:%H:%M %d/%m/%Y}"))


def _draw_chart(p: QPainter, s: Summary, left: float, y: float, width: float, height: float) -> float:
    """Stacked bars per day (up to two months) or month: filed alone (blue) under filed with help (orange)."""
    kind, months = chart_groups(s)
    months = months[-31:]
    p.setPen(INK)
    p.setFont(_font(12, True))
    p.drawText(QRectF(left, y, width, 18), Qt.AlignmentFlag.AlignLeft,
               f"{T.REPORT_CHART} · {T.STATS_BY_DAY if kind == 'day' else T.STATS_BY_MONTH}")
    y += 24
    top = max((c.filed for _k, c in months), default=0) or 1
    axis_x, chart_w, chart_h = left + 30, width - 30, height - 60
    base = y + chart_h
    p.setPen(QColor("#94A3B8"))
    p.drawLine(int(axis_x), int(base), int(axis_x + chart_w), int(base))
    p.setFont(_font(8))
    p.setPen(MUTED)
    p.drawText(QRectF(left, y - 6, 26, 12), Qt.AlignmentFlag.AlignRight, str(top))
    p.drawText(QRectF(left, base - 6, 26, 12), Qt.AlignmentFlag.AlignRight, "0")
    n = max(1, len(months))
    slot = chart_w / n
    bar_w = min(40.0, slot * 0.6)
    for i, (month, c) in enumerate(months):
        x = axis_x + i * slot + (slot - bar_w) / 2
        h_alone = chart_h * c.filed_alone / top
        h_helped = chart_h * c.filed_helped / top
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ALONE_COLOR)
        p.drawRect(QRectF(x, base - h_alone, bar_w, h_alone))
        p.setBrush(HELPED_COLOR)
        p.drawRect(QRectF(x, base - h_alone - h_helped, bar_w, h_helped))
        p.setPen(MUTED)
        if len(months) > 16 and i % 5:
            continue
        label = D.chart_label(kind, month)
        p.drawText(QRectF(x - 10, base + 4, bar_w + 20, 12), Qt.AlignmentFlag.AlignCenter, label)
    if s.empty:
        p.drawText(QRectF(axis_x, y, chart_w, chart_h), Qt.AlignmentFlag.AlignCenter, T.STATS_EMPTY)
    ly = base + 24
    for color, text, dx in ((ALONE_COLOR, T.REPORT_LEGEND_ALONE, 0), (HELPED_COLOR, T.REPORT_LEGEND_HELPED, 170)):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRect(QRectF(axis_x + dx, ly, 10, 10))
        p.setPen(INK)
        p.drawText(QRectF(axis_x + dx + 14, ly - 2, 150, 14), Qt.AlignmentFlag.AlignLeft, text)
    return ly + 20


def _draw_procedures(p: QPainter, s: Summary, labels: Labels, left: float, y: float, width: float) -> float:
    p.setPen(INK)
    p.setFont(_font(12, True))
    p.drawText(QRectF(left, y, width, 18), Qt.AlignmentFlag.AlignLeft, T.REPORT_PROCEDURES)
    y += 22
    head = PROCEDURE_HEAD
    cols = [(head[1], 215), (head[2], 70), (head[3], 60), (head[4], 55), (head[5], 55), (head[8], 60)]
    p.setFont(_font(7.5, True))
    x = left
    for name, w in cols:
        p.drawText(QRectF(x, y, w - 4, 30), Qt.TextFlag.TextWordWrap, name)
        x += w
    y += 32
    p.setFont(_font(8.5))
    top = sorted(s.by_procedure, key=lambda kc: -kc[1].non_practice)[:5]
    for code, c in top:
        name = labels.procedure(code)
        values = [f"{name} ({code})" if code and name != code else name] + D.row(
            ("non_practice", "filed", "filed_alone", "filed_helped", "self_filing_rate"), c, shown=True)
        x = left
        for (_n, w), v in zip(cols, values):
            p.drawText(QRectF(x, y, w - 4, 14), Qt.AlignmentFlag.AlignLeft, str(v))
            x += w
        y += 16
    return y
