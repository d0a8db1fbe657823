"""The SANE backend on pyinsane2, run only inside the kiosk's scan process.

Devices and options go through pyinsane2's objects; pages are read with SANE's own calls
(pyinsane2's rawapi), so that the kiosk decides when the driver's cancel runs (see scan()).
pyinsane2 must be imported with PYINSANE_SINGLE_THREAD=1: its own worker-process mode
breaks on pages larger than a pipe buffer, and the kiosk already isolates the driver in
its own process (scanner/process.py).
"""

from __future__ import annotations

import logging
import os

from .protocol import (
    DeviceInfo,
    DeviceOptions,
    Fault,
    PageSink,
    ScanError,
    ScanRequest,
    pick_mode,
    pick_resolution,
    pick_source,
)
from .sane_units import fault_for_status, from_fixed, to_fixed

log = logging.getLogger("kiosk.scanner.sane")

_FIXED = 2  # SANE_TYPE_FIXED
_READ_BYTES = 512 * 1024  # large reads: the time goes to the driver, not to Python
_FRAME_GRAY, _FRAME_RGB = 0, 1  # SANE_Frame


def _import_pyinsane2():
    if os.environ.get("PYINSANE_SINGLE_THREAD") != "1":
        raise RuntimeError("PYINSANE_SINGLE_THREAD=1 must be set before pyinsane2 is imported")
    import pyinsane2

    return pyinsane2


class SaneBackend:
    def __init__(self):
        self._pyinsane2 = _import_pyinsane2()
        from pyinsane2.sane import abstract, rawapi

        self._abstract, self._rawapi = abstract, rawapi
        self._pyinsane2.init()
        self._scanner = None
        self._unsettled = None

    # -- devices -------------------------------------------------------------------------
    def list_devices(self) -> list[DeviceInfo]:
        # get_devices() calls sane_exit(), which would leave an open handle dangling.
        self.settle()
        self._close_device()
        return [
            DeviceInfo(id=d.name, vendor=d.vendor, model=d.model, kind=d.dev_type)
            for d in self._pyinsane2.get_devices()
        ]

    def describe(self, device_id: str) -> DeviceOptions:
        opts = self._open(device_id).options
        res = opts.get("resolution")
        resolutions: tuple[int, ...] = ()
        is_range = False
        if res is not None:
            conv = (lambda v: int(round(from_fixed(v)))) if _is_fixed(res) else int
            if isinstance(res.constraint, tuple):
                resolutions = (conv(res.constraint[0]), conv(res.constraint[1]))
                is_range = True
            elif isinstance(res.constraint, list):
                resolutions = tuple(sorted(conv(v) for v in res.constraint))
        return DeviceOptions(
            sources=_string_choices(opts, "source"),
            modes=_string_choices(opts, "mode"),
            resolutions=resolutions,
            resolution_range=is_range,
            max_area_mm=_max_area(opts),
        )

    # -- scanning ------------------------------------------------------------------------
    def scan(self, request: ScanRequest, sink: PageSink) -> int:
        """Set the options, then read frames with SANE's own calls.

        pyinsane2's Scan classes call sane_cancel() inside read() when a page or the feeder
        ends; drivers can block there (the test backend does now and then after a forced
        status). Reading the raw API here leaves the cancel to settle(), which the scan process
        runs only after the kiosk has its answer, under the kiosk's watchdog.
        """
        self.settle()
        info = self.describe(request.device)
        opts = self._scanner.options
        saved: dict = {}  # extra options to put back: they apply to this scan only
        self._unsettled = (False, saved, False)
        source = pick_source(info.sources, request.feeder)
        if request.feeder and source is None:
            raise ScanError(Fault.OTHER, "device has no document feeder")
        try:
            if source is not None:
                _set(opts, "source", source)
            mode = pick_mode(info.modes, request.color)
            if mode is not None:
                _set(opts, "mode", mode)
            _set(opts, "depth", 8)
            _set(opts, "resolution", pick_resolution(info, request.dpi))
            _set_area(opts, request.area_mm, info.max_area_mm)
            for name, value in request.extra_options.items():
                if name in opts:
                    saved.setdefault(name, _raw_value(opts, name))
                _set(opts, name, value)
            dpi = int(round(_get(opts, "resolution", request.dpi)))
            area = _current_area(opts) or request.area_mm or (0.0, 0.0)
        except self._pyinsane2.PyinsaneException as exc:
            raise _scan_error(exc) from None
        self._unsettled = (True, saved, False)
        try:
            return self._read_pages(request.feeder, sink, area, dpi)
        except self._pyinsane2.PyinsaneException as exc:
            raise _scan_error(exc) from None
        except OSError as exc:
            raise ScanError(Fault.IO_ERROR, repr(exc)) from None

    def _read_pages(self, feeder: bool, sink: PageSink, area, dpi: int) -> int:
        rawapi = self._rawapi
        handle = self._handle()
        count = 0
        while not sink.cancelled():
            try:
                rawapi.sane_start(handle)
                params = rawapi.sane_get_parameters(handle)
                chunks = self._read_frame(handle, params, sink, count)
            except StopIteration:  # SANE_STATUS_NO_DOCS: the feeder (or glass) is empty
                if count == 0:
                    raise ScanError(Fault.FEEDER_EMPTY, "no document") from None
                return count
            if chunks is None:
                return count  # cancelled mid-page
            image = _frame_image(b"".join(chunks), params)
            sink.page(image, area, dpi, image.mode != "L")
            count += 1
            if not feeder:
                break
        return count

    def _read_frame(self, handle, params, sink: PageSink, page_index: int) -> list[bytes] | None:
        rawapi = self._rawapi
        expected = params.lines * params.bytes_per_line if params.lines > 0 else 0
        chunks: list[bytes] = []
        got = 0
        while True:
            if sink.cancelled():
                return None
            try:
                data = rawapi.sane_read(handle, _READ_BYTES)
            except EOFError:
                return chunks
            chunks.append(data)
            got += len(data)
            if expected:
                sink.progress(page_index, min(1.0, got / expected))

    def settle(self) -> None:
        """End the last scan at the driver: cancel it and put back per-scan options."""
        if self._unsettled is None:
            return
        started, saved, reopen = self._unsettled
        self._unsettled = None
        if started and self._scanner is not None:
            try:
                self._rawapi.sane_cancel(self._handle())
            except Exception:  # the device may be gone; closing below is what matters
                log.debug("cancel after scan failed", exc_info=True)
                reopen = True
        try:
            opts = self._scanner.options if self._scanner is not None else {}
            for name, value in saved.items():
                if value is not None:
                    opts[name].value = value
        except self._pyinsane2.PyinsaneException:
            reopen = True
        if reopen:
            self._close_device()

    def _handle(self):
        # pyinsane2 keeps the one open handle in a module global (never two devices at once).
        return self._abstract.sane_dev_handle[1]

    def close(self) -> None:
        self.settle()
        self._close_device()
        try:
            self._pyinsane2.exit()
        except Exception:
            log.debug("sane_exit failed", exc_info=True)

    # -- internals -----------------------------------------------------------------------
    def _open(self, device_id: str):
        if self._scanner is not None and self._scanner.name == device_id:
            return self._scanner
        self._close_device()
        scanner = self._pyinsane2.Scanner(name=device_id)
        try:
            scanner.options  # opens the device and reads its options
        except self._pyinsane2.PyinsaneException as exc:
            raise ScanError(Fault.NO_SCANNER, f"cannot open {device_id}: {exc}") from None
        self._scanner = scanner
        return scanner

    def _close_device(self) -> None:
        if self._scanner is None:
            return
        try:
            self._scanner._force_close()
        except Exception:
            log.debug("closing the device failed", exc_info=True)
        self._scanner = None


