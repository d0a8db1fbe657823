"""The guide library: reading and checking the manifest, and the pure step decisions."""

from __future__ import annotations

import bisect
import fnmatch
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from kiosk_app.videos.subtitles import problem_with_subtitles

MANIFEST_NAME = "manifest.toml"
SUPPORTED_VERSION = 1
# Longest titles (characters) that still fit a guide tile and a step button at 1366x768, and the
# longest description of a guide; a longer one is a problem of its entry (see videos/manifest.toml).
TITLE_MAX = 60
DESCRIPTION_MAX = 200


class ManifestError(ValueError):
    """The manifest cannot be used; the message names the file and the entry."""

    def __init__(self, path: Path, entry: str, problem: str):
        self.path = path
        self.entry = entry
        self.problem = problem
        super().__init__(f"{path}: {entry}: {problem}")


@dataclass(frozen=True)
class Step:
    title: str
    start: float
    end: float | None = None
    url_patterns: tuple[str, ...] = ()
    title_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    id: str
    title: str
    description: str
    video: Path
    subtitles: Path | None
    thumbnail: Path | None
    steps: tuple[Step, ...]
    entry: str = ""  # where it is in the manifest, e.g. "guides[1] (id=im-lang)"

    def step_end(self, index: int) -> float | None:
        """Where step `index` stops: its own end, else the next step's start, else the video's end."""
        step = self.steps[index]
        if step.end is not None:
            return step.end
        if index + 1 < len(self.steps):
            return self.steps[index + 1].start
        return None


@dataclass(frozen=True)
class GuideLibrary:
    manifest: Path
    guides: tuple[Guide, ...] = field(default_factory=tuple)
    problems: tuple[ManifestError, ...] = ()  # why the guides left out were left out
    left_out: tuple[Guide, ...] = ()  # what could be read of them (a missing field is None)

    def guide(self, guide_id: str) -> Guide | None:
        return next((g for g in self.guides if g.id == guide_id), None)


@dataclass(frozen=True)
class StepRef:
    guide_id: str
    step_index: int


# ---------------------------------------------------------------- reading the manifest


