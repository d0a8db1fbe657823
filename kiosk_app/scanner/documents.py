"""Finished documents: pages → one PDF (and a JPEG when asked) in the session's folder.

Each page is JPEG-encoded once from its raw pixels and embedded in the PDF as-is by img2pdf
(no second encode). When a document would exceed the size budget, quality and then
resolution step down, again from the raw pixels, and the result says so.
The portal's file picker lists what is here through session_documents().
"""

from __future__ import annotations

import errno
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

from .pages import Page
from .protocol import MM_PER_INCH, Fault, ScanError

DOCUMENTS_FOLDER = "documents"
DOCUMENT_SUFFIXES = (".pdf", ".jpg")
_PT_PER_MM = 72.0 / MM_PER_INCH
_PAGE_OVERHEAD = 1024  # bytes of PDF structure per page, for estimates


@dataclass(frozen=True)
class OutputSettings:
    size_budget_bytes: int = 3 * 1024 * 1024
    jpeg_quality: int = 85
    min_quality: int = 50
    min_dpi: int = 100  # resolution never steps below this
    single_page_jpeg: bool = False


@dataclass(frozen=True)
class EncodeStep:
    quality: int
    scale: float  # 1.0 = scanned resolution


@dataclass(frozen=True)
class DocumentResult:
    pdf: Path
    jpeg: Path | None
    size: int  # bytes of the PDF
    pages: int
    step: EncodeStep
    reduced: bool  # quality or resolution was stepped down to fit the budget
    over_budget: bool  # still too big at the lowest step


def documents_dir(work_dir: str | os.PathLike) -> Path:
    return Path(work_dir) / DOCUMENTS_FOLDER


def session_documents(work_dir: str | os.PathLike) -> list[Path]:
    """Finished documents of the session, oldest first (what the portal's picker offers)."""
    folder = documents_dir(work_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def document_filename(name: str, taken: set[str], suffix: str = ".pdf") -> str:
    """A safe, readable file name for a document named by the resident.

    Diacritics are folded to ASCII (portals differ in how they treat non-ASCII names);
    a name already used gets " (2)", " (3)"...
    """
    text = unicodedata.normalize("NFC", name).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9 _.-]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" .-_")[:60] or "tai-lieu"
    base = text.replace(" ", "_")
    candidate, n = base, 1
    while (candidate + suffix).lower() in {t.lower() for t in taken}:
        n += 1
        candidate = f"{base}_({n})"
    return candidate + suffix


def budget_steps(settings: OutputSettings, dpi: int) -> list[EncodeStep]:
    """Encodings to try in order, best first, until one fits the size budget.

    Quality steps down first (cheap for legibility), then resolution, never below min_dpi.
    """
    top, low = settings.jpeg_quality, min(settings.min_quality, settings.jpeg_quality)
    qualities = sorted({q for q in (top, 75, 65) if low <= q <= top}, reverse=True)
    steps = [EncodeStep(q, 1.0) for q in qualities]
    mid = qualities[-1]
    for scale in (0.75, 0.5):
        if dpi * scale >= settings.min_dpi:
            steps.append(EncodeStep(mid, scale))
    if low < mid:
        steps.append(EncodeStep(low, steps[-1].scale))
    return steps


def encode_page(image: Image.Image, dpi: int, step: EncodeStep) -> bytes:
    """One JPEG encode of raw pixels (after an optional downscale)."""
    from PIL import Image  # imported at the first document, not at start-up

    if step.scale != 1.0:
        size = (max(1, round(image.width * step.scale)), max(1, round(image.height * step.scale)))
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        dpi = round(dpi * step.scale)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=step.quality, dpi=(dpi, dpi))
    return buf.getvalue()


def pdf_from_jpegs(jpegs: list[bytes], page_sizes_mm: list[tuple[float, float]]) -> bytes:
    """Embed the JPEGs unchanged, each on a page of its physical size (A4 stays A4 at any dpi)."""
    import img2pdf  # ~0.1 s of imports (pikepdf): paid at the first document, not at start-up

    sizes = iter([(w * _PT_PER_MM, h * _PT_PER_MM) for w, h in page_sizes_mm])

    def layout(_width_px, _height_px, _ndpi):
        # img2pdf asks once per image, in order.
        width, height = next(sizes)
        return width, height, width, height

    return img2pdf.convert(jpegs, layout_fun=layout)


def render_document(images: list[tuple[Image.Image, int]], sizes_mm, settings: OutputSettings):
    """Encode pages and build the PDF bytes, stepping down until the budget holds.

    Returns (pdf bytes, first page's JPEG, step, reduced, over_budget).
    """
    steps = budget_steps(settings, min(dpi for _, dpi in images))
    for i, step in enumerate(steps):
        jpegs = [encode_page(image, dpi, step) for image, dpi in images]
        estimate = sum(len(j) for j in jpegs) + _PAGE_OVERHEAD * len(jpegs)
        if estimate > settings.size_budget_bytes and i < len(steps) - 1:
            continue
        pdf = pdf_from_jpegs(jpegs, sizes_mm)
        over = len(pdf) > settings.size_budget_bytes
        if over and i < len(steps) - 1:
            continue
        return pdf, jpegs[0], step, i > 0, over
    raise AssertionError("budget_steps() is never empty")


def write_document(pages: list[Page], work_dir, name: str, settings: OutputSettings) -> DocumentResult:
    """Save the pages as one document in the session's documents folder.

    Raises ScanError(Fault.DISK_FULL) when the disk is full; nothing half-written is left.
    """
    if not pages:
        raise ValueError("a document needs at least one page")
    images = [(page.load(), page.file.dpi) for page in pages]
    sizes = [page.area_mm for page in pages]
    pdf, first_jpeg, step, reduced, over = render_document(images, sizes, settings)
    folder = documents_dir(work_dir)
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        taken = {p.name for p in folder.iterdir()}
        pdf_path = folder / document_filename(name, taken, ".pdf")
        _write_atomic(pdf_path, pdf)
        written.append(pdf_path)
        jpeg_path = None
        if settings.single_page_jpeg and len(pages) == 1:
            jpeg_path = folder / document_filename(name, taken | {pdf_path.name}, ".jpg")
            _write_atomic(jpeg_path, first_jpeg)
            written.append(jpeg_path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        fault = Fault.DISK_FULL if exc.errno in (errno.ENOSPC, errno.EDQUOT) else Fault.OTHER
        raise ScanError(fault, f"writing document: {exc.strerror}") from None
    return DocumentResult(pdf_path, jpeg_path, len(pdf), len(pages), step, reduced, over)


def _write_atomic(path: Path, data: bytes) -> None:
    # The picker must never offer a half-written file: write aside, then rename.
    tmp = path.with_name("." + path.name + ".part")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