def _scan_error(exc) -> ScanError:
    status = getattr(exc, "status", None)
    fault = fault_for_status(int(status)) if status is not None else Fault.OTHER
    return ScanError(fault, str(exc))


def _frame_image(raw: bytes, params):
    """PIL image of one 8-bit gray or RGB frame (the kiosk always asks for depth 8)."""
    from PIL import Image

    if params.depth != 8 or params.format not in (_FRAME_GRAY, _FRAME_RGB):
        raise ScanError(Fault.OTHER, f"unsupported frame: format {params.format} depth {params.depth}")
    mode = "RGB" if params.format == _FRAME_RGB else "L"
    lines = len(raw) // params.bytes_per_line  # hand scanners do not know the height before
    if lines == 0:
        raise ScanError(Fault.IO_ERROR, "empty page")
    return Image.frombuffer(mode, (params.pixels_per_line, lines), raw, "raw", mode,
                            params.bytes_per_line, 1)


def _is_fixed(opt) -> bool:
    return int(opt.val_type) == _FIXED


def _active(opts, name: str):
    opt = opts.get(name)
    if opt is None or not opt.capabilities.is_active():
        return None
    return opt


def _string_choices(opts, name: str) -> tuple[str, ...]:
    opt = _active(opts, name)
    if opt is None or not isinstance(opt.constraint, list):
        return ()
    return tuple(str(v) for v in opt.constraint)


def _set(opts, name: str, value) -> None:
    opt = _active(opts, name)
    if opt is None:
        return
    if isinstance(opt.constraint, list) and len(opt.constraint) <= 1:
        return  # some drivers answer INVAL when set to their only value
    if _is_fixed(opt) and isinstance(value, (int, float)):
        value = to_fixed(value)
    opt.value = value


def _raw_value(opts, name: str):
    try:
        return opts[name].value
    except Exception:  # inactive options refuse to be read
        return None


def _get(opts, name: str, default):
    opt = _active(opts, name)
    if opt is None:
        return default
    value = opt.value
    return from_fixed(value) if _is_fixed(opt) else value


def _max_area(opts) -> tuple[float, float] | None:
    bx, by = _active(opts, "br-x"), _active(opts, "br-y")
    if bx is None or by is None or not isinstance(bx.constraint, tuple):
        return None
    conv = from_fixed if _is_fixed(bx) else float
    return (conv(bx.constraint[1]), conv(by.constraint[1]))


def _set_area(opts, area_mm, max_area) -> None:
    if _active(opts, "br-x") is None:
        return
    width, height = area_mm if area_mm is not None else (max_area or (None, None))
    if width is None:
        return
    if max_area is not None:
        width, height = min(width, max_area[0]), min(height, max_area[1])
    _set(opts, "tl-x", 0.0)
    _set(opts, "tl-y", 0.0)
    _set(opts, "br-x", float(width))
    _set(opts, "br-y", float(height))


def _current_area(opts) -> tuple[float, float] | None:
    if _active(opts, "br-x") is None:
        return None
    return (
        _get(opts, "br-x", 0.0) - _get(opts, "tl-x", 0.0),
        _get(opts, "br-y", 0.0) - _get(opts, "tl-y", 0.0),
    )
