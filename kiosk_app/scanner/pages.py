"""Pages of the document being assembled, the page tools, and blank-page detection."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

from .protocol import PageFile

# A page is blank when almost nothing on it is clearly darker than its paper.
BLANK_INK_FRACTION = 0.0015
_INK_CONTRAST = 60
_SAMPLE_WIDTH = 400
_MARGIN = 0.05  # feeder scans have shadows at the edges


@dataclass(frozen=True)
class Page:
    file: PageFile
    rotation: int = 0  # clockwise, 0/90/180/270
    blank: bool = False

    def load(self) -> Image.Image:
        """The page's pixels, rotated as the resident set them."""
        from PIL import Image

        image = Image.open(self.file.path)
        image.load()
        return rotate_image(image, self.rotation)

    @property
    def area_mm(self) -> tuple[float, float]:
        w, h = self.file.area_mm
        return (h, w) if self.rotation % 180 else (w, h)


def rotate_image(image: Image.Image, rotation: int) -> Image.Image:
    from PIL import Image

    # Quarter turns are exact pixel moves: nothing is resampled.
    turn = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_90}.get(rotation % 360)
    return image.transpose(turn) if turn is not None else image


def ink_fraction(image: Image.Image) -> float:
    """Share of the page (margins excluded) clearly darker than the paper."""
    from PIL import Image

    gray = image if image.mode == "L" else image.convert("L")
    w, h = gray.size
    mx, my = int(w * _MARGIN), int(h * _MARGIN)
    gray = gray.crop((mx, my, w - mx, h - my))
    if gray.width > _SAMPLE_WIDTH:
        # Nearest-neighbour sampling keeps the share of ink unbiased (no smearing of strokes).
        scale = _SAMPLE_WIDTH / gray.width
        gray = gray.resize((_SAMPLE_WIDTH, max(1, int(gray.height * scale))), Image.Resampling.NEAREST)
    hist = gray.histogram()
    total = sum(hist)
    if total == 0:
        return 0.0
    # Paper brightness: the level that the brightest 10% of the page reaches.
    seen, paper = 0, 255
    for level in range(255, -1, -1):
        seen += hist[level]
        if seen >= total * 0.1:
            paper = level
            break
    if paper < 128:
        return 1.0  # a dark page is not blank paper
    return sum(hist[: max(0, paper - _INK_CONTRAST)]) / total


def is_blank(image: Image.Image, threshold: float = BLANK_INK_FRACTION) -> bool:
    return ink_fraction(image) < threshold


def page_from_file(file: PageFile, detect_blank: bool) -> Page:
    from PIL import Image

    blank = False
    if detect_blank:
        with Image.open(file.path) as image:
            blank = is_blank(image)
    return Page(file=file, blank=blank)


def discard(page: Page | None) -> None:
    if page is not None:
        Path(page.file.path).unlink(missing_ok=True)


class PageList:
    """The ordered pages of one document, with the resident's page tools."""

    def __init__(self) -> None:
        self._pages: list[Page] = []

    def __len__(self) -> int:
        return len(self._pages)

    def __getitem__(self, index: int) -> Page:
        return self._pages[index]

    @property
    def pages(self) -> tuple[Page, ...]:
        return tuple(self._pages)

    def add(self, page: Page, at: int | None = None) -> int:
        if at is None or at >= len(self._pages):
            self._pages.append(page)
            return len(self._pages) - 1
        self._pages.insert(at, page)
        return at

    def delete(self, index: int) -> None:
        discard(self.take(index))

    def take(self, index: int) -> Page:
        """Remove a page from the list but keep its file (so it can be put back)."""
        return self._pages.pop(index)

    def move(self, index: int, to: int) -> None:
        page = self._pages.pop(index)
        self._pages.insert(max(0, min(to, len(self._pages))), page)

    def rotate(self, index: int, degrees: int = 90) -> None:
        page = self._pages[index]
        self._pages[index] = replace(page, rotation=(page.rotation + degrees) % 360)

    def replace(self, index: int, page: Page) -> None:
        """Put a rescanned page in place of the old one."""
        old = self._pages[index]
        self._pages[index] = page
        if old.file.path != page.file.path:
            Path(old.file.path).unlink(missing_ok=True)

    def blank_indices(self) -> list[int]:
        return [i for i, p in enumerate(self._pages) if p.blank]

    def remove_blank(self) -> int:
        indices = self.blank_indices()
        for i in reversed(indices):
            self.delete(i)
        return len(indices)

    def detach(self) -> list[Page]:
        """Hand the pages over (to the writer) and start empty."""
        pages, self._pages = self._pages, []
        return pages

    def clear(self) -> None:
        for page in self._pages:
            Path(page.file.path).unlink(missing_ok=True)
        self._pages = []
