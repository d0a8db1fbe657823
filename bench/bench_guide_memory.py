"""Kiosk memory over many guide plays, beside bare python-vlc doing the same in the same run.

    .venv/bin/python bench/bench_guide_memory.py [--plays 200] [--play-s 3] [--size 1280x720]
        [--sides kiosk,bare-reused,bare-per-play] [--env MALLOC_ARENA_MAX=2]

Each side runs in its own process on one X server ($DISPLAY, or a private Xvfb) with Qt's xcb
platform and libvlc's real X11 video output (audio to --aout=dummy), as the installed kiosk:

- kiosk:          the real kiosk in-process (malloc arenas capped first thing, as `kiosk`
                  starts): touch the guide's tile, play, touch "back" (the
                  player screen's leave()), again and again;
- bare-reused:    one vlc.Instance and one MediaPlayer for every play, a new Media per play;
- bare-per-play:  a new vlc.Instance and MediaPlayer per play, released after it;
- kiosk-unfixed:  (only when asked for) the kiosk without its malloc arena cap and trim, as it was.

Each prints its resident set size (VmRSS) after 1, 10, 30, 100, 200 plays (those not above
--plays are left out). `--env NAME=VALUE` sets a variable in the children's environment before
they start: MALLOC_ARENA_MAX=2 caps the bare sides too; MALLOC_ARENA_MAX=16 (glibc's own limit on
two cores) shows the kiosk as it was before it capped its arenas (the kiosk leaves a value found
in the environment alone).
The test media (a moving test pattern with a tone) is made with ffmpeg in a temporary folder.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHECKPOINTS = (1, 10, 30, 100, 200)
SIDES = ("kiosk", "bare-reused", "bare-per-play")
ALL_SIDES = SIDES + ("kiosk-unfixed",)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_media(folder: Path, size: str, seconds: float) -> Path:
    """A moving test pattern (so every frame is decoded for real) with a tone, H.264 + AAC."""
    video = folder / f"pattern-{size}.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s={size}:r=25:d={seconds}",
                    "-f", "lavfi", "-i", f"sine=f=440:d={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-shortest", str(video)], check=True)
    manifest = folder / "manifest.toml"
    manifest.write_text(f'version = 1\n\n[[guides]]\nid = "bench"\ntitle = "Bench"\nvideo = "{video.name}"\n\n'
                        '[[guides.steps]]\ntitle = "One"\nstart = 0\n', encoding="utf-8")
    return manifest


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def report(plays: int) -> None:
    if plays in CHECKPOINTS:
        print(json.dumps({"plays": plays, "rss_mb": round(rss_mb(), 1)}), flush=True)


def run_kiosk(app, manifest: Path, plays: int, play_s: float) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from kiosk_app.app import Kiosk, Options
    from kiosk_app.config import load_config
    from kiosk_app.paths import KioskPaths

    cfg = load_config()
    cfg = dataclasses.replace(cfg, videos=dataclasses.replace(cfg.videos, manifest=str(manifest),
                                                              pause_after_step=False, extra_vlc_args=["--aout=dummy"]))
    paths = KioskPaths.temporary_dir()
    paths.ensure()
    kiosk = Kiosk(cfg, paths, Options(windowed=False, start_screen="guides"))
    kiosk.start()
    settle(app, 1.0)
    print(json.dumps({"plays": 0, "rss_mb": round(rss_mb(), 1)}), flush=True)
    try:
        for n in range(1, plays + 1):
            kiosk.nav.go("guides")
            QTest.mouseClick(kiosk.guides.list_screen.tiles["bench"], Qt.MouseButton.LeftButton)
            settle(app, play_s)
            kiosk.nav.screen("guide_player").leave()
            settle(app, 0.2)
            report(n)
    finally:
        kiosk.shutdown()
        paths.cleanup()


def run_bare(app, video: Path, plays: int, play_s: float, reuse: bool) -> None:
    import vlc
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    window.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
    window.resize(960, 540)
    window.show()
    settle(app, 1.0)
    print(json.dumps({"plays": 0, "rss_mb": round(rss_mb(), 1)}), flush=True)
    args = ["--quiet", "--aout=dummy", "--no-video-title-show"]
    instance = player = None
    for n in range(1, plays + 1):
        if instance is None:
            instance = vlc.Instance(args)
            player = instance.media_player_new()
            player.set_xwindow(int(window.winId()))
        media = instance.media_new_path(str(video))
        player.set_media(media)
        media.release()
        player.play()
        settle(app, play_s)
        player.stop()
        if not reuse:
            player.release()
            instance.release()
            instance = player = None
        settle(app, 0.2)
        report(n)
    if instance is not None:
        player.release()
        instance.release()
    window.close()


def child(args) -> int:
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if args.child == "kiosk":
        from kiosk_app.videos.malloc import cap_malloc_arenas

        cap_malloc_arenas()  # first thing, as kiosk_app.__main__ does
    elif args.child == "kiosk-unfixed":
        from kiosk_app.videos import vlc_player

        vlc_player.cap_malloc_arenas = vlc_player.trim_malloc = lambda: None
    from PySide6.QtWidgets import QApplication

    from kiosk_app.app import prepare_qt

    prepare_qt()
    app = QApplication(sys.argv[:1])
    manifest = Path(args.manifest)
    if args.child.startswith("kiosk"):
        run_kiosk(app, manifest, args.plays, args.play_s)
    else:
        from kiosk_app.videos.library import load_library

        video = load_library(manifest).guides[0].video
        run_bare(app, video, args.plays, args.play_s, reuse=args.child == "bare-reused")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=int, default=200)
    parser.add_argument("--play-s", type=float, default=3.0, help="seconds each guide plays before 'back'")
    parser.add_argument("--size", default="1280x720", help="picture size of the generated video")
    parser.add_argument("--sides", default=",".join(SIDES))
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the children")
    parser.add_argument("--child", choices=ALL_SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    from bench_video_first_frame import ensure_display

    xvfb = ensure_display()
    env = dict(os.environ)
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    results: dict[str, dict[int, float]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-guide-memory-") as tmp:
            manifest = make_media(Path(tmp), args.size, max(10.0, args.play_s + 2))
            for side in args.sides.split(","):
                proc = subprocess.run([sys.executable, __file__, "--child", side, "--manifest", str(manifest),
                                       "--plays", str(args.plays), "--play-s", str(args.play_s)],
                                      env=env, capture_output=True, text=True)
                rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
                results[side] = {r["plays"]: r["rss_mb"] for r in rows}
                if proc.returncode != 0:
                    print(f"{side} failed ({proc.returncode}):\n{proc.stderr[-2000:]}", file=sys.stderr)
                print(f"{side}: {results[side]}", file=sys.stderr, flush=True)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    points = [0] + [c for c in CHECKPOINTS if c <= args.plays]
    print(f"video {args.size}, {args.play_s:g} s per play; env: {' '.join(args.env) or '(none)'}")
    print("| side | " + " | ".join(f"after {p}" for p in points) + " | after last / after 10 |")
    print("| --- " * (len(points) + 2) + "|")
    for side, rss in results.items():
        cells = [f"{rss[p]:.0f} MB" if p in rss else "—" for p in points]
        last = rss.get(points[-1])
        ratio = f"{last / rss[10]:.2f}×" if last and rss.get(10) else "—"
        print(f"| {side} | " + " | ".join(cells) + f" | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
