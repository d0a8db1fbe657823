"""The real SANE test scanner through pyinsane2, inside the kiosk's own scan process."""

import os
import signal
from pathlib import Path

import pytest
from PIL import Image

from kiosk_app.scanner.pages import is_blank
from kiosk_app.scanner.process import (
    DevicesFound,
    PageScanned,
    ScanFailed,
    ScanFinished,
    ScannerRestarted,
    ScannerUnavailable,
    ScanProcess,
    ScanProgress,
)
from kiosk_app.scanner.protocol import Fault, ScanRequest

from .conftest import collect, sane_env, scan_ended

# The test backend slows itself down: 4 KiB per read, 5 ms per read (a 75 dpi page ≈ 2 s).
SLOW = {"read-limit": True, "read-limit-size": 4096, "read-delay": True,
        "read-delay-duration": 5000}


def _scan(proc, tmp_path, timeout=30.0, **kw):
    job = proc.scan(ScanRequest("test:0", **kw), tmp_path)
    events = collect(proc, scan_ended, timeout)
    assert events[-1].job == job
    return events


def _pages(events):
    return [e.page for e in events if isinstance(e, PageScanned)]


def test_lists_the_test_scanner_with_its_options(scan_process):
    scan_process.list_devices()
    found, = collect(scan_process, lambda e: isinstance(e, DevicesFound))
    ids = [d.id for d, _ in found.devices]
    assert "test:0" in ids
    options = dict((d.id, o) for d, o in found.devices)["test:0"]
    assert options.has_feeder and "Color" in options.modes
    assert options.max_area_mm == (300.0, 300.0)  # geometry_max from config/sane/test.conf
    assert options.resolution_range and options.resolutions == (1, 1200)


def test_single_page_from_the_glass(scan_process, tmp_path):
    events = _scan(scan_process, tmp_path, dpi=75, color=True)
    assert isinstance(events[-1], ScanFinished) and events[-1].pages == 1
    assert any(isinstance(e, ScanProgress) for e in events)
    page, = _pages(events)
    assert page.dpi == 75 and page.color and page.area_mm == (210.0, 297.0)
    assert abs(page.size_px[0] - 620) <= 1 and abs(page.size_px[1] - 877) <= 1
    with Image.open(page.path) as image:
        assert image.mode == "RGB" and image.size == page.size_px


def test_feeder_of_ten_pages_ends_when_empty(scan_process, tmp_path):
    events = _scan(scan_process, tmp_path, feeder=True, dpi=50, color=False)
    pages = _pages(events)
    assert len(pages) == 10 and events[-1] == ScanFinished(events[-1].job, 10, False)
    assert len(set(p.path for p in pages)) == 10 and all(os.path.exists(p.path) for p in pages)
    assert all(not p.color for p in pages)


@pytest.mark.parametrize("status, fault", [
    ("SANE_STATUS_JAMMED", Fault.JAMMED),
    ("SANE_STATUS_COVER_OPEN", Fault.COVER_OPEN),
    ("SANE_STATUS_NO_DOCS", Fault.FEEDER_EMPTY),
    ("SANE_STATUS_DEVICE_BUSY", Fault.BUSY),
    ("SANE_STATUS_IO_ERROR", Fault.IO_ERROR),
    ("SANE_STATUS_ACCESS_DENIED", Fault.BUSY),
    ("SANE_STATUS_NO_MEM", Fault.OTHER),
])
@pytest.mark.allow_log("scan.")
@pytest.mark.parametrize("feeder", [False, True])
def test_forced_statuses_become_faults_and_the_next_scan_works(scan_process, tmp_path, status,
                                                             fault, feeder):
    events = _scan(scan_process, tmp_path, feeder=feeder, dpi=50,
                   extra_options={"read-return-value": status})
    assert isinstance(events[-1], ScanFailed) and events[-1].fault is fault
    # Asked at once: the process that had the fault is replaced quietly, the request kept.
    after = _scan(scan_process, tmp_path, dpi=50)
    assert isinstance(after[-1], ScanFinished) and after[-1].pages == 1
    assert not any(isinstance(e, ScannerRestarted) for e in events + after)


