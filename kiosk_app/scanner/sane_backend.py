"""The SANE backend on pyinsane2, run only inside the kiosk's scan process.

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


def _import_pyinsane2():
    if os.environ.get("PYINSANE_SINGLE_THREAD") != "1":
        raise RuntimeError("PYINSANE_SINGLE_THREAD=1 must be set before pyinsane2 is imported")
    import pyinsane2

    return pyinsane2


class SaneBackend:
    def __init__(self):
        self._pyinsane2 = _import_pyinsane2()
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
        pyinsane2 = self._pyinsane2
        self.settle()
        info = self.describe(request.device)
        scanner = self._scanner
        opts = scanner.options
        reopen_after = False
        saved: dict = {}  # extra options to put back: they apply to this scan only
        session = None
        count = 0
        try:
            source = pick_source(info.sources, request.feeder)
            if request.feeder and source is None:
                raise ScanError(Fault.OTHER, "device has no document feeder")
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
            session = scanner.scan(multiple=request.feeder)
            while True:
                if sink.cancelled():
                    return count
                try:
                    session.scan.read()
                except EOFError:
                    if not session.images:
                        # pyinsane2 turns "no more documents" mid-read into an empty page end.
                        raise StopIteration from None
                    image = session.images.pop()
                    sink.page(image, area, dpi, image.mode != "L")
                    count += 1
                    if not request.feeder:
                        return count
                    continue
                lines = session.scan.available_lines[1]
                expected = session.scan.expected_size[1]
                if expected > 0:
                    sink.progress(count, min(1.0, lines / expected))
        except StopIteration:
            # The feeder ran out: normal after at least one page.
            if count == 0:
                reopen_after = True
                raise ScanError(Fault.FEEDER_EMPTY, "no document") from None
            return count
        except pyinsane2.PyinsaneException as exc:
            reopen_after = True
            status = getattr(exc, "status", None)
            fault = fault_for_status(int(status)) if status is not None else Fault.OTHER
            raise ScanError(fault, str(exc)) from None
        except ScanError:
            reopen_after = True
            raise
        except OSError as exc:
            reopen_after = True
            raise ScanError(Fault.IO_ERROR, repr(exc)) from None
        finally:
            # The driver's cancel can block (the test backend sometimes waits forever on its
            # reader after a forced error): the kiosk is answered first, then settle() runs.
            self._unsettled = (session, saved, reopen_after)

    def settle(self) -> None:
        """End the last scan at the driver: cancel it and put back per-scan options."""
        if self._unsettled is None:
            return
        session, saved, reopen = self._unsettled
        self._unsettled = None
        if session is not None:
            try:
                session.scan.cancel()
            except Exception:  # the device may be gone; closing below is what matters
                log.debug("cancel after scan failed", exc_info=True)
        try:
            opts = self._scanner.options if self._scanner is not None else {}
            for name, value in saved.items():
                if value is not None:
                    opts[name].value = value
        except self._pyinsane2.PyinsaneException:
            reopen = True
        if reopen:
            # A fault can leave the handle mid-scan.
            self._close_device()

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
