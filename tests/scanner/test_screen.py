"""The scan screen's guided flow driven like a resident would, on the real SANE test scanner."""

import os
import signal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk_app.scanner.presets import Paper, ProcedurePapers, ScannerSettings, ScanPreset
from kiosk_app.scanner.screen import STEP_CHECK, STEP_NAME, STEP_PLACE, STEP_SCAN, STEP_WHAT, ScanScreen
from kiosk_app.scanner.service import ScanService
from kiosk_app.strings import scanner as T

from .conftest import SANE_DIR, SLOW_FEEDER

PRESETS = (
    ScanPreset("text", "Văn bản", False, 50),
    ScanPreset("jam", "Kẹt giấy", False, 50, extra_options=(("read-return-value", "SANE_STATUS_JAMMED"),)),
    ScanPreset("white", "Giấy trắng", False, 50, extra_options=(("test-picture", "Solid white"),)),
    ScanPreset("io", "Mất kết nối", False, 50, extra_options=(("read-return-value", "SANE_STATUS_IO_ERROR"),)),
    ScanPreset("slow", "Chậm", False, 50, extra_options=tuple(SLOW_FEEDER.items())),
)
BIRTH = ProcedurePapers("1.001193", "Đăng ký khai sinh", (
    Paper("Tờ khai đăng ký khai sinh", "text"), Paper("Giấy chứng sinh", "text")))
DOCUMENT_TYPES = ("CCCD", "Giấy khai sinh", "Đơn đề nghị")


def _screen(qtbot, tmp_path, monkeypatch, sane_dir=SANE_DIR, device="test:0", procedure=None, **settings):
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir))
    events = []
    settings = {"presets": PRESETS, "document_types": DOCUMENT_TYPES, "procedures": (BIRTH,), **settings}
    service = ScanService(ScannerSettings(device=device, **settings), lambda e, **f: events.append((e, f)))
    screen = ScanScreen(service)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)  # a top-level that could grow, as the kiosk window could
    screen.show()
    service.begin_session(tmp_path, procedure)
    with qtbot.waitSignal(service.stateChanged, timeout=30000,
                          check_params_cb=lambda s: s in ("ready", "no_scanner")):
        service.start()
    screen.entered()
    return screen, service, events


@pytest.fixture
def screen(qtbot, tmp_path, monkeypatch):
    scr, service, events = _screen(qtbot, tmp_path, monkeypatch)
    scr._test_events = events
    yield scr
    service.shutdown()


def _find(screen, name) -> QPushButton:
    """The visible button of that name (the step lists are rebuilt as the flow goes)."""
    found = [b for b in screen.findChildren(QPushButton, name) if b.isVisible()]
    assert len(found) == 1, (name, len(found))
    return found[0]


def _click(qtbot, screen, name_or_widget):
    widget = _find(screen, name_or_widget) if isinstance(name_or_widget, str) else name_or_widget
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _scan(qtbot, screen, name="scanButton"):
    with qtbot.waitSignal(screen.service.scanEnded, timeout=30000):
        _click(qtbot, screen, name)
    assert screen.steps.currentIndex() in (STEP_CHECK, STEP_PLACE)


def _kind(qtbot, screen, key="text"):
    """Step 1 without a procedure: "no procedure", then the kind of paper."""
    if any(b.isVisible() for b in screen.findChildren(QPushButton, "procedureNone")):
        _click(qtbot, screen, "procedureNone")
    _click(qtbot, screen, f"preset_{key}")
    assert screen.steps.currentIndex() == STEP_PLACE


def _save_as(qtbot, screen, name):
    _click(qtbot, screen, "toName")
    assert screen.steps.currentIndex() == STEP_NAME
    _click(qtbot, screen, name)
    qtbot.waitUntil(lambda: screen.status.text() != T.SAVING)


def test_without_a_scanner_it_says_whom_to_ask_and_try_again_finds_it(qtbot, tmp_path, monkeypatch):
    sane = tmp_path / "sane"
    sane.mkdir()
    (sane / "test.conf").write_text((SANE_DIR / "test.conf").read_text())
    (sane / "dll.conf").write_text("")
    scr, service, _ = _screen(qtbot, tmp_path, monkeypatch, sane_dir=sane)
    try:
        qtbot.waitUntil(lambda: service.state == "no_scanner", timeout=30000)  # entered() looked again
        assert T.NO_SCANNER in scr.status.text() and "Vui lòng báo cán bộ" in scr.status.text()
        _kind(qtbot, scr)
        assert not scr.scan_button.isEnabled() and scr.retry.isVisible()
        (sane / "dll.conf").write_text("test\n")  # the scanner is back
        with qtbot.waitSignal(service.stateChanged, timeout=30000, check_params_cb=lambda s: s == "ready"):
            _click(qtbot, scr, scr.retry)
        assert scr.scan_button.isEnabled() and not scr.retry.isVisible() and not scr.status.text()
    finally:
        service.shutdown()


