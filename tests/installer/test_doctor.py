"""`kiosk-admin doctor` on an installation made with install.sh --root: healthy, then broken."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT, env_without_display


@pytest.fixture
def portal_url():
    """A loopback web server standing for the portal."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def sane_dir(tmp_path: Path, backends: str) -> Path:
    d = tmp_path / f"sane-{backends or 'none'}"
    d.mkdir()
    (d / "dll.conf").write_text(backends + "\n")
    (d / "test.conf").write_text("")
    return d


def set_portal(root: Path, url: str, extra: str = "") -> None:
    cfg = root / "etc/kiosk/kiosk.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[portal]\nstart_url = "{url}"\n{extra}', encoding="utf-8")


def doctor(root: Path, sane: Path, **extra_env: str) -> tuple[int, str]:
    env = dict(env_without_display(), PYTHONPATH=str(ROOT), SANE_CONFIG_DIR=str(sane), **extra_env)
    env.pop("KIOSK_DATA_DIR", None)
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "doctor", "--root", str(root)],
                          capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def lines_of(out: str) -> dict[str, str]:
    found = {}
    for line in out.splitlines():
        status, _, rest = line.partition("  ")
        name, _, detail = rest.strip().partition(": ")
        if status.strip() in ("OK", "WARN", "FAIL", "SKIP"):
            found[name] = f"{status.strip()} {detail}"
    return found


def test_a_healthy_kiosk(install, make_bundle, portal_url, tmp_path):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0, out
    set_portal(root, portal_url)
    data = root / "var/lib/kiosk/data"
    subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "set-admin-pin", "--pin-stdin", "--data-dir",
                    str(data)], input="4826\n", text=True, check=True, env=env_without_display(), cwd=ROOT,
                   capture_output=True, timeout=120)
    code, out = doctor(root, sane_dir(tmp_path, "test"))
    found = lines_of(out)
    assert code == 0, out
    for name in ("config", "database", "admin PIN", "installation", "web engine", "libvlc", "scanner", "portal",
                 "disk", "clock"):
        assert found[name].startswith("OK"), out
    assert "test:0" in found["scanner"]
    assert found["installation"].startswith("OK version 1.0.0-bundle (bundle)")
    assert found["service"].startswith("SKIP")  # no systemd in a throwaway root
    assert "The kiosk looks healthy." in out


def test_a_broken_kiosk_names_each_problem(install, make_bundle, tmp_path):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0, out
    set_portal(root, closed_port_url())
    (root / "var/lib/kiosk/data/kiosk.db").write_bytes(b"this is not a database" * 100)
    (root / "opt/kiosk/current").unlink()
    # A web engine that cannot start (as on a machine without its libraries) must not take the
    # other checks with it: it runs in a child process.
    code, out = doctor(root, sane_dir(tmp_path, ""), QTWEBENGINEPROCESS_PATH="/nonexistent",
                       KIOSK_DOCTOR_WEB_TIMEOUT_MS="20000")
    found = lines_of(out)
    assert code == 1, out
    assert found["web engine"].startswith("FAIL QtWebEngine did not start")
    assert found["database"].startswith("FAIL") and "kiosk.db" in found["database"]
    assert found["installation"].startswith("FAIL the program") and "reinstall" in found["installation"]
    assert found["portal"] == "FAIL 127.0.0.1 cannot be reached (the connection was refused): check the network " \
                              "cable or Wi-Fi, and that the office network lets the kiosk out"
    assert found["scanner"].startswith("FAIL no scanner found")
    assert "The kiosk needs attention" in out


def test_a_bad_setting_is_named_and_the_portal_left_unchecked(install, make_bundle, tmp_path):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    cfg = root / "etc/kiosk/kiosk.toml"
    cfg.write_text(cfg.read_text() + "\n[session]\nidle_timeout_s = \"abc\"\n")
    code, out = doctor(root, sane_dir(tmp_path, "test"))
    found = lines_of(out)
    assert code == 1
    assert found["config"].startswith(f"FAIL Config error in {cfg}: session.idle_timeout_s = 'abc'")
    assert found["portal"].startswith("SKIP")