def parse_time(value: object, path: Path, entry: str) -> float:
    """Seconds from a number or from "m:ss" / "h:mm:ss(.fff)" text."""
    if isinstance(value, bool):
        raise ManifestError(path, entry, f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+(:\d{1,2}){1,2}(\.\d+)?", value.strip()):
        seconds = 0.0
        for part in value.strip().split(":"):
            seconds = seconds * 60 + float(part)
    else:
        raise ManifestError(path, entry, f"not a time: {value!r} (use seconds or m:ss)")
    if seconds < 0:
        raise ManifestError(path, entry, f"negative time: {value!r}")
    return seconds


def _text(table: dict, key: str, path: Path, entry: str, required: bool = True,
          limit: int | None = None) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise ManifestError(path, entry, f"missing key '{key}'")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(path, entry, f"'{key}' must be non-empty text")
    text = unicodedata.normalize("NFC", value.strip())
    if limit is not None and len(text) > limit:
        raise ManifestError(path, entry, f"'{key}' is {len(text)} characters long, at most {limit} fit on screen")
    return text


def _patterns(table: dict, key: str, path: Path, entry: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise ManifestError(path, entry, f"'{key}' must be a list of texts")
    return tuple(unicodedata.normalize("NFC", p.strip()) for p in value)


def _file(table: dict, key: str, base: Path, path: Path, entry: str, required: bool) -> Path | None:
    name = _text(table, key, path, entry, required)
    if name is None:
        return None
    return (base / name).resolve()


def _start(table: dict, path: Path, entry: str) -> float:
    if "start" not in table:
        raise ManifestError(path, entry, "missing key 'start'")
    return parse_time(table["start"], path, entry + ".start")


def _collect(problems: list[ManifestError], read, *args, **kwargs):
    """`read(*args)`, or None with its problem added to `problems`: one run finds them all."""
    try:
        return read(*args, **kwargs)
    except ManifestError as exc:
        problems.append(exc)
        return None


def _step(table: object, path: Path, entry: str, problems: list[ManifestError]) -> Step | None:
    if not isinstance(table, dict):
        problems.append(ManifestError(path, entry, "each step must be a [[guides.steps]] table"))
        return None
    found = len(problems)
    start = _collect(problems, _start, table, path, entry)
    end = _collect(problems, parse_time, table["end"], path, entry + ".end") if "end" in table else None
    if start is not None and end is not None and end <= start:
        problems.append(ManifestError(path, entry, f"'end' ({end:g}) must come after 'start' ({start:g})"))
    title = _collect(problems, _text, table, "title", path, entry, limit=TITLE_MAX)
    url_patterns = _collect(problems, _patterns, table, "url_patterns", path, entry)
    title_patterns = _collect(problems, _patterns, table, "title_patterns", path, entry)
    if len(problems) > found:
        return None
    return Step(title=title, start=start, end=end, url_patterns=url_patterns, title_patterns=title_patterns)


def _guide(table: object, base: Path, path: Path, entry: str,
           problems: list[ManifestError]) -> tuple[Guide | None, bool]:
    """The guide of one [[guides]] entry and whether it is usable; its problems go to `problems`."""
    if not isinstance(table, dict):
        problems.append(ManifestError(path, entry, "each guide must be a [[guides]] table"))
        return None, False
    found = len(problems)
    guide_id = _collect(problems, _text, table, "id", path, entry)
    if guide_id is not None:
        if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", guide_id):
            entry = f"{entry} (id={guide_id})"
        else:
            problems.append(ManifestError(path, entry, f"id '{guide_id}' may hold only a-z, 0-9, '-' and '_'"))
    raw_steps = table.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append(ManifestError(path, entry, "needs at least one [[guides.steps]]"))
        raw_steps = []
    steps = [_step(s, path, f"{entry}.steps[{i}]", problems) for i, s in enumerate(raw_steps)]
    # The order is checked on every start that reads as a time, whatever else is wrong in a step.
    starts = [_collect([], _start, s, path, entry) if isinstance(s, dict) else None for s in raw_steps]
    for i in range(1, len(starts)):
        if starts[i] is not None and starts[i - 1] is not None and starts[i] <= starts[i - 1]:
            problems.append(ManifestError(path, f"{entry}.steps[{i}]",
                                          f"'start' ({starts[i]:g}) must come after the previous step's "
                                          f"({starts[i - 1]:g})"))
    fields = {
        "title": _collect(problems, _text, table, "title", path, entry, limit=TITLE_MAX),
        "description": _collect(problems, _text, table, "description", path, entry, required=False,
                                limit=DESCRIPTION_MAX) or "",
        "video": _collect(problems, _file, table, "video", base, path, entry, required=True),
        "subtitles": _collect(problems, _file, table, "subtitles", base, path, entry, required=False),
        "thumbnail": _collect(problems, _file, table, "thumbnail", base, path, entry, required=False),
    }
    # A guide with problems is still returned, for check_library to look at the files it names.
    return Guide(id=guide_id or "", steps=tuple(s for s in steps if s is not None), entry=entry, **fields), \
        len(problems) == found


def load_library(manifest: Path) -> GuideLibrary:
    """Read and validate a manifest. Media files are not opened here (see check_library).

    A guide with any problem is left out and its problems kept in `problems`, so one bad entry
    does not hide the others. Raises ManifestError only when the file as a whole is unusable.
    """
    manifest = Path(manifest)
    try:
        raw = manifest.read_bytes()
    except OSError as exc:
        raise ManifestError(manifest, "file", f"cannot be read ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(manifest, "file", "is not UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(manifest, "file", f"is not valid TOML: {exc}") from exc
    version = data.get("version", SUPPORTED_VERSION)
    if version != SUPPORTED_VERSION:
        raise ManifestError(manifest, "version", f"version {version!r} is not supported (expected {SUPPORTED_VERSION})")
    raw_guides = data.get("guides")
    if not isinstance(raw_guides, list) or not raw_guides:
        raise ManifestError(manifest, "guides", "needs at least one [[guides]]")
    base = manifest.resolve().parent
    guides: list[Guide] = []
    left_out: list[Guide] = []
    problems: list[ManifestError] = []
    for i, table in enumerate(raw_guides):
        guide, usable = _guide(table, base, manifest, f"guides[{i}]", problems)
        if usable and any(g.id == guide.id for g in guides):
            problems.append(ManifestError(manifest, f"guides[{i}]", f"id '{guide.id}' is used twice"))
        elif usable:
            guides.append(guide)
            continue
        if guide is not None:
            left_out.append(guide)
    return GuideLibrary(manifest=manifest, guides=tuple(guides), problems=tuple(problems), left_out=tuple(left_out))


# ---------------------------------------------------------------- checks for kiosk-admin


def check_library(manifest: Path, probe=None) -> list[str]:
    """Every problem an administrator should fix, one line each; empty when all is well.

    `probe(path) -> dict` may inspect a media file (e.g. media_probe.probe_media) and return
    {"error": str|None, "has_video": bool, "has_audio": bool, "duration": float|None}.
    """
    try:
        library = load_library(manifest)
    except ManifestError as exc:
        return [str(exc)]
    problems: list[str] = [str(p) for p in library.problems]
    for guide in library.guides + library.left_out:
        where = f"{library.manifest}: {guide.entry}"
        if guide.video is None:  # already among the manifest's problems
            continue
        if not guide.video.is_file():
            problems.append(f"{where}: video file {guide.video} does not exist")
        elif probe is not None:
            info = probe(guide.video)
            if info.get("error"):
                problems.append(f"{where}: video {guide.video} cannot be played: {info['error']}")
            else:
                if not info.get("has_video"):
                    problems.append(f"{where}: {guide.video} has no picture")
                if not info.get("has_audio"):
                    problems.append(f"{where}: video {guide.video} has no sound")
                duration = info.get("duration")
                if duration:
                    for j, step in enumerate(guide.steps):
                        if step.start >= duration:
                            problems.append(f"{where}.steps[{j}]: starts at {step.start:g} s, "
                                            f"after the video ends ({duration:g} s)")
        if guide.subtitles is None:
            problems.append(f"{where}: no subtitles (key 'subtitles')")
        elif not guide.subtitles.is_file():
            problems.append(f"{where}: subtitle file {guide.subtitles} does not exist")
        elif (problem := problem_with_subtitles(guide.subtitles)) is not None:
            problems.append(f"{where}: {problem}")
        if guide.thumbnail is not None and not guide.thumbnail.is_file():
            problems.append(f"{where}: thumbnail {guide.thumbnail} does not exist")
    return problems


# ---------------------------------------------------------------- pure step decisions


def step_index_at(guide: Guide, seconds: float) -> int:
    """The step playing at `seconds`: the last one that has started (the first before any)."""
    starts = [s.start for s in guide.steps]
    return max(0, bisect.bisect_right(starts, seconds + 1e-6) - 1)


def _fold(text: str) -> str:
    """Lower case without diacritics, so patterns match typed text with or without accents."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def _url_key(url: str) -> str:
    """The URL as patterns see it: no scheme, no "www.", no trailing slash, folded."""
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", unquote(url).strip(), flags=re.I)
    url = re.sub(r"^www\.", "", url, flags=re.I)
    return _fold(url.rstrip("/"))


def _matches(patterns: tuple[str, ...], text: str, substring: bool) -> int:
    """Length of the longest pattern matching `text` (a glob, case and accent blind); 0 if none.

    With `substring`, a pattern without wildcards may match anywhere in the text.
    """
    best = 0
    for pattern in patterns:
        glob = _url_key(pattern) if not substring else _fold(pattern)
        if substring and not any(c in glob for c in "*?["):
            glob = f"*{glob}*"
        if fnmatch.fnmatchcase(text, glob):
            best = max(best, len(pattern))
    return best


def step_for_page(library: GuideLibrary, url: str, title: str = "") -> StepRef | None:
    """The guide step that explains the portal page at `url` with `title`, or None.

    Patterns are shell-style globs, blind to case and diacritics. A URL pattern matches the
    whole URL without its scheme, "www." and trailing slash ("dichvucong.gov.vn/p/home/*");
    a title pattern without wildcards matches anywhere in the title. A step matching both
    beats one matching either; among equals the longest (most specific) pattern wins, then
    manifest order.
    """
    url = _url_key(url or "")
    title = _fold(title or "")
    best: tuple[int, int] | None = None
    found: StepRef | None = None
    for guide in library.guides:
        for index, step in enumerate(guide.steps):
            by_url = _matches(step.url_patterns, url, substring=False) if url else 0
            by_title = _matches(step.title_patterns, title, substring=True) if title else 0
            if not (by_url or by_title):
                continue
            score = (int(bool(by_url)) + int(bool(by_title)), by_url + by_title)
            if best is None or score > best:
                best, found = score, StepRef(guide.id, index)
    return found
