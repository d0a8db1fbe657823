"""The one-folder PyInstaller bundle: built from the checkout, then started like on a machine
without Python (no PYTHONPATH, run from another folder) until it logs app.ready."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tests.installer.conftest import ROOT

sys.path.insert(0, str(ROOT / "installer" / "bundle"))
import bundle_data  # noqa: E402


def test_data_folders_are_taken_whole_and_a_missing_one_is_skipped(tmp_path):
    (tmp_path / "config/sane").mkdir(parents=True)
    (tmp_path / "config/default.toml").write_text("")
    (tmp_path / "config/sane/dll.conf").write_text("test\n")
    (tmp_path / "videos/build").mkdir(parents=True)
    (tmp_path / "videos/manifest.json").write_text("{}")
    (tmp_path / "videos/build/frame-0001.png").write_text("")
    (tmp_path / "videos/make_videos.py").write_text("")
    said: list[str] = []
    found = bundle_data.data_files(tmp_path, report=said.append)
    pairs = {(Path(src).relative_to(tmp_path).as_posix(), dest) for src, dest in found}
    assert pairs == {("config/default.toml", "config"), ("config/sane/dll.conf", "config/sane"),
                     ("videos/manifest.json", "videos")}
    assert "bundle: kiosk_app/practice/ does not exist, skipped" in said


def test_libvlc_is_left_to_the_machine():
    assert bundle_data.is_system_media_library("/usr/lib/x86_64-linux-gnu/libvlc.so.5")
    assert bundle_data.is_system_media_library("libvlccore.so.9")
    assert bundle_data.is_system_media_library("C:\\Program Files\\VideoLAN\\VLC\\libvlc.dll")
    assert not bundle_data.is_system_media_library("libQt6WebEngineCore.so.6")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[bundle]')")
    out = tmp_path_factory.mktemp("bundle")
    proc = subprocess.run([sys.executable, str(ROOT / "installer/build_bundle.py"), "--dist", str(out / "dist"),
                           "--work", str(out / "work")], capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / "dist" / "kiosk"


def _bundle_env(display: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "KIOSK_"))}
    env["PATH"] = "/usr/bin:/bin"  # no virtual environment on the way
    if display:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    return env


@pytest.mark.bundle
def test_the_bundle_carries_qtwebengine_fonts_and_data(bundle):
    internal = bundle / "_internal"
    assert (bundle / "kiosk").is_file() and os.readlink(bundle / "kiosk-admin") == "kiosk"
    assert (internal / "PySide6/Qt/libexec/QtWebEngineProcess").is_file()
    assert list((internal / "PySide6/Qt/resources").glob("qtwebengine_resources*.pak"))
    assert list((internal / "kiosk_app/resources/fonts").glob("*.ttf"))
    assert not list(internal.glob("libvlc*")), "a bundled libvlc finds no plugins"
    for src, dest in bundle_data.data_files(ROOT, report=lambda _m: None):
        assert (internal / dest / Path(src).name).is_file(), f"{src} is not in the bundle"
    info = json.loads((bundle / "BUNDLE-INFO.json").read_text())
    assert info["size_bytes"] > 50_000_000 and info["version"]


@pytest.mark.bundle
def test_the_bundled_kiosk_starts_on_a_screen_without_python(bundle, xvfb_display, tmp_path):
    log = tmp_path / "events.jsonl"
    proc = subprocess.Popen([str(bundle / "kiosk"), "--temp-data-dir", "--log-json", str(log)],
                            cwd=tmp_path, env=_bundle_env(xvfb_display), stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "stderr.txt", "wb"))
    try:
        def ready():
            assert proc.poll() is None, (tmp_path / "stderr.txt").read_text(errors="replace")[-2000:]
            return log.exists() and any(json.loads(line)["event"] == "app.ready"
                                        for line in log.read_text().splitlines() if line.strip())
        wait_until(ready, timeout=120, what="app.ready from the bundled kiosk")
        fonts = [json.loads(line) for line in log.read_text().splitlines() if '"app.fonts"' in line]
        assert fonts and "Noto Sans" in fonts[0]["families"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0


@pytest.mark.bundle
def test_the_bundled_admin_command_runs(bundle, tmp_path):
    proc = subprocess.run([str(bundle / "kiosk-admin"), "check", "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, env=_bundle_env(None), cwd=tmp_path, timeout=120)
    assert "OK   config: " + str(bundle / "_internal/config/default.toml") in proc.stdout, proc.stdout + proc.stderr
    assert "cover Vietnamese" in proc.stdout


@pytest.mark.bundle
def test_the_bundled_doctor_finds_its_web_engine_and_the_system_libvlc(bundle, tmp_path):
    proc = subprocess.run([str(bundle / "kiosk-admin"), "doctor", "--root", str(tmp_path), "--data-dir",
                           str(tmp_path / "data")], capture_output=True, text=True, env=_bundle_env(None),
                          cwd=tmp_path, timeout=300)
    lines = proc.stdout.splitlines()
    assert any(line.startswith("OK    web engine: QtWebEngine runs pages") for line in lines), proc.stdout
    assert any(line.startswith("OK    libvlc: libvlc 3.") for line in lines), proc.stdout
    assert any(line.startswith("FAIL  installation: no installed kiosk found") for line in lines)
    assert proc.returncode == 1