def test_an_unfinished_installation_is_reported(tmp_path):
    from kiosk_app.admin import doctor as d

    manifest = tmp_path / "etc/kiosk/install.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"complete": False, "stopped_at": "Installing the program",
                                    "error": "No space left on device"}))
    ctx = d.context_for(tmp_path, None, tmp_path / "data", None)
    finding = d.check_installation(ctx)
    assert finding.status == d.FAIL
    assert "Installing the program" in finding.detail and "No space left" in finding.detail
    missing = d.check_installation(d.context_for(tmp_path / "nowhere", None, tmp_path / "data", None))
    assert missing.status == d.FAIL and "no installed kiosk found" in missing.detail


@pytest.mark.parametrize("now,status,words", [
    (dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc), "fail", "certificates will fail"),
    (dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc), "fail", "before the kiosk was installed"),
    (dt.datetime(2026, 6, 2, tzinfo=dt.timezone.utc), "ok", "2026-06-02"),
])
def test_a_wrong_clock_is_caught(tmp_path, now, status, words):
    from kiosk_app.admin import doctor as d

    manifest = tmp_path / "etc/kiosk/install.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"complete": True, "installed_at": "2026-06-01T10:00:00+00:00"}))
    ctx = d.context_for(tmp_path, None, tmp_path / "data", None)
    ctx.now = lambda: now
    finding = d.check_clock(ctx)
    assert finding.status == status and words in finding.detail


def test_low_disk_is_a_problem(tmp_path, monkeypatch):
    from kiosk_app.admin import doctor as d

    usage = shutil.disk_usage(tmp_path)._replace(free=100 * 1024 * 1024)
    monkeypatch.setattr(d.shutil, "disk_usage", lambda p: usage)
    finding = d.check_disk(d.context_for(tmp_path, None, tmp_path / "data", None))
    assert finding.status == d.FAIL and "0.1 GB free" in finding.detail


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg makes the test video")
def test_libvlc_is_tried_on_a_real_video_and_a_broken_one(tmp_path, monkeypatch):
    from kiosk_app.admin import doctor as d

    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "2",
                    "-pix_fmt", "yuv420p", str(tmp_path / "a-guide.mp4")], check=True, timeout=60)
    monkeypatch.setattr(d, "VIDEOS_DIR", tmp_path)
    ctx = d.context_for(tmp_path, None, tmp_path / "data", None)
    finding = d.check_libvlc(ctx)
    assert finding.status == d.OK and finding.detail.endswith("; plays a-guide.mp4")
    (tmp_path / "a-guide.mp4").write_bytes(b"\0not a video" * 1000)
    finding = d.check_libvlc(ctx)
    assert finding.status == d.FAIL and "cannot play a-guide.mp4" in finding.detail


@pytest.mark.parametrize("enabled,show,status,words", [
    ("enabled", "ActiveState=active\nSubState=running\nNRestarts=0", "ok", "starts at boot and runs (0 restarts)"),
    ("disabled", "ActiveState=active\nSubState=running\nNRestarts=0", "fail", "systemctl enable kiosk.service"),
    ("enabled", "ActiveState=failed\nSubState=failed\nNRestarts=7", "fail", "is failed (failed)"),
    ("enabled", "ActiveState=active\nSubState=running\nNRestarts=12", "warn", "restarted 12 times"),
])
def test_the_service_is_read_from_systemd(tmp_path, monkeypatch, enabled, show, status, words):
    from kiosk_app.admin import doctor as d

    unit = tmp_path / "etc/systemd/system/kiosk.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\n")
    answers = {"is-enabled": enabled, "show": show}
    monkeypatch.setattr(d, "_systemd_running", lambda ctx: True)
    monkeypatch.setattr(d, "_run", lambda cmd, env=None: subprocess.CompletedProcess(cmd, 0, answers[cmd[1]], ""))
    finding = d.check_service(d.context_for(tmp_path, None, tmp_path / "data", None))
    assert finding.status == status and words in finding.detail
