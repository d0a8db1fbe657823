"""Page tools and blank-page detection on synthetic pages."""

from pathlib import Path

from PIL import Image, ImageDraw

from kiosk_app.scanner.pages import Page, PageList, ink_fraction, is_blank
from kiosk_app.scanner.protocol import PageFile


def _page(tmp_path: Path, name: str, size=(60, 80), color="white") -> Page:
    path = tmp_path / f"{name}.pnm"
    Image.new("RGB", size, color).save(path, format="PPM")
    return Page(PageFile(str(path), 75, True, size, (210.0, 297.0)))


def test_add_move_rotate_replace_delete(tmp_path):
    pages = PageList()
    a, b, c = (_page(tmp_path, n) for n in "abc")
    for p in (a, b, c):
        pages.add(p)
    assert pages.add(_page(tmp_path, "first"), at=0) == 0
    assert [Path(p.file.path).stem for p in pages.pages] == ["first", "a", "b", "c"]
    pages.move(3, 1)
    assert [Path(p.file.path).stem for p in pages.pages] == ["first", "c", "a", "b"]
    pages.rotate(1)
    pages.rotate(1)
    pages.rotate(2, -90)
    assert [p.rotation for p in pages.pages] == [0, 180, 270, 0]
    assert pages[2].area_mm == (297.0, 210.0)
    assert pages[2].load().size == (80, 60)
    new = _page(tmp_path, "rescan")
    pages.replace(3, new)
    assert pages[3] == new and not Path(b.file.path).exists()
    pages.delete(0)
    assert len(pages) == 3 and not (tmp_path / "first.pnm").exists()
    detached = pages.detach()
    assert len(detached) == 3 and len(pages) == 0


def test_blank_pages_are_found_and_removed(tmp_path):
    pages = PageList()
    pages.add(_page(tmp_path, "blank"))
    pages.add(Page(_page(tmp_path, "text").file, blank=False))
    pages.add(Page(_page(tmp_path, "blank2").file, blank=True))
    pages.rotate(2)
    assert pages.blank_indices() == [2]
    assert pages.remove_blank() == 1
    assert len(pages) == 2


def _text_page(size=(1654, 2339)) -> Image.Image:
    image = Image.new("L", size, 245)
    draw = ImageDraw.Draw(image)
    for line in range(12):  # a short letter: twelve lines of "text" strokes
        y = 300 + line * 60
        for x in range(200, 1400, 40):
            draw.rectangle((x, y, x + 25, y + 22), fill=30)
    return image


def test_blank_detection_on_paper_noise_text_and_dark_pages():
    paper = Image.effect_noise((1654, 2339), 8).point(lambda v: min(255, v + 110))
    assert is_blank(paper)
    edge_shadow = paper.copy()
    ImageDraw.Draw(edge_shadow).rectangle((0, 0, 40, 2339), fill=0)  # feeder edge shadow
    assert is_blank(edge_shadow)
    assert not is_blank(_text_page())
    assert ink_fraction(_text_page()) > 0.05
    one_line = Image.new("L", (1654, 2339), 250)
    ImageDraw.Draw(one_line).rectangle((300, 1000, 1300, 1030), fill=20)  # a signature line
    assert not is_blank(one_line)
    assert not is_blank(Image.new("L", (200, 300), 0))  # solid black is not empty paper
