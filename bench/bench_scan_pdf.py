"""Scanned page → finished PDF, beside one bare Pillow JPEG encode of the same pixels.

    .venv/bin/python bench/bench_scan_pdf.py [--runs 7]

For an A4 page at 200 dpi colour and at 300 dpi grayscale (a drawn letter: Vietnamese text
lines, a red stamp, paper grain), times alternately in the same run, medians:
- bare:   Image.save(JPEG, quality 85) into memory — the one encode that cannot be avoided;
- kiosk:  documents.render_document() — encode + img2pdf wrapping, into memory;
- kiosk+disk: documents.write_document() from the raw page file the scan process writes
  (read the PNM, encode, wrap, write and fsync the PDF);
and the bytes per page of the PDF against those of the JPEG. The goal is a ratio near 1×:
no pixel work done twice.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk_app.paths import FONTS_DIR  # noqa: E402
from kiosk_app.scanner.documents import OutputSettings, render_document, write_document  # noqa: E402
from kiosk_app.scanner.pages import Page  # noqa: E402
from kiosk_app.scanner.protocol import PageFile  # noqa: E402

A4_MM = (210.0, 297.0)
LINE = "Kính gửi: Ủy ban nhân dân xã. Tôi tên là Nguyễn Văn An, sinh ngày 01/01/1960, đề nghị"


def letter_page(dpi: int, color: bool) -> Image.Image:
    """A typed letter on slightly grey paper, with scanner grain."""
    size = (round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi))
    page = Image.new("RGB", size, (246, 245, 240))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONTS_DIR / "NotoSans-Regular.ttf"), round(11 / 72 * dpi))
    margin, step = round(dpi * 0.8), round(dpi * 0.22)
    for i, y in enumerate(range(margin, size[1] - margin, step)):
        draw.text((margin, y), LINE[: 40 + (i * 7) % 50], fill=(25, 25, 30), font=font)
    r = round(dpi * 0.7)
    cx, cy = size[0] - margin - r, size[1] - margin - r
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 30), width=max(2, dpi // 40))
    grain = Image.effect_noise(size, 6).convert("RGB")
    page = Image.blend(page, grain, 0.04)
    return page if color else page.convert("L")


def timed(fn, runs_out: list[float]):
    start = time.perf_counter()
    result = fn()
    runs_out.append(time.perf_counter() - start)
    return result


def bench_case(label: str, dpi: int, color: bool, runs: int, folder: Path) -> dict:
    image = letter_page(dpi, color)
    raw = folder / f"{label}.pnm"
    image.save(raw, format="PPM")  # what the scan process hands over
    settings = OutputSettings(size_budget_bytes=50 * 1024 * 1024)  # measure the first step only
    page = Page(PageFile(str(raw), dpi, color, image.size, A4_MM))

    def bare():
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=settings.jpeg_quality, dpi=(dpi, dpi))
        return buf.getvalue()

    bare_t, kiosk_t, disk_t = [], [], []
    bare()  # warm up: imports, allocator
    render_document([(image, dpi)], [A4_MM], settings)
    for i in range(runs):
        jpeg = timed(bare, bare_t)
        pdf = timed(lambda: render_document([(image, dpi)], [A4_MM], settings)[0], kiosk_t)
        timed(lambda: write_document([page], folder / f"out{i}", label, settings), disk_t)
    return {
        "case": label, "pixels": image.size,
        "bare": statistics.median(bare_t), "kiosk": statistics.median(kiosk_t),
        "disk": statistics.median(disk_t), "jpeg_bytes": len(jpeg), "pdf_bytes": len(pdf),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench_case("A4 200 dpi colour", 200, True, args.runs, Path(tmp)),
                bench_case("A4 300 dpi gray", 300, False, args.runs, Path(tmp))]
    print(f"runs: {args.runs} (medians)")
    print("| case | pixels | bare JPEG encode | kiosk page→PDF | ratio | kiosk file→PDF on disk | ratio "
          "| JPEG bytes | PDF bytes | PDF/JPEG |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        w, h = r["pixels"]
        print(f"| {r['case']} | {w}×{h} | {r['bare'] * 1000:.0f} ms | {r['kiosk'] * 1000:.0f} ms "
              f"| {r['kiosk'] / r['bare']:.2f}× | {r['disk'] * 1000:.0f} ms | {r['disk'] / r['bare']:.2f}× "
              f"| {r['jpeg_bytes'] / 1024:.0f} KB | {r['pdf_bytes'] / 1024:.0f} KB "
              f"| {r['pdf_bytes'] / r['jpeg_bytes']:.3f} |")


if __name__ == "__main__":
    main()
