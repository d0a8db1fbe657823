"""The scan process heals: it never gives up for good, and a stalled scan is said and stoppable."""

import os
import signal

import pytest

from kiosk_app.scanner.process import (
    DevicesFound,
    PageScanned,
    ScanFinished,
    ScannerRestarted,
    ScannerUnavailable,
    ScanProcess,
    ScanStalled,
    SearchingAgain,
    retry_delay,
)
from kiosk_app.scanner.protocol import ScanRequest

from .conftest import SANE_DIR, SLOW_FEEDER, collect, scan_ended


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n, 10, 300) for n in range(1, 8)] == [10, 20, 40, 80, 160, 300, 300]
    assert retry_delay(0, 10, 300) == 10


@pytest.fixture
def sane_dir(tmp_path):
    """A SANE config folder the test can empty and fill, like a scanner unplugged and back."""
    folder = tmp_path / "sane"
    folder.mkdir()
    (folder / "test.conf").write_text((SANE_DIR / "test.conf").read_text())
    (folder / "dll.conf").write_text("test\n")
    return folder


def _process(sane_dir, **kw):
    proc = ScanProcess(env={"SANE_CONFIG_DIR": str(sane_dir)}, **kw)
    proc.start()
    return proc


def _ids(event):
    return [d.id for d, _ in event.devices]


def _crash(proc):
    """Kill the scan process for real; return what the kiosk side made of it."""
    os.kill(proc.pid, signal.SIGKILL)
    return collect(proc, lambda e: isinstance(e, (ScannerRestarted, ScannerUnavailable)))[-1]


@pytest.mark.allow_log("scan.")
def test_six_crashes_then_try_again_finds_the_scanner(sane_dir, tmp_path):
    proc = _process(sane_dir, retry_base=600, retry_cap=600)  # no search on its own during this test
    try:
        proc.list_devices()
        collect(proc, lambda e: isinstance(e, DevicesFound))
        outcomes = [_crash(proc) for _ in range(6)]
        assert all(isinstance(e, ScannerRestarted) for e in outcomes[:5])
        assert isinstance(outcomes[5], ScannerUnavailable) and outcomes[5].retry_in == 600
        assert proc.unavailable and proc.pid is None
        proc.search_again()  # "Thử lại"
        found = collect(proc, lambda e: isinstance(e, DevicesFound))[-1]
        assert "test:0" in _ids(found) and not proc.unavailable
        job = proc.scan(ScanRequest("test:0", dpi=50), tmp_path)
        assert collect(proc, scan_ended)[-1] == ScanFinished(job, 1, False)
    finally:
        proc.stop()


def test_try_again_sees_a_scanner_plugged_back_in(sane_dir):
    (sane_dir / "dll.conf").write_text("# the scanner is unplugged\n")
    proc = _process(sane_dir)
    try:
        proc.list_devices()
        assert _ids(collect(proc, lambda e: isinstance(e, DevicesFound))[-1]) == []
        (sane_dir / "dll.conf").write_text("test\n")
        old = proc.pid
        proc.search_again()
        assert "test:0" in _ids(collect(proc, lambda e: isinstance(e, DevicesFound))[-1])
        assert proc.pid != old  # a fresh process: SANE reads its backends once per process
    finally:
        proc.stop()


@pytest.mark.allow_log("scan.")
def test_after_giving_up_it_searches_again_on_its_own_and_waits_longer_each_time(sane_dir):
    proc = _process(sane_dir, max_restarts=0, retry_base=0.2)
    try:
        waits = []
        for _ in range(2):
            gave_up = _crash(proc)
            waits.append(gave_up.retry_in)
            events = collect(proc, lambda e: isinstance(e, DevicesFound))
            assert any(isinstance(e, SearchingAgain) for e in events)
            assert "test:0" in _ids(events[-1]) and not proc.unavailable
        assert waits == [0.2, 0.4]
    finally:
        proc.stop()


def _stall_after_a_page(proc, tmp_path) -> tuple[int, list]:
    """A feeder scan whose process is stopped (SIGSTOP) after its first page."""
    job = proc.scan(ScanRequest("test:0", feeder=True, dpi=50, color=False, extra_options=SLOW_FEEDER),
                    tmp_path)
    seen = collect(proc, lambda e: isinstance(e, PageScanned))
    os.kill(proc.pid, signal.SIGSTOP)
    seen += collect(proc, lambda e: e == ScanStalled(job, True))
    return job, seen


@pytest.mark.allow_log("scan.")
def test_a_stalled_scan_is_reported_and_stop_ends_it_at_once(sane_dir, tmp_path):
    # hang_timeout is long: the scan can only end this quickly through the cancel.
    proc = _process(sane_dir, hang_timeout=600, stall_notice=2.0)
    try:
        job, seen = _stall_after_a_page(proc, tmp_path)
        stopped_pid = proc.pid
        proc.cancel()
        seen += collect(proc, scan_ended, timeout=10)
        pages = sum(isinstance(e, PageScanned) for e in seen)
        assert seen[-1] == ScanFinished(job, pages, True) and pages >= 1  # pages are kept
        assert proc.pid not in (None, stopped_pid)
        job = proc.scan(ScanRequest("test:0", dpi=50), tmp_path)
        assert collect(proc, scan_ended)[-1] == ScanFinished(job, 1, False)
    finally:
        proc.stop()


@pytest.mark.allow_log("scan.")
def test_a_stalled_scan_that_moves_again_says_so(sane_dir, tmp_path):
    proc = _process(sane_dir, hang_timeout=600, stall_notice=2.0)
    try:
        job, _ = _stall_after_a_page(proc, tmp_path)
        os.kill(proc.pid, signal.SIGCONT)
        events = collect(proc, lambda e: isinstance(e, ScanStalled))
        assert events[-1] == ScanStalled(job, False)
        proc.cancel()
        assert collect(proc, scan_ended)[-1].cancelled
    finally:
        proc.stop()
