"""Scan presets and scanner settings (filled from the [scanner] section of the config)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .documents import OutputSettings
from .protocol import DeviceInfo, ScanRequest

A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class ScanPreset:
    key: str  # for logs
    label: str  # on the button
    color: bool
    dpi: int
    area_mm: tuple[float, float] | None = A4_MM  # None: the whole glass
    # Device-specific options, e.g. the test scanner's "test-picture" for demonstrations.
    extra_options: tuple[tuple[str, object], ...] = ()

    def request(self, device: str, feeder: bool) -> ScanRequest:
        return ScanRequest(device=device, feeder=feeder, color=self.color, dpi=self.dpi,
                           area_mm=self.area_mm, extra_options=dict(self.extra_options))


DEFAULT_PRESETS = (
    ScanPreset("id_card", "Giấy tờ tùy thân", True, 300, (90.0, 60.0)),
    ScanPreset("text", "Văn bản", False, 200, A4_MM),
    ScanPreset("color", "Ảnh màu", True, 200, A4_MM),
)
DEFAULT_DOCUMENT_TYPES = ("CCCD", "Giấy khai sinh", "Đơn đề nghị")


@dataclass(frozen=True)
class ScannerSettings:
    device: str = ""  # "" = the first real scanner found
    test_scanner_fallback: bool = False  # no real scanner: use SANE's test scanner
    hang_timeout_s: float = 60.0
    stall_notice_s: float = 8.0  # no word for this long during a scan: "the scanner is slow"
    detect_blank_pages: bool = True
    presets: tuple[ScanPreset, ...] = DEFAULT_PRESETS
    document_types: tuple[str, ...] = DEFAULT_DOCUMENT_TYPES
    output: OutputSettings = field(default_factory=OutputSettings)


TEST_DEVICE = "test:0"


def choose_device(found: list[DeviceInfo], configured: str) -> DeviceInfo | None:
    """The configured device if present, else the first real scanner (never a virtual one)."""
    if configured:
        return next((d for d in found if d.id == configured), None)
    return next((d for d in found if not d.is_virtual), None)


def settings_from_config(section) -> ScannerSettings:
    """ScannerSettings from the config's [scanner] section (kiosk_app.config.ScannerSection)."""
    presets = tuple(
        ScanPreset(p.key, p.label, p.color, p.dpi, (p.width_mm, p.height_mm)) for p in section.presets
    ) or DEFAULT_PRESETS
    return ScannerSettings(
        device=section.device,
        test_scanner_fallback=section.test_scanner_fallback,
        hang_timeout_s=float(section.hang_timeout_s),
        stall_notice_s=float(section.stall_notice_s),
        detect_blank_pages=section.detect_blank_pages,
        presets=presets,
        document_types=tuple(section.document_types) or DEFAULT_DOCUMENT_TYPES,
        output=OutputSettings(
            size_budget_bytes=int(section.size_budget_mb * 1024 * 1024),
            jpeg_quality=section.jpeg_quality,
            min_dpi=section.min_dpi,
            single_page_jpeg=section.single_page_jpeg,
        ),
    )
