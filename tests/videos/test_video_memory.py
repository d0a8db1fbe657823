"""Playing guide after guide must not make the kiosk grow (libvlc on X11, in its own process)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.videos.malloc import MALLOC_ARENA_MAX

CHILD = Path(__file__).with_name("memory_child.py")
ROOT = CHILD.parents[2]
PLAYS = 20
# Before the arena cap and the trim after each stop the kiosk grew by 10-20 MB per 720p play;
# after them, a few MB in all.
# The margin is wide on purpose: this catches growth with every play, not a few MB of noise.
GROWTH_ALLOWED_MB = 40


@pytest.fixture(scope="module")
def video_720p(tmp_path_factory) -> Path:
    video = tmp_path_factory.mktemp("memory") / "moving-720p.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=3",
                    "-f", "lavfi", "-i", "sine=f=440:d=3", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(video)], check=True)
    return video


def test_many_plays_leave_memory_flat(xvfb_display, video_720p):
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
    env.pop("MALLOC_ARENA_MAX", None)  # the player itself must set the cap
    proc = subprocess.run([sys.executable, str(CHILD), str(video_720p), str(PLAYS)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rss = {r["plays"]: r["rss_mb"] for r in map(json.loads, proc.stdout.splitlines())}
    arenas = len(re.findall(r"^Arena \d+:", proc.stderr, flags=re.M))
    # The player caps the arenas when it starts libvlc; one made by a thread of Qt's in the same
    # instant may slip in (the kiosk's start-up and its launcher set the cap earlier still).
    assert 1 <= arenas <= MALLOC_ARENA_MAX + 1, (arenas, rss)
    assert rss[PLAYS] - rss[5] <= GROWTH_ALLOWED_MB, rss
