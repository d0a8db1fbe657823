"""`kiosk-admin doctor`: checks an installed kiosk and says in plain words what is fine and what is not.

It runs the checks of `kiosk-admin check` (config, data dir, database, fonts, admin PIN, and what
other parts add to checks.CHECKS) and adds those of the installed system: the installation, the
service, the display, libvlc, the scanner, the portal, free disk and the clock. Each finding is
ok, a warning, a problem, or skipped when it cannot be looked at here (no systemd, for example).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from kiosk_app.admin import checks
from kiosk_app.config import ConfigError, KioskConfig, load_config
from kiosk_app.paths import VIDEOS_DIR, KioskPaths

try:  # accounts and groups as Debian has them; Windows has neither module
    import grp
    import pwd
except ImportError:
    grp = pwd = None

DEFAULT_MANIFEST = Path("/etc/kiosk/install.json")
EARLIEST_PLAUSIBLE_YEAR = 2025  # a clock before this is wrong: certificates would fail
DISK_FAIL_BYTES = 500 * 1024 * 1024
DISK_WARN_BYTES = 2 * 1024 * 1024 * 1024
COMMAND_TIMEOUT_S = 30
WEB_ENGINE_TIMEOUT_MS = 60_000
VIDEO_TRY_S = 15

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
LABELS = {OK: "OK  ", WARN: "WARN", FAIL: "FAIL", SKIP: "SKIP"}


@dataclass(frozen=True)
class Finding:
    name: str
    status: str
    detail: str


@dataclass
class Installation:
    """What the installer recorded (install.json), read from under `root` (tests use a folder)."""

    root: Path
    manifest_path: Path
    manifest: dict | None
    problem: str | None = None

    @classmethod
    def load(cls, root: Path = Path("/"), manifest: Path | None = None) -> "Installation":
        manifest = manifest or Path(os.environ.get("KIOSK_INSTALL_MANIFEST") or DEFAULT_MANIFEST)
        full = root / manifest.relative_to("/") if manifest.is_absolute() else root / manifest
        try:
            return cls(root, full, json.loads(full.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return cls(root, full, None, f"{full} does not exist")
        except (OSError, ValueError) as exc:
            return cls(root, full, None, f"{full} cannot be read: {exc}")

    def path(self, key: str) -> Path | None:
        value = (self.manifest or {}).get(key)
        if not value:
            return None
        return self.root / Path(value).relative_to("/") if Path(value).is_absolute() else self.root / value

    @property
    def on_real_system(self) -> bool:
        return self.root == Path("/")

    @property
    def user(self) -> str | None:
        return (self.manifest or {}).get("user")

    @property
    def service(self) -> str:
        return (self.manifest or {}).get("service", "kiosk.service")


@dataclass
class DoctorContext:
    install: Installation
    paths: KioskPaths
    config_file: Path | None
    config: KioskConfig | None = None
    env: dict = field(default_factory=lambda: dict(os.environ))
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)


def _run(cmd: list[str], env: dict | None = None) -> subprocess.CompletedProcess | None:
    """Run a read-only command; None when it is not installed or does not answer in time."""
    if not shutil.which(cmd[0]):
        return None
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _systemd_running(ctx: DoctorContext) -> bool:
    return ctx.install.on_real_system and Path("/run/systemd/system").is_dir()


# ---------------------------------------------------------------- installed-system checks


def check_installation(ctx: DoctorContext) -> Finding:
    inst = ctx.install
    if inst.manifest is None:
        return Finding("installation", FAIL, f"no installed kiosk found ({inst.problem}); install it with "
                                              "installer/install.sh")
    m = inst.manifest
    if not m.get("complete"):
        where = f" at the step “{m['stopped_at']}” ({m.get('error', '')})" if m.get("stopped_at") else ""
        return Finding("installation", FAIL, f"the installation is not complete: it stopped{where}. Run "
                                              "installer/install.sh again, or --uninstall")
    current = inst.path("prefix") / "current" if inst.path("prefix") else None
    program = current / "bin" / "kiosk" if current else None
    if program is None or not program.exists():
        return Finding("installation", FAIL, f"the program {program} is missing: reinstall with "
                                              "installer/install.sh (settings and data are kept)")
    if not os.access(program, os.X_OK):
        return Finding("installation", FAIL, f"the program {program} cannot be run (not executable)")
    return Finding("installation", OK, f"version {m.get('version')} ({m.get('mode')}) in "
                                        f"{current.resolve()}, installed {m.get('installed_at')}")


def check_service(ctx: DoctorContext) -> Finding:
    service = ctx.install.service
    if not _systemd_running(ctx):
        return Finding("service", SKIP, "systemd is not running here: the service cannot be looked at")
    unit = ctx.install.root / "etc/systemd/system" / service
    if not unit.exists():
        return Finding("service", FAIL, f"{unit} is missing: run installer/install.sh again")
    enabled = _run(["systemctl", "is-enabled", service])
    show = _run(["systemctl", "show", service, "--property=ActiveState,SubState,NRestarts"])
    props = dict(line.split("=", 1) for line in (show.stdout if show else "").splitlines() if "=" in line)
    state = props.get("ActiveState", "unknown")
    restarts = int(props.get("NRestarts", "0") or 0)
    if not enabled or enabled.stdout.strip() != "enabled":
        return Finding("service", FAIL, f"{service} does not start at boot: systemctl enable {service}")
    if state != "active":
        return Finding("service", FAIL, f"{service} is {state} ({props.get('SubState', '?')}): start it "
                                         f"with systemctl start {service}; see why with journalctl -u "
                                         f"{service} -b")
    if restarts > 3:
        return Finding("service", WARN, f"{service} runs, but was restarted {restarts} times since it was "
                                         f"started: see why with journalctl -u {service} -b")
    return Finding("service", OK, f"{service} starts at boot and runs ({restarts} restarts)")


def check_display(ctx: DoctorContext) -> Finding:
    if os.name == "nt":
        return Finding("display", SKIP, "Windows: the kiosk account's own desktop, nothing to look at here")
    missing = [b for b in ("cage", "Xwayland") if not shutil.which(b)]
    if missing:
        return Finding("display", FAIL, f"{' and '.join(missing)} not installed: the kiosk has no screen to "
                                         "run on (apt-get install cage xwayland)")
    if not sorted(Path("/dev/dri").glob("card*")):
        return Finding("display", WARN, "cage and Xwayland are installed, but this machine shows no graphics "
                                         "device (/dev/dri/card*): cage cannot start without one")
    user = ctx.install.user
    if user and _user_exists(user):
        missing_groups = [g for g in ("video", "render", "input") if _group_exists(g)
                          and user not in grp.getgrnam(g).gr_mem]
        if missing_groups:
            return Finding("display", FAIL, f"the user {user} is not in the group(s) {', '.join(missing_groups)}: "
                                             f"usermod -aG {','.join(missing_groups)} {user}")
    return Finding("display", OK, "cage, Xwayland and a graphics device are present")


def check_data_owner(ctx: DoctorContext) -> Finding:
    user, d = ctx.install.user, ctx.paths.data_dir
    if not user or not _user_exists(user):
        return Finding("data owner", SKIP, f"no user {user or '(none recorded)'} on this machine")
    if not d.exists():
        return Finding("data owner", FAIL, f"{d} does not exist: run installer/install.sh again")
    owner = pwd.getpwuid(d.stat().st_uid).pw_name
    if owner != user:
        return Finding("data owner", FAIL, f"{d} belongs to {owner}, not {user}: the kiosk cannot write its "
                                            f"data. Fix: chown -R {user}:{user} {d}")
    bad = [p for p in d.glob("kiosk.db*") if pwd.getpwuid(p.stat().st_uid).pw_name != user]
    if bad:
        return Finding("data owner", FAIL, f"{bad[0]} belongs to another user: chown -R {user}:{user} {d}")
    return Finding("data owner", OK, f"{d} belongs to {user}")


def check_libvlc(ctx: DoctorContext) -> Finding:
    try:
        import vlc

        instance = vlc.Instance(["--quiet", "--vout=dummy", "--aout=dummy", "--no-video-title-show"])
    except (ImportError, OSError, NameError, AttributeError) as exc:
        # python-vlc raises NameError/OSError when the libvlc library is not found.
        return Finding("libvlc", FAIL, f"libvlc cannot be loaded ({exc}): the guide videos cannot play. "
                                        "apt-get install vlc-bin vlc-plugin-base")
    if instance is None:
        return Finding("libvlc", FAIL, "libvlc is there but does not start (its plugins are missing?): "
                                        "apt-get install vlc-plugin-base vlc-plugin-video-output")
    version = vlc.libvlc_get_version().decode(errors="replace")
    try:
        played = _play_briefly(vlc, instance)
    finally:
        instance.release()
    if played is not None and not played[1]:
        return Finding("libvlc", FAIL, f"libvlc {version} cannot play {played[0]}: its codec or demuxer plugins "
                                        "are missing (apt-get install vlc-plugin-base)")
    tried = f"; plays {played[0]}" if played else ""
    return Finding("libvlc", OK, f"libvlc {version}{tried}")


def _play_briefly(vlc, instance) -> tuple[str, bool] | None:
    """Play the first guide video for a moment without a window: (its name, whether it played)."""
    videos = sorted(VIDEOS_DIR.glob("*.mp4"))
    if not videos:
        return None
    player = instance.media_player_new()
    player.set_media(instance.media_new_path(str(videos[0])))
    player.audio_set_mute(True)
    player.play()
    deadline = time.monotonic() + VIDEO_TRY_S
    try:
        while time.monotonic() < deadline:
            if player.get_time() > 0:
                return videos[0].name, True
            if player.get_state() in (vlc.State.Error, vlc.State.Ended):
                break
            time.sleep(0.05)
        return videos[0].name, False
    finally:
        player.stop()
        player.release()


def _web_engine_probe(conn, timeout_ms: int) -> None:
    """In a child process (QtWebEngine aborts the whole process when it cannot start): run a
    page and send back what its script read, with the Chromium version."""
    if hasattr(os, "setsid"):
        os.setsid()  # its own process group: a failing Chromium may signal its whole group
    from kiosk_app.qt_fixes import prepare_qt

    prepare_qt()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, qWebEngineChromiumVersion
    from PySide6.QtWidgets import QApplication
    from shiboken6 import delete

    _app = QApplication.instance() or QApplication([])
    profile = QWebEngineProfile()  # off the record: nothing written to disk
    page = QWebEnginePage(profile)
    loop, answer = QEventLoop(), {}
    page.loadFinished.connect(lambda ok: page.runJavaScript(
        "document.body.textContent", 0, lambda value: (answer.setdefault("text", value), loop.quit()))
        if ok else loop.quit())
    QTimer.singleShot(timeout_ms, loop.quit)
    page.setHtml("<body>kiosk-doctor</body>")
    loop.exec()
    delete(page)  # the page before its profile, or QtWebEngine complains at exit
    delete(profile)
    conn.send((answer.get("text"), qWebEngineChromiumVersion()))
    conn.close()


def check_web_engine(ctx: DoctorContext) -> Finding:
    """Can QtWebEngine (Chromium) start here and run a page? The portal depends on it."""
    import multiprocessing

    timeout_ms = int(ctx.env.get("KIOSK_DOCTOR_WEB_TIMEOUT_MS", WEB_ENGINE_TIMEOUT_MS))
    mp = multiprocessing.get_context("spawn")
    ours, theirs = mp.Pipe(duplex=False)
    child = mp.Process(target=_web_engine_probe, args=(theirs, timeout_ms), daemon=True)
    child.start()
    theirs.close()
    try:
        result = ours.recv() if ours.poll(timeout_ms / 1000 + 30) else None
    except EOFError:  # the child died before answering
        result = None
    child.join(30)
    if child.is_alive():
        child.kill()
    if result is None:
        return Finding("web engine", FAIL, f"QtWebEngine did not start (exit code {child.exitcode}): the portal "
                                            "cannot be shown. Run the kiosk with --verbose to see why")
    text, chromium = result
    if text != "kiosk-doctor":
        return Finding("web engine", FAIL, "QtWebEngine started but did not run a test page: the portal cannot "
                                            "be shown. Run the kiosk with --verbose to see why")
    return Finding("web engine", OK, f"QtWebEngine runs pages (Chromium {chromium})")


def check_scanner(ctx: DoctorContext) -> Finding:
    if os.name == "nt":
        return Finding("scanner", SKIP, "Windows scanners (WIA) are not looked at by doctor yet")
    result = _run(["scanimage", "--formatted-device-list=%d|%v %m%n"], env=ctx.env)
    if result is None:
        return Finding("scanner", FAIL, "scanimage is missing or did not answer in time: apt-get install "
                                         "sane-utils, then switch the scanner off and on")
    devices = [line.split("|", 1) for line in result.stdout.splitlines() if "|" in line]
    user = ctx.install.user
    if user and _user_exists(user) and _group_exists("scanner") and user not in grp.getgrnam("scanner").gr_mem:
        return Finding("scanner", FAIL, f"the user {user} is not in the group scanner: usermod -aG scanner {user}")
    if not devices:
        return Finding("scanner", FAIL, "no scanner found: check that it is plugged in (USB) and switched on; "
                                         "`scanimage -L` lists none")
    return Finding("scanner", OK, "; ".join(f"{name} ({model})" for name, model in devices))


def check_portal(ctx: DoctorContext) -> Finding:
    if ctx.config is None:
        return Finding("portal", SKIP, "the config cannot be read, so the portal address is unknown")
    import requests

    url = ctx.config.portal.start_url
    host = urlparse(url).hostname
    try:
        response = requests.get(url, timeout=15, stream=True, allow_redirects=True)
        response.close()
    except requests.exceptions.SSLError as exc:
        return Finding("portal", FAIL, f"{host} answers, but its certificate is refused ({_short(exc)}). "
                                        f"Is the clock right? It says {ctx.now():%Y-%m-%d %H:%M} UTC")
    except requests.exceptions.RequestException as exc:
        return Finding("portal", FAIL, f"{host} cannot be reached ({_why_unreachable(exc)}): check the "
                                        "network cable or Wi-Fi, and that the office network lets the kiosk out")
    if response.status_code >= 500:
        return Finding("portal", WARN, f"{host} answers with an error ({response.status_code}): the portal "
                                        "itself may be down; try again later")
    return Finding("portal", OK, f"{url} answers ({response.status_code})")


def check_disk(ctx: DoctorContext) -> Finding:
    d = ctx.paths.data_dir
    while not d.exists() and d != d.parent:
        d = d.parent
    free = shutil.disk_usage(d).free
    text = f"{free / 1024**3:.1f} GB free for {ctx.paths.data_dir}"
    if free < DISK_FAIL_BYTES:
        return Finding("disk", FAIL, f"only {text}: scans and the session log need room; delete old files "
                                      "or backups")
    if free < DISK_WARN_BYTES:
        return Finding("disk", WARN, f"{text}: getting low")
    return Finding("disk", OK, text)


def check_clock(ctx: DoctorContext) -> Finding:
    now = ctx.now()
    installed = (ctx.install.manifest or {}).get("installed_at")
    if now.year < EARLIEST_PLAUSIBLE_YEAR:
        return Finding("clock", FAIL, f"the clock says {now:%Y-%m-%d}: web certificates will fail. Set the "
                                       "date (timedatectl set-time) or let it synchronise (NTP)")
    if installed:
        try:
            when = dt.datetime.fromisoformat(installed)
        except ValueError:
            when = None
        if when and now < when - dt.timedelta(hours=1):
            return Finding("clock", FAIL, f"the clock says {now:%Y-%m-%d %H:%M}, before the kiosk was installed "
                                           f"({installed}): it is wrong, and web certificates will fail")
    if _systemd_running(ctx):
        synced = _run(["timedatectl", "show", "--property=NTPSynchronized", "--value"])
        if synced and synced.stdout.strip() == "no":
            return Finding("clock", WARN, f"{now:%Y-%m-%d %H:%M} UTC, but not synchronised with a time server "
                                           "(timedatectl): it may drift")
    return Finding("clock", OK, f"{now:%Y-%m-%d %H:%M} UTC")


INSTALLED_CHECKS: list[Callable[[DoctorContext], Finding]] = [
    check_installation, check_service, check_display, check_data_owner, check_web_engine, check_libvlc,
    check_scanner,
    check_portal, check_disk, check_clock,
]


# ---------------------------------------------------------------- running


def run_doctor(ctx: DoctorContext) -> list[Finding]:
    """The kiosk's own checks (checks.py) first, then the installed system's."""
    findings = [Finding(c.name, OK if c.ok else FAIL, c.detail)
                for c in checks.run_checks(ctx.paths, ctx.config_file)]
    try:
        ctx.config = load_config(ctx.config_file)
    except ConfigError:
        ctx.config = None
    for check in INSTALLED_CHECKS:
        try:
            findings.append(check(ctx))
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            findings.append(Finding(check.__name__.removeprefix("check_"), FAIL, f"the check itself failed: {exc}"))
    return findings


def context_for(root: Path, manifest: Path | None, data_dir: Path | None,
                config_file: Path | None) -> DoctorContext:
    """Paths from the command line first, then from the installation's manifest."""
    install = Installation.load(root, manifest)
    data_dir = data_dir or install.path("data_dir")
    if data_dir is None:
        from kiosk_app.paths import default_data_dir

        data_dir = default_data_dir()
    # A recorded config file that is gone is reported by the config check, naming it.
    config_file = config_file or install.path("config_file")
    return DoctorContext(install, KioskPaths(data_dir), config_file)


def report(findings: list[Finding]) -> tuple[str, int]:
    lines = [f"{LABELS[f.status]}  {f.name}: {f.detail}" for f in findings]
    count = {s: sum(f.status == s for f in findings) for s in LABELS}
    lines.append(f"{count[OK]} fine, {_plural(count[WARN], 'warning')}, {_plural(count[FAIL], 'problem')}, "
                 f"{count[SKIP]} not checked")
    if count[FAIL]:
        lines.append("The kiosk needs attention: fix the FAIL lines above, then run kiosk-admin doctor again.")
    else:
        lines.append("The kiosk looks healthy.")
    return "\n".join(lines), 1 if count[FAIL] else 0


def _why_unreachable(exc: Exception) -> str:
    text = str(exc)
    if "NameResolution" in text or "Name or service not known" in text:
        return "its name cannot be looked up: no network or no DNS"
    if "Connection refused" in text:
        return "the connection was refused"
    if "timed out" in text.lower():
        return "no answer in time"
    return _short(exc)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _user_exists(name: str) -> bool:
    return pwd is not None and _known(pwd.getpwnam, name)


def _group_exists(name: str) -> bool:
    return grp is not None and _known(grp.getgrnam, name)


def _known(lookup, name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False