@pytest.mark.allow_log("scan.")
def test_try_again_after_six_crashes_of_the_scan_process(qtbot, screen):
    service = screen.service
    for _ in range(6):  # real crashes, no good scan between
        old = service._process.pid
        os.kill(old, signal.SIGKILL)
        qtbot.waitUntil(lambda: service._process.pid != old, timeout=10000)
    assert service.state == "no_scanner" and screen.retry.isVisible()
    with qtbot.waitSignal(service.stateChanged, timeout=30000, check_params_cb=lambda s: s == "ready"):
        _click(qtbot, screen, screen.retry)
    _kind(qtbot, screen)
    _scan(qtbot, screen)
    assert screen.strip.count() == 1


def test_a_known_procedure_lists_its_papers_and_ticks_each_off(qtbot, tmp_path, monkeypatch):
    scr, service, _ = _screen(qtbot, tmp_path, monkeypatch, procedure="1.001193")
    try:
        assert _find(scr, "paper0").text() == T.PAPER_TODO.format(name="Tờ khai đăng ký khai sinh")
        _click(qtbot, scr, "paper0")
        assert scr.place_title.text() == T.PLACE_FOR.format(name="Tờ khai đăng ký khai sinh")
        # The hints name the buttons that are really there.
        assert scr.scan_button.text() == T.SCAN_FLATBED and f"“{T.SCAN_FLATBED}”" in scr.glass_hint.text()
        assert scr.feeder_card.isVisible() and f"“{T.SCAN_FEEDER}”" in scr.feeder_hint.text()
        _scan(qtbot, scr)
        assert scr.steps.currentIndex() == STEP_CHECK and scr.strip.count() == 1
        _save_as(qtbot, scr, "docNamePaper")
        assert scr.steps.currentIndex() == STEP_WHAT
        assert _find(scr, "paper0").text() == T.PAPER_DONE.format(name="Tờ khai đăng ký khai sinh")
        assert _find(scr, "paper1").text() == T.PAPER_TODO.format(name="Giấy chứng sinh")
        assert [p.name for p in service.documents()] == ["To_khai_dang_ky_khai_sinh.pdf"]
        assert "To_khai_dang_ky_khai_sinh.pdf" in scr.documents.text() and scr.filing_button.isEnabled()
        with qtbot.waitSignal(scr.filing):
            _click(qtbot, scr, "toFiling")
    finally:
        service.shutdown()


def test_the_resident_picks_the_procedure(qtbot, screen):
    assert T.PROCEDURE_ASK and _find(screen, "procedure0").text() == "Đăng ký khai sinh"
    _click(qtbot, screen, "procedure0")
    assert _find(screen, "paper1").text() == T.PAPER_TODO.format(name="Giấy chứng sinh")
    _click(qtbot, screen, "paperOther")  # a paper the list does not name, then back to the list
    assert _find(screen, "preset_text") and _find(screen, "procedurePapers")
    _click(qtbot, screen, "procedurePapers")
    _click(qtbot, screen, "procedureChange")
    _click(qtbot, screen, "procedureNone")
    assert _find(screen, "preset_text").text() == "Văn bản"


