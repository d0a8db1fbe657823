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


# Used only when the settings list no preset at all: one A4 colour page, a safe choice for any
# paper. The usual presets and document names live in config/default.toml, nowhere else.
FALLBACK_PRESET = ScanPreset("a4", "Giấy tờ", True, 200, A4_MM)


@dataclass(frozen=True)
class Paper:
    """One paper a procedure needs: its document name and the preset (key) that scans it."""

    name: str
    preset: str


@dataclass(frozen=True)
class ProcedurePapers:
    code: str
    name: str
    papers: tuple[Paper, ...]


@dataclass(frozen=True)
class ScannerSettings:
    device: str = ""  # "" = the first real scanner found
    test_scanner_fallback: bool = False  # no real scanner: use SANE's test scanner
    hang_timeout_s: float = 60.0
    stall_notice_s: float = 8.0  # no word for this long during a scan: "the scanner is slow"
    detect_blank_pages: bool = True
    presets: tuple[ScanPreset, ...] = (FALLBACK_PRESET,)
    document_types: tuple[str, ...] = ()
    procedures: tuple[ProcedurePapers, ...] = ()  # those with a list of papers
    output: OutputSettings = field(default_factory=OutputSettings)


TEST_DEVICE = "test:0"


def choose_device(found: list[DeviceInfo], configured: str) -> DeviceInfo | None:
    """The configured device if present, else the first real scanner (never a virtual one)."""
    if configured:
        return next((d for d in found if d.id == configured), None)
    return next((d for d in found if not d.is_virtual), None)


def preset_by_key(presets: tuple[ScanPreset, ...], key: str) -> ScanPreset:
    return next((p for p in presets if p.key == key), presets[0])


def papers_for(procedures: tuple[ProcedurePapers, ...], code: str | None) -> ProcedurePapers | None:
    return next((p for p in procedures if p.code == code), None) if code else None


def settings_from_config(section, procedures=()) -> ScannerSettings:
    """ScannerSettings from the config's [scanner] section (kiosk_app.config.ScannerSection) and
    the procedures of [guided] (code and name), joined with `section.procedure_papers`."""
    presets = tuple(
        ScanPreset(p.key, p.label, p.color, p.dpi, (p.width_mm, p.height_mm)) for p in section.presets
    ) or (FALLBACK_PRESET,)
    names = {p.code: p.name for p in procedures}
    with_papers = tuple(
        ProcedurePapers(pp.procedure, names[pp.procedure], tuple(Paper(x.name, x.preset) for x in pp.papers))
        for pp in section.procedure_papers if pp.procedure in names and pp.papers)
    return ScannerSettings(
        device=section.device,
        test_scanner_fallback=section.test_scanner_fallback,
        hang_timeout_s=float(section.hang_timeout_s),
        stall_notice_s=float(section.stall_notice_s),
        detect_blank_pages=section.detect_blank_pages,
        presets=presets,
        document_types=tuple(section.document_types),
        procedures=with_papers,
        output=OutputSettings(
            size_budget_bytes=int(section.size_budget_mb * 1024 * 1024),
            jpeg_quality=section.jpeg_quality,
            min_dpi=section.min_dpi,
            single_page_jpeg=section.single_page_jpeg,
        ),
    )
