"""Reading a guide's SRT subtitles in the encodings Vietnamese files come in, for VLC as UTF-8."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Tried in this order: UTF-8 (a BOM is dropped), then Windows-1258, what Vietnamese files made
# on Windows usually are (its tone marks are combining characters: the text is made NFC).
ENCODINGS = ("utf-8-sig", "cp1258")
_CUE_TIMING = re.compile(r"\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}")


def decode_srt(data: bytes) -> tuple[str, str] | None:
    """(text in NFC, encoding it was read as), or None when it is no SRT in a known encoding."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\0" in text or not _CUE_TIMING.search(text):
            return None  # decodes, but is no subtitle file (binary, or no cue at all)
        return unicodedata.normalize("NFC", text), encoding
    return None


def subtitles_for_vlc(subtitles: Path, folder: Path) -> Path | None:
    """The file to hand VLC: `subtitles` itself when it is UTF-8, else a UTF-8 copy in
    `folder`; None when it cannot be read or decoded (the resident gets no subtitle button)."""
    try:
        data = Path(subtitles).read_bytes()
    except OSError:
        return None
    decoded = decode_srt(data)
    if decoded is None:
        return None
    text, encoding = decoded
    if encoding == "utf-8-sig" and text.encode("utf-8") in (data, data[3:]):
        return Path(subtitles)
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / (Path(subtitles).stem + ".utf8.srt")
    copy.write_text(text, encoding="utf-8")
    return copy


def problem_with_subtitles(subtitles: Path) -> str | None:
    """What `kiosk-admin check` says about a subtitle file that exists, or None when it is fine."""
    try:
        data = Path(subtitles).read_bytes()
    except OSError as exc:
        return f"subtitle file {subtitles} cannot be read ({exc.strerror or exc})"
    if decode_srt(data) is None:
        return (f"subtitle file {subtitles} is not an SRT file in UTF-8 or Windows-1258: "
                "save it as UTF-8 SRT")
    return None
