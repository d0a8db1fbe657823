"""The administrator's statistics: a date range, the figures with how each is computed, a chart,
tables per procedure / officer / guide, and exports to a USB stick or a chosen folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PySide6.QtCharts import QBarSet, QCategoryAxis, QChart, QChartView, QStackedBarSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter
from PySide6.QtWidgets import (QFileDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QScroller,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from kiosk_app.stats import definitions as D
from kiosk_app.stats.export import OFFICER_HEAD, PROCEDURE_HEAD, ExportError
from kiosk_app.stats.figures import (PRESETS, DateRange, RangeError, Summary, chart_groups, local_today,
                                     parse_range, preset_range)
from kiosk_app.stats.service import StatsService, usb_folders
from kiosk_app.shell.widgets import Screen, button, label
from kiosk_app.strings import staff as T

PRESET_NAMES = {"today": T.STATS_TODAY, "this_month": T.STATS_THIS_MONTH, "last_month": T.STATS_LAST_MONTH,
                "this_year": T.STATS_THIS_YEAR}
TEXT_PX = 18  # the smallest text on this screen
HEADER_LINE_CHARS = 14  # column headings wrap onto lines this long instead of being cut


def figure_lines(s: Summary) -> list[tuple[str, str, str]]:
    """(name, value, how it is computed) for the overview, in reading order, from the figure table."""
    return [(D.FIGURES[k].label, D.display(k, D.FIGURES[k].of(s)), D.FIGURES[k].how) for k in D.OVERVIEW]


def axis_top(highest: int) -> tuple[int, int]:
    """A round top for a count axis and a tick count that puts ticks on whole numbers (1-2-5 steps)."""
    highest = max(1, highest)
    step, scale = 1, 1
    while -(-highest // step) > 5:
        step = {1: 2, 2: 5, 5: 10}[step // scale] * scale
        scale = step if step // scale == 10 else scale
    n = -(-highest // step)
    return n * step, n + 1


def category_label(kind: str, key: str, index: int, count: int) -> str:
    """Axis label of one bar ("05/11", "11/2026"), or "" for none: with many bars only every fifth
    is named, so that each label has room to be read whole."""
    if count > 16 and index % 5:
        return ""
    return D.chart_label(kind, key)


def wrapped(heading: str) -> str:
    return textwrap.fill(heading, HEADER_LINE_CHARS, break_long_words=False)


class StatsScreen(Screen):
    name = "staff_stats"
    back = Signal()
    exported = Signal(object, object)  # paths written, ExportError or None (from the export thread)
    computed = Signal(object, object, object)  # range, Summary or None, ExportError or None (figures thread)

    def __init__(self, stats: StatsService, usb_roots: list[str]):
        super().__init__()
        self._stats = stats
        self._usb_roots = usb_roots
        self._range: DateRange | None = None
        self.summary: Summary | None = None
        self._wanted: DateRange | None = None  # the range whose figures are being computed
        # A desk screen for administrators: denser than the residents' screens, but text >= 18 px and
        # touch targets (buttons, tabs) >= 15 mm on this screen.
        screen = QGuiApplication.primaryScreen()
        target = max(58, round(15 / 25.4 * (screen.logicalDotsPerInch() if screen else 96)))
        self.setStyleSheet(
            f"QWidget {{ font-size: {TEXT_PX}px; }} QPushButton {{ min-height: {target}px; padding: 4px 12px; }}"
            f"QLineEdit {{ font-size: 20px; min-height: {target - 4}px; }}"
            f"QTabBar::tab {{ min-height: {target}px; padding: 0 22px; font-size: 20px; }}"
            f"QHeaderView::section {{ font-size: {TEXT_PX}px; font-weight: bold; padding: 4px; }}"
            "QScrollBar:vertical { width: 36px; } QScrollBar:horizontal { height: 36px; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 12, 24, 12)
        box.setSpacing(8)

        top = QHBoxLayout()
        title = label(T.STATS_TITLE, "title", wrap=False)
        title.setStyleSheet("font-size: 28px;")
        top.addWidget(title)
        for key in PRESETS:
            top.addWidget(button(PRESET_NAMES[key], "", lambda k=key: self.show_preset(k), name=f"stats_{key}"))
        self.start_field, self.end_field = QLineEdit(), QLineEdit()
        for field, name, hint in ((self.start_field, "StatsFrom", T.STATS_FROM),
                                  (self.end_field, "StatsTo", T.STATS_TO)):
            field.setObjectName(name)
            field.setPlaceholderText(hint)
            field.setMaximumWidth(230)
            top.addWidget(field)
        top.addWidget(button(T.STATS_SHOW, "primary", self._show_typed, name="statsShow"))
        box.addLayout(top)
        self.message = label("", "notice")
        self.message.setObjectName("StatsMessage")
        self.message.hide()
        box.addWidget(self.message)

        self.tabs = QTabWidget()
        overview = QWidget()
        obox = QHBoxLayout(overview)
        self.figures = QGridLayout()
        self.figures.setVerticalSpacing(4)
        fig_widget = QWidget()
        fig_widget.setLayout(self.figures)
        obox.addWidget(fig_widget, 5)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        obox.addWidget(self.chart_view, 6)
        self.tabs.addTab(overview, T.STATS_TAB_OVERVIEW)
        self.procedures = self._table(PROCEDURE_HEAD[1:])
        self.tabs.addTab(self.procedures, T.SHEET_PROCEDURES)
        self.officers = self._table(OFFICER_HEAD)
        self.tabs.addTab(self.officers, T.SHEET_OFFICERS)
        self.reasons = self._table([T.NOT_FILED_TITLE, D.FIGURES["sessions"].label])
        self.tabs.addTab(self.reasons, T.SHEET_REASONS)
        self.guides = self._table(T.STATS_GUIDE_COLUMNS)
        self.tabs.addTab(self.guides, T.FIGURES["guides"][0])
        self.how = self._table([T.STATS_HOW_NAME, T.STATS_HOW])
        self.how.setWordWrap(True)
        self.how.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.how.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.how.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.how.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # wrapped lines
        self._set_rows(self.how, [[D.FIGURES[k].label, D.FIGURES[k].how] for k in D.OVERVIEW])
        self.tabs.addTab(self.how, T.STATS_HOW)
        box.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setObjectName("StatsFolder")
        self.folder.setPlaceholderText(T.STATS_FOLDER)
        bottom.addWidget(self.folder, 1)
        bottom.addWidget(button(T.STATS_FOLDER_USB, "", self.find_usb, name="statsUsb"))
        bottom.addWidget(button(T.STATS_FOLDER_CHOOSE, "", self._choose_folder, name="statsChoose"))
        self.export_buttons = []
        for fmt, text in (("csv", T.STATS_EXPORT_CSV), ("xlsx", T.STATS_EXPORT_XLSX), ("pdf", T.STATS_EXPORT_PDF)):
            b = button(text, "primary", lambda f=fmt: self.export(f), name=f"statsExport_{fmt}")
            self.export_buttons.append(b)
            bottom.addWidget(b)
        self.exported.connect(self._export_done)
        self.computed.connect(self._computed)
        bottom.addWidget(button(T.BACK, "", self.back.emit, name="statsBack"))
        box.addLayout(bottom)

    @staticmethod
    def _table(head: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(head))
        table.setHorizontalHeaderLabels([wrapped(h) for h in head])  # wrapped, never cut
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        QScroller.grabGesture(table.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)  # drag to scroll
        return table

    # ------------------------------------------------------------ showing

    def entered(self) -> None:
        if self._range is None:
            self.show_preset("this_month")
        if not self.folder.text():
            self.find_usb(quiet=True)

    def show_preset(self, key: str) -> None:
        self.show_range(preset_range(key, local_today(self._stats.offset_hours)))

    def _show_typed(self) -> None:
        try:
            rng = parse_range(self.start_field.text(), self.end_field.text())
        except RangeError as exc:
            self._say(T.RANGE_ERRORS[exc.code])
            return
        self.show_range(rng)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    @property
    def calculating(self) -> bool:
        return self._wanted is not None

    def show_range(self, rng: DateRange) -> None:
        """Ask for a range's figures: they are computed on a thread ("Đang tính…" meanwhile)."""
        self._range = self._wanted = rng
        self.start_field.setText(f"{rng.start:%d/%m/%Y}")
        self.end_field.setText(f"{rng.end:%d/%m/%Y}")
        self._say(T.CALCULATING)
        self._stats.summary_in_background(rng, lambda s, error: self.computed.emit(rng, s, error))

    def _computed(self, rng: DateRange, s: Summary | None, error: ExportError | None) -> None:
        if rng != self._wanted:
            return  # an older request, overtaken by a newer one
        self._wanted = None
        if error is not None:
            self._say(T.EXPORT_ERRORS.get(error.code, str(error)))
            return
        self.summary = s
        self._say(T.STATS_EMPTY if s.empty else "")
        self._fill_figures(s)
        self._fill_chart(s)
        self._fill_tables(s)

    def _fill_figures(self, s: Summary) -> None:
        while self.figures.count():
            item = self.figures.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        # Name and value; how each is computed is in the "Cách tính" tab (18 px text, not 13).
        for i, (name, value, _how) in enumerate(figure_lines(s)):
            n = QLabel(name)
            v = QLabel(f"<b>{value}</b>")
            v.setObjectName(f"figure_{i}")
            n.setStyleSheet(f"font-size: {TEXT_PX}px;")
            v.setStyleSheet(f"font-size: {TEXT_PX + 2}px;")
            self.figures.addWidget(n, i, 0)
            self.figures.addWidget(v, i, 1)
        self.figures.setColumnStretch(1, 1)

    def _fill_chart(self, s: Summary) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        kind, groups = chart_groups(s)
        chart.setTitle(f"{T.STATS_CHART_TITLE} · {T.STATS_BY_DAY if kind == 'day' else T.STATS_BY_MONTH}")
        alone, helped = QBarSet(T.REPORT_LEGEND_ALONE), QBarSet(T.REPORT_LEGEND_HELPED)
        alone.setColor(QColor("#0B4F9C"))
        helped.setColor(QColor("#E59E2C"))
        # Bar i stands at x = i; the labels sit under their bar, as wide as they need (a bar
        # category axis would cut each one to the width of its bar: "…").
        x = QCategoryAxis()
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        x.setRange(-0.5, max(1, len(groups)) - 0.5)
        x.setStartValue(-0.5)
        x.setGridLineVisible(False)
        cats = []
        for i, (key, c) in enumerate(groups):
            text = category_label(kind, key, i, len(groups))
            if text:
                x.append(text, i)
                cats.append(text)
            alone.append(c.filed_alone)
            helped.append(c.filed_helped)
        series = QStackedBarSeries()
        series.append(alone)
        series.append(helped)
        chart.addSeries(series)
        y = QValueAxis()
        y.setLabelFormat("%d")
        top, ticks = axis_top(max([c.filed for _k, c in groups] + [1]))
        y.setRange(0, top)
        y.setTickCount(ticks)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        small = QFont(x.labelsFont())  # after attaching: the chart theme sets fonts on attach
        small.setPixelSize(TEXT_PX)
        x.setLabelsFont(small)
        y.setLabelsFont(small)
        big = QFont(small)
        big.setPixelSize(TEXT_PX)
        chart.legend().setFont(big)
        chart.setTitleFont(big)

    def _fill_tables(self, s: Summary) -> None:
        from kiosk_app.stats.export import reason_rows

        labels = self._stats.labels()
        self._set_rows(self.procedures, [[labels.procedure(code)] + D.row(D.PROCEDURE_COLUMNS, c, shown=True)
                                         for code, c in s.by_procedure])
        self._set_rows(self.officers, [[labels.officer(k)] + D.row(D.PERIOD_COLUMNS, c, shown=True)
                                       for k, c in s.by_officer])
        self._set_rows(self.reasons, reason_rows(s))
        self._set_rows(self.guides, [[labels.guide(g.guide), g.opened, g.finished,
                                      "" if g.most_left_step is None else g.most_left_step + 1] for g in s.guides])

    @staticmethod
    def _set_rows(table: QTableWidget, rows: list[list]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                text = D.vn_number(value) if isinstance(value, int) else str(value)
                table.setItem(r, c, QTableWidgetItem(text))

    # ------------------------------------------------------------ exporting

    def find_usb(self, quiet: bool = False) -> None:
        found = usb_folders(self._usb_roots)
        if found:
            self.folder.setText(str(found[0]))
            self._say(T.STATS_EXPORT_TO.format(folder=found[0]))
        elif not quiet:
            self._say(T.STATS_EXPORT_NO_TARGET)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, T.STATS_FOLDER, self.folder.text() or str(Path.home()),
                                                  QFileDialog.Option.DontUseNativeDialog)
        if chosen:
            self.folder.setText(chosen)

    def export(self, fmt: str) -> None:
        if self._range is None:
            return
        if not self.folder.text().strip():
            self._say(T.STATS_EXPORT_NO_TARGET)
            return
        folder = Path(self.folder.text().strip())
        if self._stats.can_export_in_background(fmt):
            for b in self.export_buttons:
                b.setEnabled(False)
            self._say(T.STATS_EXPORT_RUNNING)
            self._stats.export_in_background(fmt, self._range, folder, self.exported.emit)
            return
        try:
            self._export_done(self._stats.export(fmt, self._range, folder), None)
        except ExportError as exc:
            self._export_done([], exc)

    def _export_done(self, written: list[Path], error: ExportError | None) -> None:
        for b in self.export_buttons:
            b.setEnabled(True)
        if error is not None:
            self._say(T.STATS_EXPORT_FAILED.format(error=T.EXPORT_ERRORS.get(error.code, str(error))))
        else:
            self._say(T.STATS_EXPORT_DONE.format(file=", ".join(p.name for p in written)))
