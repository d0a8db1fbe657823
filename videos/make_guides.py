"""Build the bundled guide videos from storyboard.toml: slides, narration, subtitles, manifest.

Usage: python videos/make_guides.py [--out DIR] [--only GUIDE_ID]

Needs Pillow, espeak-ng (Vietnamese voice "vi") and ffmpeg with libx264 and aac. The output is
<id>.mp4 (960x540, 10 fps, H.264 + AAC mono), <id>.srt, <id>.jpg (thumbnail) per guide and
manifest.toml, which an administrator may then edit (e.g. after replacing a video).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
import wave
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WIDTH, HEIGHT, FPS = 960, 540, 10
SUBTITLE_BAND = 100  # the bottom of each slide stays empty for the subtitles
VOICE, SPEED = "vi", 140  # words per minute: slow, for residents new to this
RATE = 22050  # espeak-ng's sample rate
LEAD_IN_S, SENTENCE_GAP_S, STEP_TAIL_S = 0.5, 0.35, 1.5

NAVY, WHITE, INK, GREY, BLUE, RED, PAPER = (
    "#0b3d91", "#ffffff", "#1a1a1a", "#6b6b6b", "#1565c0", "#d50000", "#f4f6fa")


# ---------------------------------------------------------------- fonts


def font_files() -> tuple[Path, Path]:
    """The bundled Vietnamese font when the kiosk ships one, else DejaVu Sans."""
    bundled = REPO / "kiosk_app" / "resources" / "fonts"
    regular = sorted(p for p in bundled.glob("*.ttf") if "Bold" not in p.name and "Italic" not in p.name)
    bold = sorted(p for p in bundled.glob("*Bold.ttf") if "Italic" not in p.name)
    if regular and bold:
        return regular[0], bold[0]
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    return dejavu / "DejaVuSans.ttf", dejavu / "DejaVuSans-Bold.ttf"


class Fonts:
    def __init__(self):
        self.regular_file, self.bold_file = font_files()
        self._cache: dict[tuple[bool, int], ImageFont.FreeTypeFont] = {}

    def get(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (bold, size)
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(str(self.bold_file if bold else self.regular_file), size)
        return self._cache[key]


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


# ---------------------------------------------------------------- slides


@dataclass
class Slide:
    heading: str
    lines: list[str] = field(default_factory=list)
    say: str = ""
    address: str | None = None
    button: str | None = None
    fields: list[str] = field(default_factory=list)
    phone: bool = False

    @property
    def has_mock(self) -> bool:
        return bool(self.address or self.button or self.fields or self.phone)


def draw_header(draw: ImageDraw.ImageDraw, fonts: Fonts, guide_title: str, step_label: str) -> None:
    draw.rectangle((0, 0, WIDTH, 64), fill=NAVY)
    label_font = fonts.get(26, bold=True)
    label_w = label_font.getlength(step_label)
    title_font = fonts.get(24)
    title = wrap(guide_title, title_font, WIDTH - 100 - label_w)[0]
    draw.text((28, 32), title, font=title_font, fill=WHITE, anchor="lm")
    draw.text((WIDTH - 28, 32), step_label, font=label_font, fill=WHITE, anchor="rm")


def draw_mock(draw: ImageDraw.ImageDraw, fonts: Fonts, slide: Slide, box: tuple[int, int, int, int]) -> None:
    """A simplified picture of the screen the resident will see, with the button to touch."""
    x0, y0, x1, y1 = box
    if slide.phone:
        cx = (x0 + x1) // 2
        x0, x1 = cx - 120, cx + 120
        draw.rounded_rectangle((x0, y0, x1, y1), radius=28, fill="#222222")
        x0, y0, x1, y1 = x0 + 12, y0 + 30, x1 - 12, y1 - 30
        draw.rectangle((x0, y0, x1, y1), fill=WHITE)
        draw.text(((x0 + x1) // 2, y0 + 18), "VNeID", font=fonts.get(20, bold=True), fill=RED, anchor="mm")
        y = y0 + 44
    else:
        draw.rectangle((x0, y0, x1, y1), fill=WHITE, outline="#9e9e9e", width=2)
        draw.rectangle((x0, y0, x1, y0 + 40), fill="#e0e0e0")
        if slide.address:
            draw.rounded_rectangle((x0 + 10, y0 + 7, x1 - 10, y0 + 33), radius=12, fill=WHITE)
            draw.text((x0 + 22, y0 + 20), slide.address, font=fonts.get(17), fill=INK, anchor="lm")
        y = y0 + 56
    inner = x1 - x0 - 28
    field_font = fonts.get(15 if slide.phone else 17)
    for name in slide.fields:
        draw.rectangle((x0 + 14, y, x1 - 14, y + 38), outline="#757575", width=2)
        draw.text((x0 + 24, y + 19), wrap(name, field_font, inner - 20)[0], font=field_font, fill=GREY, anchor="lm")
        y += 50
    if slide.button:
        button_font = fonts.get(20, bold=True)
        rows = wrap(slide.button, button_font, inner - 24)
        h = 20 + 26 * len(rows)
        by0, by1 = y + 12, y + 12 + h
        draw.rounded_rectangle((x0 + 14, by0, x1 - 14, by1), radius=10, fill=BLUE)
        for i, row in enumerate(rows):
            draw.text(((x0 + x1) // 2, by0 + 10 + 13 + 26 * i), row, font=button_font, fill=WHITE, anchor="mm")
        draw.ellipse((x0 + 2, by0 - 14, x1 - 2, by1 + 14), outline=RED, width=5)


def render_slide(fonts: Fonts, guide_title: str, step_label: str, slide: Slide) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw_header(draw, fonts, guide_title, step_label)
    text_right = 560 if slide.has_mock else WIDTH - 40
    if slide.has_mock:
        draw_mock(draw, fonts, slide, (590, 92, WIDTH - 36, HEIGHT - SUBTITLE_BAND - 6))
    y = 96
    heading_font = fonts.get(36, bold=True)
    for row in wrap(slide.heading, heading_font, text_right - 40):
        draw.text((40, y), row, font=heading_font, fill=NAVY)
        y += 46
    y += 18
    body_font = fonts.get(28)
    for line in slide.lines:
        rows = wrap(line, body_font, text_right - 80)
        draw.ellipse((44, y + 12, 58, y + 26), fill=BLUE)
        for row in rows:
            draw.text((72, y), row, font=body_font, fill=INK)
            y += 38
        y += 10
    return image


def render_title_card(fonts: Fonts, title: str, description: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)
    draw.text((WIDTH // 2, 70), "VIDEO HƯỚNG DẪN", font=fonts.get(26, bold=True), fill="#ffd54f", anchor="mm")
    y = 130
    for row in wrap(title, fonts.get(52, bold=True), WIDTH - 120):
        draw.text((WIDTH // 2, y), row, font=fonts.get(52, bold=True), fill=WHITE, anchor="ma")
        y += 66
    y += 20
    for row in wrap(description, fonts.get(26), WIDTH - 160):
        draw.text((WIDTH // 2, y), row, font=fonts.get(26), fill="#e3ecff", anchor="ma")
        y += 36
    return image


# ---------------------------------------------------------------- narration


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", nfc(text).strip()) if s.strip()]


def spoken(text: str, speech: dict[str, str]) -> str:
    for written, said in sorted(speech.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(nfc(written), nfc(said))
    return text.replace('"', "")


def synthesize(text: str, workdir: Path) -> bytes:
    """16-bit mono PCM at RATE of `text` read by espeak-ng's Vietnamese voice."""
    out = workdir / "say.wav"
    subprocess.run(["espeak-ng", "-v", VOICE, "-s", str(SPEED), "-w", str(out), text], check=True)
    with wave.open(str(out)) as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE, 1, 2):
            raise SystemExit(f"unexpected espeak-ng output format in {out}")
        return w.readframes(w.getnframes())


