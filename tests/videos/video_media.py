"""Media for the guide tests: a three-colour test pattern with a tone, its subtitles and manifest."""

from __future__ import annotations

import subprocess
from pathlib import Path

# The test pattern: one solid colour per step, so a screenshot tells which step is on screen.
STEP_S = 1.5
COLOURS = (("red", (255, 0, 0)), ("lime", (0, 255, 0)), ("blue", (0, 0, 255)))
VLC_TEST_ARGS = ("--quiet", "--vout=dummy", "--aout=dummy", "--no-video-title-show", "--no-osd",
                 "--no-sub-autodetect-file")

MANIFEST = """
version = 1

[[guides]]
id = "mau"
title = "Video mẫu ba màu"
description = "Đỏ, xanh lá, xanh dương."
video = "pattern.mp4"
subtitles = "pattern.srt"

[[guides.steps]]
title = "Màu đỏ"
start = 0

[[guides.steps]]
title = "Màu xanh lá"
start = 1.5
url_patterns = ["example.test/xanh-la*"]

[[guides.steps]]
title = "Màu xanh dương"
start = "0:03"
title_patterns = ["Xanh dương"]

[[guides]]
id = "im-lang"
title = "Video không tiếng"
description = "Không có âm thanh."
video = "silent.mp4"

[[guides.steps]]
title = "Một bước"
start = 0
"""

SRT = """1
00:00:00,600 --> 00:00:01,400
Bước một: màu đỏ.

2
00:00:01,600 --> 00:00:02,900
Bước hai: màu xanh lá.
"""


def make_pattern(path: Path, audio: bool = True, size: str = "320x180") -> Path:
    inputs = []
    for name, _ in COLOURS:
        inputs += ["-f", "lavfi", "-i", f"color=c={name}:s={size}:r=10:d={STEP_S}"]
    audio_args = ["-f", "lavfi", "-i", f"sine=f=440:d={STEP_S * 3}"] if audio else []
    maps = ["-map", "[v]"] + (["-map", "3", "-c:a", "aac", "-b:a", "32k", "-ac", "1"] if audio else [])
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, *audio_args, "-filter_complex",
                    "[0][1][2]concat=n=3:v=1:a=0,format=yuv420p[v]", *maps,
                    "-c:v", "libx264", "-g", "5", "-t", str(STEP_S * 3), str(path)], check=True)
    return path


def make_tone(path: Path, seconds: float = 3.0) -> Path:
    """Sound and no picture: a guide whose video area libvlc never draws into."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=f=440:d={seconds}",
                    "-c:a", "aac", "-b:a", "32k", str(path)], check=True)
    return path


def one_guide_manifest(video: str, starts=(0,)) -> str:
    """A manifest with one guide, id "mot", playing `video` with a step at each of `starts`."""
    steps = "".join(f'\n[[guides.steps]]\ntitle = "Bước {i + 1}"\nstart = {s}\n' for i, s in enumerate(starts))
    return f'version = 1\n\n[[guides]]\nid = "mot"\ntitle = "Một video"\nvideo = "{video}"\n{steps}'


def make_png(path: Path) -> Path:
    """A PNG picture under whatever name is given (an administrator's mistake: "video.mp4")."""
    from PIL import Image

    Image.new("RGB", (320, 180), (255, 0, 0)).save(path, format="PNG")
    return path
