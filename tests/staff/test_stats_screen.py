"""The administrator's statistics screen on the real kiosk, with the hand-computed data set."""

import csv
from datetime import date

from PySide6.QtCharts import QStackedBarSeries

from kiosk_app.admin.pin import hash_pin
from kiosk_app.admin.screens.stats import axis_top, category_label
from kiosk_app.stats.figures import DateRange
from kiosk_app.storage.staff_store import StaffStore
from kiosk_app.strings import staff as T
from tests.staff.conftest import DATASET, add_event, add_session
from tests.staff.test_flows import click, sign_in

NOV = DateRange(date(2026, 11, 1), date(2026, 11, 30))


def open_stats(make_kiosk, qtbot):
    kiosk = make_kiosk()
    StaffStore(kiosk.store).add("Trần Thị Bình", "admin", hash_pin("2468"))
    for sid, ts, fields in DATASET:
        add_session(kiosk.store.database, sid, ts, **fields)
    add_event(kiosk.store.database, "s6", "2026-11-03T02:10:00.000+00:00", "portal.submitted")
    add_event(kiosk.store.database, "s3", "2026-11-02T03:05:00.000+00:00", "video.opened", guide="nop-ho-so")
    sign_in(kiosk, qtbot, "2468")
    click(qtbot, kiosk.window, "staffStats")
    assert kiosk.nav.current == "staff_stats"
    return kiosk, kiosk.nav.screen("staff_stats")


def test_the_screen_shows_the_figures_with_how_they_are_computed(make_kiosk, qtbot):
    kiosk, screen = open_stats(make_kiosk, qtbot)
    screen.start_field.setText("01/11/2026")
    screen.end_field.setText("30/11/2026")
    click(qtbot, screen, "statsShow")
    assert screen.message.text() == T.CALCULATING and screen.message.isVisible()  # computed on a thread
    qtbot.waitUntil(lambda: not screen.calculating and screen.summary is not None and screen.summary.range == NOV)
    assert screen.summary.total.sessions == 7 and not screen.message.isVisible()
    texts = {screen.figures.itemAtPosition(r, 0).widget().text(): screen.figures.itemAtPosition(r, 1).widget().text()
             for r in range(screen.figures.rowCount())}
    assert texts["Tỷ lệ tự nộp"] == "<b>66,7 %</b>" and texts["Tỷ lệ hoàn thành"] == "<b>50,0 %</b>"
    assert texts["Người dân hài lòng"] == "<b>66,7 % (2 trên 3 lượt)</b>"  # plainly, not "3.67 / 5 · 3"
    assert texts["Cổng xác nhận đã nộp"] == "<b>1</b>"  # only s6 showed the success page
    how = {screen.how.item(r, 0).text(): screen.how.item(r, 1).text() for r in range(screen.how.rowCount())}
    assert how["Tỷ lệ tự nộp"] == T.FIGURES["self_filing_rate"][1]
    series = [s for s in screen.chart.series() if isinstance(s, QStackedBarSeries)][0]
    alone, helped = series.barSets()
    assert alone.count() == 30 and sum(alone.at(i) for i in range(30)) == 2 and helped.at(1) == 1
    assert screen.procedures.rowCount() == 3 and screen.guides.rowCount() == 1
    assert screen.guides.item(0, 0).text() == "Nộp hồ sơ trực tuyến"  # the guide's title, not "nop-ho-so"
    header = screen.procedures.horizontalHeader()
    for col in range(1, screen.procedures.columnCount()):  # headings wrap and fit, never cut
        text = screen.procedures.horizontalHeaderItem(col).text()
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        assert header.sectionSize(col) >= widest, text
    click(qtbot, screen, "statsBack")
    assert kiosk.nav.current == "staff_menu"


def test_bad_ranges_say_what_is_wrong(make_kiosk, qtbot):
    _kiosk, screen = open_stats(make_kiosk, qtbot)
    screen.start_field.setText("30/11/2026")
    screen.end_field.setText("01/11/2026")
    click(qtbot, screen, "statsShow")
    assert screen.message.text() == T.RANGE_ERRORS["order"]
    screen.start_field.setText("hôm qua")
    click(qtbot, screen, "statsShow")
    assert screen.message.text() == T.RANGE_ERRORS["format"]


