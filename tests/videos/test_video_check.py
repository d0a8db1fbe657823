"""`kiosk-admin check` on the guide library, with libvlc looking into the files."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

from kiosk_app.admin.checks import CheckContext, check_videos
from kiosk_app.config import load_config
from kiosk_app.videos.media_probe import MediaProbe

ROOT = Path(__file__).resolve().parents[2]


def context(kiosk_paths, manifest: str) -> CheckContext:
    cfg = load_config()
    return CheckContext(kiosk_paths, dataclasses.replace(cfg, videos=dataclasses.replace(cfg.videos, manifest=manifest)))


def test_the_bundled_library_passes(kiosk_paths):
    check = check_videos(context(kiosk_paths, ""))
    assert check.ok, check.detail
    assert check.detail.endswith("3 guides, 27 steps")


def test_probe_tells_picture_sound_and_length(media_dir):
    probe = MediaProbe()
    try:
        good, silent, broken = (probe(media_dir / n) for n in ("pattern.mp4", "silent.mp4", "corrupt.mp4"))
    finally:
        probe.close()
    assert good["error"] is None and good["has_video"] and good["has_audio"] and 4.0 < good["duration"] < 5.0
    assert silent["has_video"] and not silent["has_audio"]
    assert broken.get("error") or not broken["has_video"]


def test_a_broken_library_is_reported_entry_by_entry(kiosk_paths, library_dir):
    manifest = library_dir / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("pattern.mp4", "corrupt.mp4"), encoding="utf-8")
    check = check_videos(context(kiosk_paths, str(manifest)))
    assert not check.ok
    lines = check.detail.splitlines()
    assert any("id=mau" in line and "corrupt.mp4" in line for line in lines)
    assert any("id=im-lang" in line and "has no sound" in line for line in lines)
    assert any("id=im-lang" in line and "no subtitles" in line for line in lines)


def test_kiosk_admin_check_prints_the_videos_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "check", "--data-dir", str(tmp_path / "d")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "OK   videos: " in run.stdout, run.stdout + run.stderr
