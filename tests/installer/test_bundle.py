"""The one-folder PyInstaller bundle: built from the checkout, then started like on a machine
without Python (no PYTHONPATH, run from another folder) until it logs app.ready."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


def open_to_all(prefix: str) -> Path:
    """A folder other users can read (pytest's own temporary folders are root's alone), as the
    kiosk user must read the installed program."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


@pytest.fixture(scope="session")
def bundle() -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[bundle]')")
    out = open_to_all("kiosk-bundle-test-")
    try:
        proc = subprocess.run([sys.executable, str(ROOT / "installer/build_bundle.py"), "--dist", str(out / "dist"),
                               "--work", str(out / "work")], capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield out / "dist" / "kiosk"
    finally:
        shutil.rmtree(out, ignore_errors=True)


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
    vlc_line = next(line for line in lines if line.startswith("OK    libvlc: libvlc 3.")), proc.stdout
    if sorted((ROOT / "videos").glob("*.mp4")):  # the bundled guide videos play with the machine's libvlc
        assert "; plays " in vlc_line[0], proc.stdout
    assert any(line.startswith("FAIL  installation: no installed kiosk found") for line in lines)
    assert proc.returncode == 1


@pytest.mark.bundle
@pytest.mark.skipif(os.geteuid() != 0 or not (shutil.which("cage") and shutil.which("Xwayland")),
                    reason="needs root (to run as another user), cage and Xwayland")
def test_the_installed_session_runs_the_bundle_in_cage_and_pings_systemd(ki, bundle):
    """What kiosk.service runs, run here: the unit's ExecStart (cage, on wlroots' headless backend
    since there is no seat) as an unprivileged user, the session script, the bundle on Xwayland;
    the kiosk reaches app.ready and pings the watchdog through NOTIFY_SOCKET."""
    base = open_to_all("kiosk-cage-test-")
    try:
        layout = ki.Layout(prefix=base / "opt", etc=base / "etc", home=base / "home", user="nobody")
        (base / "opt/current/bin").mkdir(parents=True)
        (base / "opt/current/bin/kiosk").symlink_to(bundle / "kiosk")  # as install.sh --bundle links it
        (base / "etc").mkdir()
        (base / "etc/kiosk.toml").write_text(ki.render("kiosk.toml", layout, KIOSK_ID="cage-test", COMMUNE="UBND xã"))
        for d in (base / "home/data", base / "run"):
            d.mkdir(parents=True)
            shutil.chown(d, "nobody")
        (base / "run").chmod(0o700)
        session = layout.session_script
        session.write_text(ki.render("kiosk-session", layout))
        session.chmod(0o755)
        unit = ki.render("kiosk.service", layout)
        exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart=")).split("=", 1)[1]

        notify_path = base / "notify"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(notify_path))
        notify_path.chmod(0o777)
        sock.settimeout(0.2)
        stderr_file = base / "stderr.txt"
        env = {"PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": str(base / "run"), "WLR_BACKENDS": "headless",
               "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_RENDERER": "pixman", "NOTIFY_SOCKET": str(notify_path),
               "WATCHDOG_USEC": "3000000", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
        cmd = ["runuser", "-u", "nobody", "--", "env", *[f"{k}={v}" for k, v in env.items()], *exec_start.split()]
        proc = subprocess.Popen(cmd, cwd=base, stdout=subprocess.DEVNULL, stderr=open(stderr_file, "wb"),
                                start_new_session=True)
        messages: list[str] = []
        try:
            def seen(what: str):
                assert proc.poll() is None, stderr_file.read_text(errors="replace")[-3000:]
                try:
                    messages.append(sock.recv(4096).decode())
                except TimeoutError:
                    pass
                return what in stderr_file.read_text(errors="replace") or any(what in m for m in messages)

            wait_until(lambda: seen('"event": "app.ready"'), timeout=120, what="app.ready inside cage")
            wait_until(lambda: seen("WATCHDOG=1"), timeout=60, what="a watchdog ping from inside cage")
            assert messages[0].startswith("READY=1")
            assert '"data_dir": "' + str(base / "home/data") in stderr_file.read_text()
            look_at_the_kiosk_in_cage(proc.pid, base / "home/data")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
            sock.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def look_at_the_kiosk_in_cage(session_id: int, folder: Path) -> None:
    """The kiosk's window fills cage's output and shows the home screen (primary blue button)."""
    from PIL import Image

    xwayland = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _in_session(p, session_id)
                and (p / "comm").read_text().strip() == "Xwayland"]
    assert xwayland, "cage started no Xwayland"
    display = next(a for a in (xwayland[0] / "cmdline").read_bytes().decode().split("\0") if a.startswith(":"))
    as_kiosk = ["runuser", "-u", "nobody", "--", "env", f"DISPLAY={display}"]
    tree = subprocess.run(as_kiosk + ["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                          timeout=30).stdout
    window = next(line.split()[0] for line in tree.splitlines() if "Kiosk" in line and '("kiosk"' in line)
    shot = folder / "cage.png"
    subprocess.run(as_kiosk + ["import", "-window", window, str(shot)], check=True, timeout=60)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 720)  # the whole of wlroots' headless output
    blue = dict((color, n) for n, color in image.getcolors(image.width * image.height)).get((0x0B, 0x4F, 0x9C), 0)
    assert blue > image.width * image.height * 0.05, "the home screen's button is not on screen"


def _in_session(proc_dir: Path, session_id: int) -> bool:
    try:
        return os.getsid(int(proc_dir.name)) == session_id
    except (ProcessLookupError, PermissionError):
        return False
