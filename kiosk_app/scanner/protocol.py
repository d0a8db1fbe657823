"""The scanner protocol: what any scanner backend (SANE today, WIA later) must offer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

MM_PER_INCH = 25.4


class Fault(str, enum.Enum):
    """Why a scan did not complete. The screen maps each to a short Vietnamese message."""

    NO_SCANNER = "no_scanner"
    JAMMED = "jammed"
    COVER_OPEN = "cover_open"
    FEEDER_EMPTY = "feeder_empty"
    BUSY = "busy"
    IO_ERROR = "io_error"
    HUNG = "hung"
    CRASHED = "crashed"
    DISK_FULL = "disk_full"
    OTHER = "other"


class ScanError(Exception):
    """A scan stopped on a fault; `detail` is for the log only (English, no personal data)."""

    def __init__(self, fault: Fault, detail: str = ""):
        super().__init__(f"{fault.value}: {detail}")
        self.fault = fault
        self.detail = detail


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    vendor: str = ""
    model: str = ""
    kind: str = ""

    @property
    def is_virtual(self) -> bool:
        return self.id.startswith("test")


@dataclass(frozen=True)
class DeviceOptions:
    """What a device can do, in plain units (dpi, millimetres)."""

    sources: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    resolutions: tuple[int, ...] = ()  # listed values, or (min, max) when a range
    resolution_range: bool = False
    max_area_mm: tuple[float, float] | None = None  # (width, height)

    @property
    def has_feeder(self) -> bool:
        return any(is_feeder_source(s) for s in self.sources)


@dataclass(frozen=True)
class ScanRequest:
    device: str
    feeder: bool = False
    color: bool = True
    dpi: int = 200
    area_mm: tuple[float, float] | None = (210.0, 297.0)  # None: the whole glass
    # Device-specific options set last, as-is (e.g. the test backend's read-return-value).
    extra_options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PageFile:
    """One scanned page as written by the scan process: raw pixels in a PNM file."""

    path: str
    dpi: int
    color: bool
    size_px: tuple[int, int]
    area_mm: tuple[float, float]  # physical size of what was scanned


class PageSink(Protocol):
    """Where a backend delivers its output during a scan."""

    def progress(self, page_index: int, fraction: float) -> None: ...

    def page(self, image: Any, area_mm: tuple[float, float], dpi: int, color: bool) -> None: ...

    def cancelled(self) -> bool: ...


class ScannerBackend(Protocol):
    """Small on purpose so a WIA backend can sit beside the SANE one."""

    def list_devices(self) -> list[DeviceInfo]: ...

    def describe(self, device_id: str) -> DeviceOptions: ...

    def scan(self, request: ScanRequest, sink: PageSink) -> int:
        """Scan one page (flatbed) or every page (feeder); return the page count.

        Raises ScanError. A feeder that runs out after at least one page is a normal end.
        """
        ...

    def settle(self) -> None:
        """Finish the last scan at the driver (cancel, restore options). May block: the scan
        process reports a scan's end first and settles after, under its own watchdog."""
        ...

    def close(self) -> None: ...


def is_feeder_source(name: str) -> bool:
    low = name.lower()
    return "adf" in low or "feeder" in low


def pick_source(sources: tuple[str, ...], feeder: bool) -> str | None:
    """The device's source name for flatbed or feeder; None when the device has no such choice."""
    for s in sources:
        if is_feeder_source(s) == feeder and (feeder or "duplex" not in s.lower()):
            return s
    return None


def pick_mode(modes: tuple[str, ...], color: bool) -> str | None:
    wanted = ("color", "colour", "rgb") if color else ("gray", "grey", "lineart")
    for w in wanted:
        for m in modes:
            if w in m.lower():
                return m
    return None


def pick_resolution(options: DeviceOptions, dpi: int) -> int:
    """The supported resolution closest to `dpi` (never below it when a higher one exists)."""
    if not options.resolutions:
        return dpi
    if options.resolution_range:
        lo, hi = options.resolutions[0], options.resolutions[-1]
        return max(lo, min(hi, dpi))
    higher = [r for r in options.resolutions if r >= dpi]
    return min(higher) if higher else max(options.resolutions)


ProgressCallback = Callable[[int, float], None]