class Track:
    """The narration being assembled, with its subtitle cues."""

    def __init__(self):
        self.pcm = io.BytesIO()
        self.cues: list[tuple[float, float, str]] = []

    @property
    def seconds(self) -> float:
        return self.pcm.tell() / 2 / RATE

    def silence(self, seconds: float) -> None:
        self.pcm.write(b"\0\0" * round(seconds * RATE))

    def speak(self, text: str, speech: dict[str, str], workdir: Path) -> None:
        for sentence in sentences(text):
            start = self.seconds
            self.pcm.write(synthesize(spoken(sentence, speech), workdir))
            self.cues.append((start, self.seconds, sentence))
            self.silence(SENTENCE_GAP_S)

    def write_wav(self, path: Path) -> None:
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(self.pcm.getvalue())


def srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(cues: list[tuple[float, float, str]], path: Path) -> None:
    blocks = []
    for i, (start, end, text) in enumerate(cues, 1):
        rows = wrap(text, _SUBTITLE_MEASURE, 46 * 10)  # two short lines read better than one long
        blocks.append(f"{i}\n{srt_time(start)} --> {srt_time(end)}\n" + "\n".join(rows) + "\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


class _CharCount:
    """Measures text in characters (x10) so subtitle lines wrap at about 46 characters."""

    @staticmethod
    def getlength(text: str) -> float:
        return len(text) * 10


_SUBTITLE_MEASURE = _CharCount()


# ---------------------------------------------------------------- a guide


def build_guide(guide: dict, speech: dict[str, str], fonts: Fonts, out: Path, workdir: Path) -> dict:
    """Render one guide; returns its manifest entry."""
    gid, title, description = guide["id"], nfc(guide["title"]), nfc(guide["description"])
    track = Track()
    frames: list[tuple[Path, float]] = []  # (png, seconds on screen)
    steps_out = []
    n = len(guide["steps"])

    def show(image: Image.Image, start: float) -> None:
        png = workdir / f"{gid}-{len(frames):03d}.png"
        image.save(png)
        frames.append((png, start))

    title_card = render_title_card(fonts, title, description)
    show(title_card, 0.0)
    track.silence(LEAD_IN_S)
    track.speak(title + ".", speech, workdir)
    for index, step in enumerate(guide["steps"]):
        step_start = track.seconds
        for raw in step["slides"]:
            slide = Slide(**{k: nfc(v) if isinstance(v, str) else v for k, v in raw.items()})
            slide.lines = [nfc(x) for x in slide.lines]
            slide.fields = [nfc(x) for x in slide.fields]
            show(render_slide(fonts, title, f"Bước {index + 1}/{n}", slide), track.seconds)
            track.silence(LEAD_IN_S)
            track.speak(slide.say, speech, workdir)
        track.silence(STEP_TAIL_S)
        entry = {"title": nfc(step["title"]), "start": round(0.0 if index == 0 else step_start, 2)}
        for key in ("url_patterns", "title_patterns"):
            if step.get(key):
                entry[key] = [nfc(p) for p in step[key]]
        steps_out.append(entry)
    total = track.seconds

    wav = workdir / f"{gid}.wav"
    track.write_wav(wav)
    concat = workdir / f"{gid}.txt"
    rows = []
    for i, (png, start) in enumerate(frames):
        end = frames[i + 1][1] if i + 1 < len(frames) else total
        rows.append(f"file '{png}'\nduration {end - start:.3f}\n")
    rows.append(f"file '{frames[-1][0]}'\n")
    concat.write_text("".join(rows))
    keyframes = ",".join(f"{s['start']:.2f}" for s in steps_out)
    video = out / f"{gid}.mp4"
    subprocess.run([
        "ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(concat), "-i", str(wav),
        "-vf", f"fps={FPS},format=yuv420p", "-c:v", "libx264", "-preset", "slow", "-tune", "stillimage",
        "-crf", "32", "-g", str(FPS * 4), "-force_key_frames", keyframes, "-threads", "1",
        "-c:a", "aac", "-b:a", "24k", "-ac", "1", "-t", f"{total:.3f}",
        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-movflags", "+faststart", str(video)], check=True)
    write_srt(track.cues, out / f"{gid}.srt")
    thumb = title_card.resize((320, 180), Image.LANCZOS)
    thumb.save(out / f"{gid}.jpg", quality=85)
    return {"id": gid, "title": title, "description": description, "video": video.name,
            "subtitles": f"{gid}.srt", "thumbnail": f"{gid}.jpg", "duration": round(total, 2),
            "steps": steps_out}


# ---------------------------------------------------------------- the manifest


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest_text(entries: list[dict], font: Path) -> str:
    out = [
        "# The guide library of the kiosk: one [[guides]] per video, its steps in order.",
        "# Generated by videos/make_guides.py from videos/storyboard.toml (font: " + font.name + ").",
        "# An administrator may replace a video with a real recording and edit this file by hand:",
        "#   video / subtitles (SRT) / thumbnail: file names relative to this folder;",
        "#   steps: title, start (seconds, or \"m:ss\"), optional end; steps in playing order;",
        "#   url_patterns / title_patterns: globs matched (ignoring case and accents) against the",
        "#   portal page, so the portal's \"Hướng dẫn\" button opens the matching step.",
        "#   title: at most 60 characters (guides and steps), description: at most 200;",
        "#   subtitles: UTF-8 (with or without BOM) or Windows-1258.",
        "# A guide with a problem is left out of the list (the others stay); `kiosk-admin check`",
        "# reports every problem with this file and the media it names.",
        "",
        "version = 1",
    ]
    for e in entries:
        out += ["", "[[guides]]"]
        out += [f"{k} = {toml_string(e[k])}" for k in ("id", "title", "description", "video", "subtitles", "thumbnail")]
        out.append(f"# duration: {e['duration']} s")
        for s in e["steps"]:
            out += ["", "[[guides.steps]]", f"title = {toml_string(s['title'])}", f"start = {s['start']}"]
            for key in ("url_patterns", "title_patterns"):
                if key in s:
                    out.append(f"{key} = [" + ", ".join(toml_string(p) for p in s[key]) + "]")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storyboard", type=Path, default=HERE / "storyboard.toml")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--only", help="build one guide (the manifest still lists them all)")
    args = parser.parse_args(argv)
    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            print(f"{tool} is needed", file=sys.stderr)
            return 2
    board = tomllib.loads(args.storyboard.read_text(encoding="utf-8"))
    fonts = Fonts()
    args.out.mkdir(parents=True, exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="guides-") as tmp:
        for guide in board["guides"]:
            if args.only and guide["id"] != args.only:
                continue
            entry = build_guide(guide, board.get("speech", {}), fonts, args.out, Path(tmp))
            print(f"{entry['id']}: {entry['duration']:.1f} s, {len(entry['steps'])} steps", flush=True)
            entries.append(entry)
    if not args.only:
        (args.out / "manifest.toml").write_text(manifest_text(entries, fonts.regular_file), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