def test_exports_from_the_screen(make_kiosk, qtbot, tmp_path):
    kiosk, screen = open_stats(make_kiosk, qtbot)
    screen.show_range(NOV)
    usb = tmp_path / "usb"
    usb.mkdir()
    screen.folder.setText(str(usb))
    kiosk.store.flush()
    click(qtbot, screen, "statsExport_csv")  # on a worker thread with its own connection
    assert screen.message.text() == T.STATS_EXPORT_RUNNING
    assert not screen.export_buttons[0].isEnabled()
    qtbot.waitUntil(lambda: screen.export_buttons[0].isEnabled(), timeout=20000)
    names = sorted(p.name for p in usb.iterdir())
    assert names == ["thong-ke-kiosk-01-20261101-20261130-theo-thu-tuc.csv", "thong-ke-kiosk-01-20261101-20261130.csv"]
    with open(usb / names[1], encoding="utf-8-sig") as f:
        assert len(list(csv.reader(f))) == 8
    assert screen.message.text().startswith(T.STATS_EXPORT_DONE.split("{")[0])
    screen.folder.setText(str(tmp_path / "unplugged"))
    click(qtbot, screen, "statsExport_xlsx")
    qtbot.waitUntil(lambda: screen.export_buttons[1].isEnabled(), timeout=20000)
    assert screen.message.text() == T.STATS_EXPORT_FAILED.format(error=T.EXPORT_ERRORS["missing"])
    screen.folder.setText(str(usb))
    click(qtbot, screen, "statsExport_pdf")  # painted on the main thread
    assert (usb / "thong-ke-kiosk-01-20261101-20261130.pdf").stat().st_size > 0


def test_axis_and_labels():
    assert axis_top(0) == (1, 2) and axis_top(7) == (8, 5) and axis_top(51) == (60, 4)
    assert category_label("day", "2026-12-01", 0, 1) == "01/12"  # "today": a date, not "1"
    assert category_label("day", "2026-11-05", 4, 10) == "05/11"
    assert category_label("month", "2026-11", 0, 12) == "11/2026"
    many = [category_label("day", f"2026-11-{d:02d}", d - 1, 30) for d in range(1, 31)]
    assert [m for m in many if m] == ["01/11", "06/11", "11/11", "16/11", "21/11", "26/11"]


def test_vietnamese_number_format():
    from kiosk_app.stats import definitions as D

    assert D.display("self_filing_rate", 2 / 3) == "66,7 %" and D.display("completion_rate", None) == "—"
    assert D.display("sessions", 1234567) == "1.234.567" and D.display("avg_duration", 330) == "5,5 phút"
    assert D.display("satisfaction", (3.75, 4)) == "3,8 điểm trên 5 (4 lượt)"
    assert D.display("scans", (12, 3)) == "12 trang, 3 tệp PDF"
    assert D.cell("self_filing_rate", 2 / 3) == 66.7 and D.cell("sessions", 7) == 7


def test_text_is_at_least_18_px_and_tabs_15_mm(make_kiosk, qtbot):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QLabel, QPushButton

    _kiosk, screen = open_stats(make_kiosk, qtbot)
    screen.show_range(NOV)
    qtbot.waitUntil(lambda: not screen.calculating)
    small = []
    for widget in screen.findChildren(QLabel) + screen.findChildren(QPushButton):
        if widget.isVisibleTo(screen) and widget.text():
            px = widget.font().pixelSize()
            if 0 < px < 18:
                small.append((widget.text()[:30], px))
    assert small == []
    for table in (screen.procedures, screen.officers, screen.how):
        assert table.horizontalHeader().font().pixelSize() >= 18 and table.font().pixelSize() >= 18
    mm15 = 15 / 25.4 * QGuiApplication.primaryScreen().logicalDotsPerInch()
    bar = screen.tabs.tabBar()
    assert all(bar.tabRect(i).height() >= mm15 for i in range(bar.count()))
