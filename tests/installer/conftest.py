"""Installer test set-up: the installer module, and small stand-in bundles to install.

A stand-in bundle has the layout of dist/kiosk (kiosk, kiosk-admin, BUNDLE-INFO.json) but its
programs start the kiosk from this checkout with the test's Python: installing, upgrading and
rolling back run for real in seconds. The real PyInstaller bundle is tested in test_bundle.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_installer():
    spec = importlib.util.spec_from_file_location("kiosk_install", ROOT / "installer/linux/kiosk_install.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["kiosk_install"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def ki():
    return _load_installer()


def write_program(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def make_bundle(tmp_path):
    """make_bundle(version, works=True) -> a stand-in bundle folder."""

    def make(version: str, works: bool = True) -> Path:
        bundle = tmp_path / f"bundle-{version}-{'ok' if works else 'broken'}"
        bundle.mkdir(exist_ok=True)
        env = f'PYTHONPATH="{ROOT}" QTWEBENGINE_DISABLE_SANDBOX=1 exec "{sys.executable}"'
        if works:
            write_program(bundle / "kiosk", f'{env} -m kiosk_app "$@"')
        else:
            write_program(bundle / "kiosk", 'echo "ImportError: this version is broken" >&2\nexit 3')
        write_program(bundle / "kiosk-admin", f'{env} -m kiosk_app.admin.cli "$@"')
        (bundle / "BUNDLE-INFO.json").write_text(json.dumps({"version": version}), encoding="utf-8")
        return bundle

    return make


@pytest.fixture
def install(ki, tmp_path):
    """install(*args) runs the installer into tmp_path/root; returns (exit code, output, root)."""
    root = tmp_path / "root"

    def run(*args: str):
        lines: list[str] = []
        argv = ["--root", str(root), "--skip-packages", "--ready-timeout", "90", *args]
        try:
            code = ki.make_installer(ki.parse_args(argv), out=lines.append).run()
        except ki.InstallError as exc:
            lines.append(f"Nothing was changed: {exc}")
            code = 2
        return code, "\n".join(lines), root

    return run


def recorded(root: Path) -> list[str]:
    log = root / "var/log/kiosk-install-commands.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def env_without_display() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    return env
