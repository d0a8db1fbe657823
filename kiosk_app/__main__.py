"""`kiosk`: arguments → paths → logging → config → app.run()."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk_app import __version__
from kiosk_app.paths import KioskPaths, default_config_file, default_data_dir

START_SCREENS = ("home", "menu", "guides", "scan", "portal")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kiosk", description="Commune self-filing kiosk.")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--data-dir", type=Path, help="where the session log and working folders live")
    where.add_argument("--temp-data-dir", action="store_true",
                       help="use a throwaway data directory, deleted at exit")
    p.add_argument("--config", type=Path, help="the kiosk's own settings file (overrides config/default.toml)")
    p.add_argument("--windowed", action="store_true", help="a normal window, for development")
    p.add_argument("--log-json", metavar="FILE", help="write events as JSON lines to FILE ('-' for stderr)")
    p.add_argument("--start-screen", choices=START_SCREENS, default="home",
                   help="start a session directly on this screen (demonstrations, tests)")
    p.add_argument("--practice", nargs="?", const="on", choices=("on", "off", "when-offline"),
                   help="the bundled practice portal (CHẾ ĐỘ LUYỆN TẬP) instead of the real one; "
                        "'when-offline': only if the real portal cannot be reached (overrides portal.practice)")
    p.add_argument("--log-layout", action="store_true", help=argparse.SUPPRESS)  # tests, benchmarks: ui.layout
    p.add_argument("--verbose", action="store_true", help="debug logging")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from kiosk_app.videos.malloc import cap_malloc_arenas

    cap_malloc_arenas()  # before any thread starts (see videos/malloc.py); kiosk-session also sets it
    args = parse_args(argv)
    if args.temp_data_dir:
        paths = KioskPaths.temporary_dir()
    else:
        paths = KioskPaths(args.data_dir or default_data_dir())
    from kiosk_app.logs import setup_logging

    setup_logging(args.log_json, None if paths.temporary else paths.logs_dir, args.verbose)
    config_file = args.config
    if config_file is None and default_config_file().exists():
        config_file = default_config_file()
    from kiosk_app.app import Options, run

    try:
        return run(paths, config_file, Options(windowed=args.windowed, start_screen=args.start_screen,
                                                 practice=args.practice, log_layout=args.log_layout))
    finally:
        paths.cleanup()


if __name__ == "__main__":
    sys.exit(main())
