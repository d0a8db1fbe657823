"""Pages → PDF: page sizes, JPEG embedded as-is, the size budget, disk full, the listing."""

import errno
import io
import os
import re

import img2pdf
import pytest
from PIL import Image

from kiosk_app.scanner import documents
from kiosk_app.scanner.documents import (
    OutputSettings,
    encode_page,
    session_documents,
    write_document,
)
from kiosk_app.scanner.pages import Page
from kiosk_app.scanner.protocol import Fault, PageFile, ScanError

A4_PT = (595.276, 841.89)


def _page(tmp_path, name, dpi, area_mm=(210.0, 297.0), mode="RGB", noise=True) -> Page:
    size = (round(area_mm[0] / 25.4 * dpi), round(area_mm[1] / 25.4 * dpi))
    image = Image.effect_noise(size, 50).convert(mode) if noise else Image.new(mode, size, "white")
    path = tmp_path / f"{name}.pnm"
    image.save(path, format="PPM")
    return Page(PageFile(str(path), dpi, mode == "RGB", size, area_mm))


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in
            re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)]


@pytest.mark.parametrize("dpi", [50, 75, 150])
def test_a4_is_a4_at_any_resolution(tmp_path, dpi):
    result = write_document([_page(tmp_path, "p", dpi)], tmp_path, "Văn bản", OutputSettings())
    (w, h), = _page_sizes(result.pdf.read_bytes())
    assert abs(w - A4_PT[0]) < 0.5 and abs(h - A4_PT[1]) < 0.5


def test_rotated_and_id_card_pages_keep_their_physical_size(tmp_path):
    a4 = _page(tmp_path, "a4", 75)
    card = _page(tmp_path, "card", 150, area_mm=(85.6, 54.0))
    pages = [Page(a4.file, rotation=90), card]
    result = write_document(pages, tmp_path, "CCCD", OutputSettings())
    sizes = _page_sizes(result.pdf.read_bytes())
    assert abs(sizes[0][0] - A4_PT[1]) < 0.5 and abs(sizes[0][1] - A4_PT[0]) < 0.5
    assert abs(sizes[1][0] - 85.6 * 72 / 25.4) < 0.5 and abs(sizes[1][1] - 54.0 * 72 / 25.4) < 0.5
    assert result.pages == 2


def test_each_page_is_embedded_without_a_second_encode(tmp_path):
    page = _page(tmp_path, "p", 75)
    result = write_document([page], tmp_path, "Đơn", OutputSettings(jpeg_quality=80))
    jpeg = encode_page(page.load(), 75, result.step)
    assert jpeg in result.pdf.read_bytes()  # the very bytes of one encode
    assert Image.open(io.BytesIO(jpeg)).info["dpi"] == (75, 75)


def test_over_budget_steps_down_and_says_so(tmp_path):
    pages = [_page(tmp_path, f"p{i}", 150) for i in range(2)]
    roomy = write_document(pages, tmp_path, "a", OutputSettings(size_budget_bytes=50_000_000))
    assert not roomy.reduced and roomy.step.quality == 85
    budget = roomy.size // 3
    tight = write_document(pages, tmp_path, "b", OutputSettings(size_budget_bytes=budget))
    assert tight.reduced and not tight.over_budget
    assert tight.size <= budget == OutputSettings(size_budget_bytes=budget).size_budget_bytes
    assert (tight.step.quality, tight.step.scale) < (85, 1.0)
    # Smaller resolution must keep the page A4.
    for w, h in _page_sizes(tight.pdf.read_bytes()):
        assert abs(w - A4_PT[0]) < 0.5 and abs(h - A4_PT[1]) < 0.5
    hopeless = write_document(pages, tmp_path, "c", OutputSettings(size_budget_bytes=1000))
    assert hopeless.reduced and hopeless.over_budget and hopeless.pdf.exists()


def test_single_page_jpeg_when_asked(tmp_path):
    page = _page(tmp_path, "p", 75)
    result = write_document([page], tmp_path, "Ảnh", OutputSettings(single_page_jpeg=True))
    assert result.jpeg is not None and result.jpeg.read_bytes()[:2] == b"\xff\xd8"
    two = write_document([page, page], tmp_path, "Ảnh", OutputSettings(single_page_jpeg=True))
    assert two.jpeg is None
    assert [p.name for p in session_documents(tmp_path)] == ["Anh.pdf", "Anh.jpg", "Anh_(2).pdf"]


def test_listing_offers_only_finished_documents(tmp_path):
    assert session_documents(tmp_path) == []
    folder = documents.documents_dir(tmp_path)
    folder.mkdir()
    (folder / ".CCCD.pdf.part").write_bytes(b"half")
    (folder / "notes.txt").write_text("x")
    assert session_documents(tmp_path) == []
    write_document([_page(tmp_path, "p", 50)], tmp_path, "CCCD", OutputSettings())
    assert [p.name for p in session_documents(tmp_path)] == ["CCCD.pdf"]


def test_disk_full_leaves_nothing_half_written(tmp_path, monkeypatch):
    page = _page(tmp_path, "p", 50)
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith(".jpg"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(documents.os, "replace", full)
    with pytest.raises(ScanError) as caught:
        write_document([page], tmp_path, "CCCD", OutputSettings(single_page_jpeg=True))
    assert caught.value.fault is Fault.DISK_FULL
    assert list(documents.documents_dir(tmp_path).iterdir()) == []
    assert os.path.exists(page.file.path)  # the scanned page is kept for another try


def test_img2pdf_is_the_embedder():
    # Guard for pdf_from_jpegs(): img2pdf must call layout_fun once per image, in order.
    jpegs = [encode_page(Image.new("L", (10, 10 + i)), 72, documents.EncodeStep(80, 1.0))
             for i in range(3)]
    pdf = documents.pdf_from_jpegs(jpegs, [(10, 20), (30, 40), (50, 60)])
    sizes = _page_sizes(pdf)
    assert [round(w / 72 * 25.4) for w, _ in sizes] == [10, 30, 50]
    assert img2pdf.__version__


def test_disk_full_on_a_real_small_disk(tmp_path, tiny_disk):
    page = _page(tmp_path, "p", 150)  # about 600 KB of JPEG: more than the disk holds
    with pytest.raises(ScanError) as caught:
        write_document([page], tiny_disk, "CCCD", OutputSettings())
    assert caught.value.fault is Fault.DISK_FULL
    assert session_documents(tiny_disk) == [] and not list(tiny_disk.rglob("*.part"))