def test_pages_tools_delete_with_undo_and_a_named_document(qtbot, screen):
    _kind(qtbot, screen)
    _scan(qtbot, screen, "feederButton")
    assert screen.strip.count() == 10 and screen.status.text() == T.PAGES_ADDED.format(count=10)
    assert screen.size().height() == 768  # the steps changed without growing the window
    assert screen._selected == 9 and screen.check_title.text().startswith(T.PAGE_OF.format(n=10, total=10))
    screen.strip.setCurrentRow(3)
    _click(qtbot, screen, "rotateButton")
    assert screen.service.pages[3].rotation == 90
    _click(qtbot, screen, "earlierButton")
    assert screen.service.pages[2].rotation == 90 and screen._selected == 2
    rotated = screen.service.pages[2]
    _click(qtbot, screen, "deleteButton")
    assert screen.status.text() == T.DELETED.format(n=3, count=9) and screen.strip.count() == 9
    _click(qtbot, screen, screen.undo)  # the page comes back where it was
    assert screen.strip.count() == 10 and screen.service.pages[2] == rotated and not screen.undo.isVisible()
    assert os.path.exists(rotated.file.path)
    for left in range(9, 1, -1):
        _click(qtbot, screen, "deleteButton")
        assert screen.status.text().endswith(T.DELETED.format(n=1, count=left).split(". ")[1])
    assert screen.strip.count() == 2
    screen.strip.setCurrentRow(0)
    old = screen.service.pages[0]
    _click(qtbot, screen, "rescanButton")  # place the page again, then scan it
    assert screen.steps.currentIndex() == STEP_PLACE and not screen.feeder_card.isVisible()
    assert screen.scan_button.text() == T.SCAN
    _scan(qtbot, screen)
    assert screen.strip.count() == 2 and screen.service.pages[0] != old
    _click(qtbot, screen, "addPageButton")
    _scan(qtbot, screen)
    assert screen.strip.count() == 3
    _save_as(qtbot, screen, "docName0")  # "CCCD"
    assert screen.strip.count() == 0 and "CCCD.pdf" in screen.documents.text()
    assert screen.status.text().startswith(T.SAVED.split("“")[0])
    assert [p.name for p in screen.service.documents()] == ["CCCD.pdf"]


def test_each_paper_becomes_its_own_document(qtbot, screen):
    _kind(qtbot, screen)
    _scan(qtbot, screen)
    with qtbot.waitSignal(screen.service.pagesChanged):
        _save_as(qtbot, screen, "docName1")
    saved = []
    screen.service.pagesChanged.connect(lambda: saved.append(len(screen.service.pages)))
    _kind(qtbot, screen)
    _scan(qtbot, screen, "feederButton")  # feeder pages start a new document
    # (The test scanner's feeder holds 10 sheets, the glass scan counting as one of them.)
    fed = screen.strip.count()
    assert fed >= 9 and saved[0] == 1  # the page of the first paper was saved before
    _save_as(qtbot, screen, "docName2")
    events = [f for e, f in screen._test_events if e == "scan.document"]
    assert [e["pages"] for e in events] == [1, fed]


def test_a_typed_name_from_the_on_screen_keys(qtbot, screen):
    _kind(qtbot, screen)
    _scan(qtbot, screen)
    _click(qtbot, screen, "toName")
    _click(qtbot, screen, "docNameOther")
    # Capital, small letters and marks, as on the portal: the kiosk's one keyboard.
    for key in ("shift", "đ", "o", "mark-moc", "n", "space", "x", "backspace", "m", "u", "mark-moc", "a",
                "mark-nga"):
        _click(qtbot, screen, "key-" + key)
    assert screen.field.text() == "Đơn mữa"  # the tone on ư, where spelling puts it
    _click(qtbot, screen, "key-backspace")
    _click(qtbot, screen, "key-a")
    assert screen.field.text() == "Đơn mữa"
    _click(qtbot, screen, "docNameOk")
    qtbot.waitUntil(lambda: screen.service.documents() != [])
    assert [p.name for p in screen.service.documents()] == ["Don_mua.pdf"]


def test_a_jam_names_the_real_button_and_is_cleared_by_the_next_scan(qtbot, screen):
    _kind(qtbot, screen)
    _scan(qtbot, screen)
    _click(qtbot, screen, "addPageButton")
    screen._preset = PRESETS[1]  # the jamming paper
    _scan(qtbot, screen)
    # Back at the step whose button the message names; the page scanned before is kept.
    assert screen.steps.currentIndex() == STEP_PLACE and screen.scan_button.text() == T.SCAN_FLATBED
    assert screen.status.text() == T.FAULTS["jammed"].format(scan=T.SCAN_FLATBED) + " " + T.PAGES_KEPT
    assert screen.strip.count() == 1
    screen._preset = PRESETS[0]
    with qtbot.waitSignal(screen.service.stateChanged, check_params_cb=lambda s: s == "scanning"):
        _click(qtbot, screen, "scanButton")
    assert screen.steps.currentIndex() == STEP_SCAN and not screen.status.text()


