"""What every `kiosk-admin` command needs: the kiosk's folders and config file from the
arguments, and its database opened (created or migrated)."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk_app.paths import KioskPaths, default_config_file, default_data_dir


def paths_from(args) -> KioskPaths:
    return KioskPaths(args.data_dir or default_data_dir())


def config_file_from(args) -> Path | None:
    if args.config:
        return args.config
    return default_config_file() if default_config_file().exists() else None


def open_store(paths: KioskPaths):
    """The kiosk's database (created or migrated), or None after printing why not."""
    try:
        paths.ensure()
    except OSError as exc:
        print(f"Cannot write the data directory {paths.data_dir}: {exc}", file=sys.stderr)
        return None
    from kiosk_app.storage.session_store import SessionStore

    store, problem = SessionStore.open(paths.db_file, paths.backups_dir)
    if not store.available:
        print(f"Cannot open the database: {problem}", file=sys.stderr)
        return None
    return store
