"""The scanning service with the real scan process and the SANE test scanner."""

import pytest

from kiosk_app.scanner.documents import OutputSettings
from kiosk_app.scanner.presets import ScannerSettings, ScanPreset
from kiosk_app.scanner.service import PAGES_FOLDER, ScanService

from .conftest import SANE_DIR, SLOW_FEEDER

FAST = ScanPreset("text", "Văn bản", False, 50)
SLOW = ScanPreset("slow", "Chậm", False, 50, extra_options=tuple(SLOW_FEEDER.items()))
FORCED = {s: ScanPreset("text", "Văn bản", False, 50, extra_options=(("read-return-value", s),))
          for s in ("SANE_STATUS_JAMMED", "SANE_STATUS_COVER_OPEN")}


@pytest.fixture
def events():
    return []


def _service(qtbot, events, settings, monkeypatch, sane_dir=SANE_DIR):
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir))
    service = ScanService(settings, lambda event, **f: events.append((event, f)), SANE_DIR)
    with qtbot.waitSignal(service.stateChanged, timeout=30000,
                          check_params_cb=lambda s: s in ("ready", "no_scanner")):
        service.start()
    return service


@pytest.fixture
def service(qtbot, events, tmp_path, monkeypatch):
    svc = _service(qtbot, events, ScannerSettings(device="test:0", output=OutputSettings()),
                   monkeypatch)
    svc.begin_session(tmp_path)
    yield svc
    svc.shutdown()


def _scan(qtbot, service, preset=FAST, **kw):
    with qtbot.waitSignal(service.scanEnded, timeout=30000) as ended:
        assert service.scan(preset, **kw)
    return ended.args


def test_no_scanner_says_so(qtbot, events, tmp_path, monkeypatch):
    empty = tmp_path / "sane"
    empty.mkdir()
    (empty / "dll.conf").write_text("# no backends\n")
    svc = _service(qtbot, events, ScannerSettings(), monkeypatch, sane_dir=empty)
    try:
        assert svc.state == "no_scanner" and svc.device is None
        svc.begin_session(tmp_path)
        assert not svc.scan(FAST)
        assert ("scan.devices", {"found": 0, "chosen": False, "virtual": False}) in events
    finally:
        svc.shutdown()


def test_falls_back_to_the_test_scanner_when_configured(qtbot, events, tmp_path, monkeypatch):
    empty = tmp_path / "sane"
    empty.mkdir()
    (empty / "dll.conf").write_text("# no backends\n")
    svc = _service(qtbot, events, ScannerSettings(test_scanner_fallback=True), monkeypatch,
                   sane_dir=empty)
    try:
        assert svc.state == "ready" and svc.device.id == "test:0" and svc.has_feeder
    finally:
        svc.shutdown()


def test_scan_tools_save_and_hand_off(qtbot, service, events, tmp_path):
    # The test backend's feeder holds 10 sheets, counting any scan since it was opened.
    assert _scan(qtbot, service, feeder=True) == [10, "", False]
    assert _scan(qtbot, service) == [1, "", False]
    assert len(service.pages) == 11
    first = service.pages[0]
    _scan(qtbot, service, replace=0)
    assert len(service.pages) == 11 and service.pages[0] != first
    _scan(qtbot, service, insert_at=1)
    assert len(service.pages) == 12
    service.rotate(1)
    service.move(1, 0)
    assert service.pages[0].rotation == 90
    for _ in range(10):
        service.delete(2)
    assert len(service.pages) == 2
    result = service.save_document("Giấy khai sinh")
    assert result.pages == 2 and len(service.pages) == 0
    assert service.documents() == [result.pdf] and result.pdf.name == "Giay_khai_sinh.pdf"
    names = [e for e, _ in events]
    assert names.count("scan.pages") == 4 and "scan.document" in names
    document = dict(events)["scan.document"]
    assert document["pages"] == 2 and document["bytes"] == result.size
    assert "Giấy" not in repr(events) and "Giay" not in repr(events)  # no typed names logged


def test_faults_keep_pages_and_the_kiosk_going(qtbot, service, events):
    _scan(qtbot, service)
    assert _scan(qtbot, service, FORCED["SANE_STATUS_JAMMED"]) == [0, "jammed", False]
    assert _scan(qtbot, service, FORCED["SANE_STATUS_COVER_OPEN"]) == [0, "cover_open", False]
    assert len(service.pages) == 1 and service.state == "ready"
    assert ("scan.error", {"fault": "jammed", "stage": "scan", "preset": "text",
                           "source": "flatbed", "pages_added": 0, "pages_kept": 1}) in events
    assert _scan(qtbot, service) == [1, "", False]


def test_session_end_cancels_and_forgets_pages(qtbot, service, tmp_path):
    _scan(qtbot, service)
    slow = ScanPreset("slow", "x", True, 75, extra_options=(
        ("read-limit", True), ("read-limit-size", 4096), ("read-delay", True),
        ("read-delay-duration", 5000)))
    with qtbot.waitSignal(service.progress, timeout=30000):
        service.scan(slow)
    service.end_session()
    assert len(service.pages) == 0 and not (tmp_path / PAGES_FOLDER).exists()
    qtbot.waitUntil(lambda: service.state == "ready", timeout=10000)
    assert not service._process.busy


@pytest.mark.allow_log("scan.")
def test_try_again_after_the_scan_process_kept_crashing(qtbot, service, events):
    import os
    import signal

    for _ in range(6):  # killed for real, six times with no good scan between
        old = service._process.pid
        os.kill(old, signal.SIGKILL)
        qtbot.waitUntil(lambda: service._process.pid != old, timeout=10000)
    assert service.state == "no_scanner" and service.device is None
    assert any(e == "scan.unavailable" for e, _ in events)
    with qtbot.waitSignal(service.stateChanged, timeout=30000, check_params_cb=lambda s: s == "ready"):
        service.search_again()
    assert _scan(qtbot, service) == [1, "", False]


@pytest.mark.allow_log("scan.")
def test_a_stalled_scan_is_said_and_stop_keeps_the_pages(qtbot, tmp_path, events, monkeypatch):
    import os
    import signal

    svc = _service(qtbot, events, ScannerSettings(device="test:0", stall_notice_s=2.0), monkeypatch)
    svc.begin_session(tmp_path)
    try:
        with qtbot.waitSignal(svc.pageArrived, timeout=60000):
            assert svc.scan(SLOW, feeder=True)
        os.kill(svc._process.pid, signal.SIGSTOP)
        with qtbot.waitSignal(svc.stalled, timeout=30000, check_params_cb=lambda s: s):
            pass
        with qtbot.waitSignal(svc.scanEnded, timeout=10000) as ended:
            svc.cancel()
        added, fault, cancelled = ended.args
        assert cancelled and not fault and added >= 1 and len(svc.pages) == added
        assert _scan(qtbot, svc) == [1, "", False]  # a fresh process is ready
    finally:
        svc.shutdown()