def _signal_mid_scan(proc, tmp_path, signum) -> tuple[int, list]:
    """Start a slow scan, send `signum` to the scan process at its first progress report."""
    proc.scan(ScanRequest("test:0", dpi=75, extra_options=SLOW), tmp_path)
    collect(proc, lambda e: isinstance(e, ScanProgress))
    pid = proc.pid
    os.kill(pid, signum)
    return pid, collect(proc, lambda e: isinstance(e, ScannerRestarted), timeout=20)


@pytest.mark.parametrize("signum, fault", [
    (signal.SIGSTOP, Fault.HUNG),  # the driver stops answering, like a wedged USB read
    (signal.SIGKILL, Fault.CRASHED),  # the driver takes the process down
])
@pytest.mark.allow_log("scan.process_")
def test_hung_or_dead_scan_process_is_replaced(scan_process, tmp_path, signum, fault):
    scan_process.hang_timeout = 1.0
    old_pid, events = _signal_mid_scan(scan_process, tmp_path, signum)
    failed = [e for e in events if isinstance(e, ScanFailed)]
    assert len(failed) == 1 and failed[0].fault is fault
    assert scan_process.pid not in (None, old_pid)
    scan_process.hang_timeout = 30.0
    assert _scan(scan_process, tmp_path, dpi=50)[-1].pages == 1


def test_cancel_stops_a_scan_quickly(scan_process, tmp_path):
    scan_process.scan(ScanRequest("test:0", dpi=75, extra_options=SLOW), tmp_path)
    collect(scan_process, lambda e: isinstance(e, ScanProgress))
    pid = scan_process.pid
    scan_process.cancel()
    events = collect(scan_process, scan_ended, timeout=10)
    assert events[-1] == ScanFinished(events[-1].job, 0, True)
    assert not _pages(events) and scan_process.pid == pid
    assert _scan(scan_process, tmp_path, dpi=50)[-1].pages == 1


def test_blank_detection_on_real_scans(scan_process, tmp_path):
    white = _pages(_scan(scan_process, tmp_path, dpi=50, extra_options={"test-picture": "Solid white"}))
    pattern = _pages(_scan(scan_process, tmp_path, dpi=50, extra_options={"test-picture": "Grid"}))
    with Image.open(white[0].path) as w, Image.open(pattern[0].path) as p:
        assert is_blank(w) and not is_blank(p)


def test_a4_at_200_dpi(scan_process, tmp_path):
    page, = _pages(_scan(scan_process, tmp_path, dpi=200))
    assert abs(page.size_px[0] - 1654) <= 1 and abs(page.size_px[1] - 2339) <= 1


def test_disk_full_while_scanning_keeps_earlier_pages(scan_process, tiny_disk):
    first = _pages(_scan(scan_process, tiny_disk, dpi=50, color=False))  # 120 KB fits
    events = _scan(scan_process, tiny_disk, dpi=75, color=True)  # 1.6 MB does not
    assert isinstance(events[-1], ScanFailed) and events[-1].fault is Fault.DISK_FULL
    assert Path(first[0].path).exists()
    assert not list(tiny_disk.glob("*.part"))


@pytest.mark.allow_log("scan.", "scanner backend unavailable")
def test_a_backend_that_cannot_load_makes_the_scanner_unavailable(tmp_path):
    proc = ScanProcess(env=sane_env(), backend="wia")  # no WIA here, like a missing libsane
    try:
        proc.list_devices()
        events = collect(proc, lambda e: isinstance(e, ScannerUnavailable))
        assert proc.unavailable and not proc.busy
        assert not any(isinstance(e, ScannerRestarted) for e in events)  # nothing to retry
    finally:
        proc.stop()