@pytest.mark.allow_log("scan.")
def test_a_stalled_scan_says_so_and_stop_keeps_the_pages(qtbot, tmp_path, monkeypatch):
    scr, service, _ = _screen(qtbot, tmp_path, monkeypatch, stall_notice_s=2.0)
    try:
        _kind(qtbot, scr, "slow")
        with qtbot.waitSignal(service.pageArrived, timeout=60000):
            _click(qtbot, scr, "feederButton")
        os.kill(service._process.pid, signal.SIGSTOP)
        qtbot.waitUntil(lambda: scr.status.text() == T.SLOW, timeout=30000)
        with qtbot.waitSignal(service.scanEnded, timeout=10000) as ended:
            _click(qtbot, scr, scr.stop_button)
        assert ended.args[2] is True and scr.status.text() == T.STOPPED
        assert scr.steps.currentIndex() == STEP_CHECK and scr.strip.count() == ended.args[0] >= 1
        _click(qtbot, scr, "addPageButton")
        _scan(qtbot, scr)  # a fresh scan process is ready
        assert scr.strip.count() == ended.args[0] + 1
    finally:
        service.shutdown()


def test_blank_feeder_pages_are_offered_for_removal(qtbot, screen):
    _kind(qtbot, screen, "white")
    _scan(qtbot, screen, "feederButton")
    assert screen.status.text() == T.BLANK_FOUND.format(count=10)
    assert T.BLANK_MARK in screen.strip.item(0).text()
    _click(qtbot, screen, screen.blank_remove)
    assert screen.strip.count() == 0 and not screen.blank_remove.isVisible()
    assert screen.steps.currentIndex() == STEP_PLACE


def test_session_reset_leaves_a_clean_screen(qtbot, screen):
    _kind(qtbot, screen)
    _scan(qtbot, screen)
    screen.service.end_session()
    screen.reset()
    assert screen.strip.count() == 0 and not screen.status.text()
    assert screen.steps.currentIndex() == STEP_WHAT and _find(screen, "procedure0")
    assert screen.documents.text() == T.DOCUMENTS_NONE


def test_disk_full_when_saving_keeps_the_pages(qtbot, screen, monkeypatch):
    from kiosk_app.scanner import service as service_module
    from kiosk_app.scanner.protocol import Fault, ScanError

    def full(*_args, **_kw):
        raise ScanError(Fault.DISK_FULL, "No space left on device")

    _kind(qtbot, screen)
    _scan(qtbot, screen)
    monkeypatch.setattr(service_module, "write_document", full)
    _save_as(qtbot, screen, "docName1")
    assert screen.status.text() == T.FAULTS["disk_full"] + " " + T.PAGES_KEPT
    assert screen.strip.count() == 1 and screen.to_name.isEnabled()


def test_a_lost_connection_message_stays_while_the_kiosk_looks_again(qtbot, screen):
    _kind(qtbot, screen, "io")
    with qtbot.waitSignal(screen.service.stateChanged, timeout=30000,
                          check_params_cb=lambda st: st == "searching"):
        _click(qtbot, screen, "scanButton")  # an I/O error makes the kiosk look for the scanner
    qtbot.waitUntil(lambda: screen.service.state == "ready", timeout=30000)
    assert screen.status.text() == T.FAULTS["io_error"]


def test_a_document_over_the_size_budget_is_made_smaller_and_says_so(qtbot, tmp_path, monkeypatch):
    from kiosk_app.scanner.documents import OutputSettings

    budget = OutputSettings(size_budget_bytes=800 * 1024, min_dpi=50)
    scr, service, events = _screen(qtbot, tmp_path, monkeypatch, output=budget)
    try:
        _kind(qtbot, scr)
        _scan(qtbot, scr, "feederButton")  # 10 pages of the test pattern: over 800 KB at q85
        _save_as(qtbot, scr, "docName2")
        assert scr.status.text().endswith(T.SAVED_REDUCED.format(budget="800 KB")), scr.status.text()
        document = dict(events)["scan.document"]
        assert document["reduced"] and document["quality"] < 85
    finally:
        service.shutdown()


def test_a_guided_procedure_without_a_list_of_papers_asks_only_the_kind(qtbot, tmp_path, monkeypatch):
    scr, service, _ = _screen(qtbot, tmp_path, monkeypatch, procedure="2.000815")  # not in the papers
    try:
        assert _find(scr, "preset_text") and not any(
            b.isVisible() for b in scr.findChildren(QPushButton, "procedure0"))
    finally:
        service.shutdown()
