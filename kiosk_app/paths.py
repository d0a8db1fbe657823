"""Every directory and file the kiosk touches, in one place."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


APP_NAME = "kiosk"


def _bundle_root() -> Path:
    # A PyInstaller bundle unpacks next to sys._MEIPASS; a checkout has the package's parent.
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


BUNDLE_ROOT = _bundle_root()
PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
FONTS_DIR = RESOURCES_DIR / "fonts"
DEFAULT_CONFIG_FILE = BUNDLE_ROOT / "config" / "default.toml"
VIDEOS_DIR = BUNDLE_ROOT / "videos"
SANE_CONFIG_DIR = BUNDLE_ROOT / "config" / "sane"


def default_data_dir() -> Path:
    # An installed kiosk (installer/linux) sets KIOSK_DATA_DIR for the kiosk and kiosk-admin.
    if os.environ.get("KIOSK_DATA_DIR"):
        return Path(os.environ["KIOSK_DATA_DIR"])
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    """The kiosk's own settings file, overriding config/default.toml."""
    if os.environ.get("KIOSK_CONFIG"):
        return Path(os.environ["KIOSK_CONFIG"])
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "kiosk.toml"


@dataclass(frozen=True)
class KioskPaths:
    """The data directory and what lives under it."""

    data_dir: Path
    temporary: bool = False

    @property
    def db_file(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def sessions_dir(self) -> Path:
        """Working folders of running sessions; each is deleted when its session ends."""
        return self.data_dir / "sessions"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    def session_dir(self, session_id: str) -> Path:
        return self.sessions_dir / session_id

    def ensure(self) -> None:
        """Create the directories; raises OSError when the data dir cannot be written."""
        for d in (self.data_dir, self.sessions_dir, self.backups_dir, self.logs_dir):
            d.mkdir(parents=True, exist_ok=True)
        probe = self.data_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()

    @classmethod
    def temporary_dir(cls) -> "KioskPaths":
        return cls(Path(tempfile.mkdtemp(prefix="kiosk-data-")), temporary=True)

    def cleanup(self) -> None:
        if self.temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)
