"""The scan screen driven like a resident would, on the real SANE test scanner."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk_app.scanner.presets import ScannerSettings, ScanPreset
from kiosk_app.scanner.screen import ScanScreen
from kiosk_app.scanner.service import ScanService
from kiosk_app.strings import scanner as T

from .conftest import SANE_DIR

PRESETS = (
    ScanPreset("text", "Văn bản", False, 50),
    ScanPreset("jam", "Kẹt giấy", False, 50, extra_options=(("read-return-value", "SANE_STATUS_JAMMED"),)),
    ScanPreset("white", "Giấy trắng", False, 50, extra_options=(("test-picture", "Solid white"),)),
    ScanPreset("io", "Mất kết nối", False, 50, extra_options=(("read-return-value", "SANE_STATUS_IO_ERROR"),)),
)


def _screen(qtbot, tmp_path, monkeypatch, sane_dir=SANE_DIR, device="test:0", **settings):
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir))
    events = []
    service = ScanService(ScannerSettings(device=device, presets=PRESETS, **settings),
                          lambda e, **f: events.append((e, f)))
    screen = ScanScreen(service)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)  # a top-level that could grow, as the kiosk window could
    screen.show()
    service.begin_session(tmp_path)
    screen.entered()
    with qtbot.waitSignal(service.stateChanged, timeout=30000,
                          check_params_cb=lambda s: s in ("ready", "no_scanner")):
        service.start()
    return screen, service, events


@pytest.fixture
def screen(qtbot, tmp_path, monkeypatch):
    scr, service, events = _screen(qtbot, tmp_path, monkeypatch)
    yield scr
    service.shutdown()


def _click(qtbot, widget):
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _scan(qtbot, screen, button=None):
    with qtbot.waitSignal(screen.service.scanEnded, timeout=30000):
        _click(qtbot, button or screen.scan_button)
    qtbot.waitUntil(lambda: screen.scan_button.isVisible())


def _by_name(screen, name) -> QPushButton:
    return screen.findChild(QPushButton, name)


def test_without_a_scanner_it_says_whom_to_ask(qtbot, tmp_path, monkeypatch):
    empty = tmp_path / "sane"
    empty.mkdir()
    (empty / "dll.conf").write_text("")
    scr, service, _ = _screen(qtbot, tmp_path, monkeypatch, sane_dir=empty, device="")
    try:
        assert T.NO_SCANNER in scr.status.text() and "Vui lòng báo cán bộ" in scr.status.text()
        assert not scr.scan_button.isEnabled() and scr.retry.isVisible()
    finally:
        service.shutdown()


def test_scan_pages_use_the_tools_and_save_a_named_document(qtbot, screen):
    assert screen.scan_button.text() == T.SCAN_FLATBED  # the test scanner has a feeder
    _scan(qtbot, screen, screen.feeder_button)
    assert screen.strip.count() == 10 and screen.status.text() == T.PAGES_ADDED.format(count=10)
    assert screen.size().height() == 768  # the scan buttons came back without growing the window
    assert screen._selected == 9 and screen.page_label.text() == T.PAGE_OF.format(n=10, total=10)
    screen.strip.setCurrentRow(3)
    _click(qtbot, screen.tools["rotate"])
    assert screen.service.pages[3].rotation == 90
    _click(qtbot, screen.tools["earlier"])
    assert screen.service.pages[2].rotation == 90 and screen._selected == 2
    for _ in range(8):
        _click(qtbot, screen.tools["delete"])
    assert screen.strip.count() == 2
    screen.strip.setCurrentRow(0)
    old = screen.service.pages[0]
    _scan(qtbot, screen, screen.tools["rescan"])
    assert screen.strip.count() == 2 and screen.service.pages[0] != old
    _scan(qtbot, screen, screen.tools["add"])
    assert screen.strip.count() == 3
    _click(qtbot, screen.save_button)
    assert screen.name_overlay.isVisible()
    _click(qtbot, _by_name(screen.name_overlay, "docName0"))  # "CCCD"
    assert screen.status.text() == T.SAVING
    qtbot.waitUntil(lambda: screen.status.text() != T.SAVING)
    assert screen.strip.count() == 0 and "CCCD.pdf" in screen.documents.text()
    assert screen.status.text().startswith(T.SAVED.split("“")[0])
    assert [p.name for p in screen.service.documents()] == ["CCCD.pdf"]


def test_a_typed_name_from_the_on_screen_keys(qtbot, screen):
    _scan(qtbot, screen)
    _click(qtbot, screen.save_button)
    _click(qtbot, _by_name(screen.name_overlay, "docNameOther"))
    for key in ("keyĐ", "keyƠ", "keyN", "keySpace", "keyX", "keyBack", "keyM", "keyƯ", "keyA"):
        _click(qtbot, _by_name(screen.name_overlay, key))
    assert screen.name_overlay.field.text() == "ĐƠN MƯA"
    _click(qtbot, _by_name(screen.name_overlay, "docNameOk"))
    qtbot.waitUntil(lambda: screen.service.documents() != [])
    assert [p.name for p in screen.service.documents()] == ["DON_MUA.pdf"]


def test_a_jam_is_explained_and_earlier_pages_are_kept(qtbot, screen):
    _scan(qtbot, screen)
    _click(qtbot, screen.presets.button(1))
    _scan(qtbot, screen)
    assert screen.status.text() == T.FAULTS["jammed"] + " " + T.PAGES_KEPT
    assert screen.strip.count() == 1 and screen.scan_button.isEnabled()


def test_blank_feeder_pages_are_offered_for_removal(qtbot, screen):
    _click(qtbot, screen.presets.button(2))
    _scan(qtbot, screen, screen.feeder_button)
    assert screen.status.text() == T.BLANK_FOUND.format(count=10)
    assert T.BLANK_MARK in screen.strip.item(0).text()
    _click(qtbot, screen.blank_remove)
    assert screen.strip.count() == 0 and not screen.blank_remove.isVisible()


def test_session_reset_leaves_a_clean_screen(qtbot, screen):
    _scan(qtbot, screen)
    screen.service.end_session()
    screen.reset()
    assert screen.strip.count() == 0 and screen.status.text() == T.INTRO
    assert screen.documents.text() == T.DOCUMENTS_NONE


def test_disk_full_when_saving_keeps_the_pages(qtbot, screen, monkeypatch):
    from kiosk_app.scanner import service as service_module
    from kiosk_app.scanner.protocol import Fault, ScanError

    def full(*_args, **_kw):
        raise ScanError(Fault.DISK_FULL, "No space left on device")

    _scan(qtbot, screen)
    monkeypatch.setattr(service_module, "write_document", full)
    _click(qtbot, screen.save_button)
    _click(qtbot, _by_name(screen.name_overlay, "docName1"))
    qtbot.waitUntil(lambda: screen.status.text() != T.SAVING)
    assert screen.status.text() == T.FAULTS["disk_full"] + " " + T.PAGES_KEPT
    assert screen.strip.count() == 1 and screen.save_button.isEnabled()


def test_a_lost_connection_message_stays_while_the_kiosk_looks_again(qtbot, screen):
    _click(qtbot, screen.presets.button(3))
    with qtbot.waitSignal(screen.service.stateChanged, timeout=30000,
                          check_params_cb=lambda st: st == "searching"):
        _click(qtbot, screen.scan_button)  # an I/O error makes the kiosk look for the scanner
    qtbot.waitUntil(lambda: screen.service.state == "ready", timeout=30000)
    assert screen.status.text() == T.FAULTS["io_error"]


def test_a_document_over_the_size_budget_is_made_smaller_and_says_so(qtbot, tmp_path, monkeypatch):
    from kiosk_app.scanner.documents import OutputSettings

    budget = OutputSettings(size_budget_bytes=800 * 1024, min_dpi=50)
    scr, service, events = _screen(qtbot, tmp_path, monkeypatch, output=budget)
    try:
        _scan(qtbot, scr, scr.feeder_button)  # 10 pages of the test pattern: over 800 KB at q85
        _click(qtbot, scr.save_button)
        _click(qtbot, _by_name(scr.name_overlay, "docName2"))
        qtbot.waitUntil(lambda: scr.status.text() != T.SAVING)
        assert scr.status.text().endswith(T.SAVED_REDUCED.format(budget="800 KB")), scr.status.text()
        document = dict(events)["scan.document"]
        assert document["reduced"] and document["quality"] < 85
    finally:
        service.shutdown()
