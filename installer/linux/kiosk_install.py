#!/usr/bin/env python3
"""Install, upgrade or remove the commune kiosk on a Debian/Ubuntu counter PC (run as root).

    install.sh [--bundle DIR] [--kiosk-id ID] [--commune NAME]   install (again: re-checks)
    install.sh --upgrade [--bundle DIR]                         replace the program, keep the rest
    install.sh --uninstall [--purge]                            remove it (data kept unless --purge)
    install.sh ... --dry-run                                    print every step, change nothing
    install.sh ... --root DIR                                   write every file under DIR and only
                                                                record the commands (tests, images)

What goes where:
    /opt/kiosk/releases/<version>/   the program: its own virtual environment, or a PyInstaller
                                     bundle (--bundle); /opt/kiosk/current points at the one in use
    /etc/kiosk/kiosk.toml            this kiosk's settings (never overwritten)
    /etc/kiosk/install.json          what was installed, for --upgrade, --uninstall and doctor
    /var/lib/kiosk/data              the kiosk's data (session log); /var/lib/kiosk is its home
    kiosk.service                    cage on tty1 as the `kiosk` user, Restart=always, watchdog

Only the standard library: this runs before anything else is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CHECKOUT = HERE.parent.parent

SUPPORTED = {"debian": 12, "ubuntu": 22}  # lowest major version with cage and python3-venv
SERVICE = "kiosk.service"
WATCHDOG_S = 60
READY_TIMEOUT_S = 180
KEEP_RELEASES = 2


class InstallError(Exception):
    """A step cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Layout:
    """Every path the installer writes, as seen on the target system (without --root)."""

    prefix: Path = Path("/opt/kiosk")
    etc: Path = Path("/etc/kiosk")
    home: Path = Path("/var/lib/kiosk")
    user: str = "kiosk"
    service: str = SERVICE

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def config_file(self) -> Path:
        return self.etc / "kiosk.toml"

    @property
    def manifest(self) -> Path:
        return self.etc / "install.json"

    @property
    def releases(self) -> Path:
        return self.prefix / "releases"

    @property
    def current(self) -> Path:
        return self.prefix / "current"

    @property
    def previous(self) -> Path:
        return self.prefix / "previous"

    @property
    def session_script(self) -> Path:
        return self.prefix / "kiosk-session"

    @property
    def system_files(self) -> dict[str, Path]:
        """Installer-written files outside prefix, etc and home, by template name."""
        return {
            "kiosk.service": Path("/etc/systemd/system") / self.service,
            "pam-kiosk": Path("/etc/pam.d/kiosk"),
            "logind-kiosk.conf": Path("/etc/systemd/logind.conf.d/90-kiosk.conf"),
            "sysctl-kiosk.conf": Path("/etc/sysctl.d/90-kiosk.conf"),
            "kiosk-admin": Path("/usr/local/bin/kiosk-admin"),
        }


# ---------------------------------------------------------------- doing things, or saying so


@dataclass
class Target:
    """Where changes go: the real system, a folder standing for it (--root), or nowhere (--dry-run).

    Files are written under `root`; commands run only on the real system. With --root they are
    recorded in ROOT/var/log/kiosk-install-commands.log; with --dry-run they are printed.
    """

    root: Path = Path("/")
    dry_run: bool = False
    out: Callable[[str], None] = print
    commands: list[list[str]] = field(default_factory=list)

    @property
    def real(self) -> bool:
        return self.root == Path("/") and not self.dry_run

    def path(self, p: Path | str) -> Path:
        p = Path(p)
        return self.root / p.relative_to("/") if p.is_absolute() else self.root / p

    def say(self, text: str) -> None:
        self.out(text)

    def run(self, cmd: list[str], check: bool = True, quiet: bool = False) -> subprocess.CompletedProcess | None:
        """Run a system command (apt, useradd, systemctl...), or record it when not on the real system."""
        self.commands.append(cmd)
        line = shlex.join(cmd)
        if self.dry_run:
            self.say(f"    would run: {line}")
            return None
        if not self.real:
            log = self.path("/var/log/kiosk-install-commands.log")
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
            if not quiet:
                self.say(f"    recorded (not run under --root): {line}")
            return None
        if not quiet:
            self.say(f"    running: {line}")
        proc = subprocess.run(cmd, text=True, capture_output=True)
        if check and proc.returncode != 0:
            raise InstallError(f"`{line}` failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()[-800:]}")
        return proc

    def write(self, p: Path, content: str, mode: int = 0o644) -> bool:
        """Write a file if its content differs; True when something changed."""
        dest = self.path(p)
        if dest.is_file() and dest.read_text(encoding="utf-8") == content and (dest.stat().st_mode & 0o777) == mode:
            self.say(f"    unchanged: {p}")
            return False
        if self.dry_run:
            self.say(f"    would write: {p} (mode {mode:o})")
            return True
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.kiosk-new")
        tmp.write_text(content, encoding="utf-8")
        tmp.chmod(mode)
        os.replace(tmp, dest)
        self.say(f"    wrote: {p}")
        return True

    def mkdir(self, p: Path, mode: int = 0o755) -> None:
        dest = self.path(p)
        if dest.is_dir():
            return
        if self.dry_run:
            self.say(f"    would create: {p}/")
            return
        dest.mkdir(parents=True, exist_ok=True)
        dest.chmod(mode)
        self.say(f"    created: {p}/")

    def remove(self, p: Path) -> None:
        dest = self.path(p)
        if not (dest.exists() or dest.is_symlink()):
            return
        if self.dry_run:
            self.say(f"    would remove: {p}")
            return
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        else:
            dest.unlink()
        self.say(f"    removed: {p}")

    def symlink(self, link: Path, to: Path) -> None:
        """Point `link` at `to` (a path relative to the link's folder), replacing it atomically."""
        dest = self.path(link)
        if dest.is_symlink() and Path(os.readlink(dest)) == to:
            return
        if self.dry_run:
            self.say(f"    would point {link} -> {to}")
            return
        tmp = dest.with_name(f".{dest.name}.kiosk-new")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(to)
        os.replace(tmp, dest)
        self.say(f"    {link} -> {to}")

    def chown(self, p: Path, user: str, recursive: bool = False) -> None:
        cmd = ["chown"] + (["-R"] if recursive else []) + [f"{user}:{user}", str(p)]
        self.run(cmd, quiet=not self.real and not self.dry_run)


# ---------------------------------------------------------------- what the installer reads


def render(template: str, layout: Layout, **extra: str) -> str:
    values = {
        "PREFIX": str(layout.prefix), "USER": layout.user, "HOME": str(layout.home),
        "DATA_DIR": str(layout.data_dir), "CONFIG_FILE": str(layout.config_file),
        "MANIFEST": str(layout.manifest), "PAM_SERVICE": "kiosk", "WATCHDOG_S": str(WATCHDOG_S),
        **extra,
    }
    text = (FILES / template).read_text(encoding="utf-8")
    text = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], text)
    return text


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    info = {}
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                info[key.strip()] = value.strip().strip('"')
    except OSError:
        pass
    return info


def os_problem(info: dict[str, str]) -> str | None:
    """Why this system is not supported, or None."""
    ids = [info.get("ID", "")] + info.get("ID_LIKE", "").split()
    name = info.get("PRETTY_NAME") or info.get("ID") or "an unknown system"
    family = next((i for i in ids if i in SUPPORTED), None)
    if family is None:
        return f"{name} is not Debian or Ubuntu; the kiosk installer supports Debian 12+ and Ubuntu 22.04+"
    if info.get("ID") in SUPPORTED:
        try:
            major = int(info.get("VERSION_ID", "0").split(".")[0])
        except ValueError:
            major = 0
        if major < SUPPORTED[info["ID"]]:
            return f"{name} is too old; the kiosk needs Debian 12+ or Ubuntu 22.04+ (cage, Python 3.11)"
    return None


def systemd_running() -> bool:
    return Path("/run/systemd/system").is_dir()


def read_packages(path: Path = HERE / "runtime-packages.txt") -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def source_version(checkout: Path) -> str:
    text = (checkout / "kiosk_app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise InstallError(f"no __version__ in {checkout}/kiosk_app/__init__.py")
    return match.group(1)


def bundle_version(bundle: Path) -> str:
    try:
        return json.loads((bundle / "BUNDLE-INFO.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise InstallError(f"{bundle} has no readable BUNDLE-INFO.json: build it with "
                           "installer/build_bundle.py") from None


def load_manifest(target: Target, layout: Layout) -> dict | None:
    try:
        return json.loads(target.path(layout.manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- the installer


@dataclass
class Options:
    action: str = "install"  # install | upgrade | uninstall
    bundle: Path | None = None
    checkout: Path = CHECKOUT
    wheelhouse: Path | None = None
    kiosk_id: str = "kiosk-01"
    commune: str = "UBND xã"
    purge: bool = False
    skip_packages: bool = False
    ready_timeout_s: float = READY_TIMEOUT_S


class Installer:
    def __init__(self, target: Target, options: Options, layout: Layout = Layout()):
        self.t, self.o, self.layout = target, options, layout
        self.done: list[str] = []
        self.release: Path | None = None  # the release this run installs (system path)
        self.switching = False  # an upgrade has begun to replace the running version

    # ---------------------------------------------------------- running the steps

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        if self.o.action == "uninstall":
            return [("Stopping and disabling the kiosk service", self.stop_service),
                    ("Removing the program and the system files", self.remove_program),
                    ("Removing the settings, the data and the user" if self.o.purge
                     else "Keeping the settings, the data and the user", self.remove_data)]
        common = [("Installing the system packages", self.install_packages),
                  ("Creating the kiosk user", self.create_user),
                  ("Creating the settings and data folders", self.create_dirs)]
        if self.o.action == "upgrade":
            return [("Installing the system packages", self.install_packages),
                    ("Installing the new version beside the old one", self.install_release),
                    ("Trying the new version on a copy of the data", self.smoke_test),
                    ("Writing the service and session files", self.write_system_files),
                    ("Switching to the new version (rolled back if it does not start)", self.switch_release),
                    ("Recording the installation", self.write_manifest)]
        return common + [
            ("Installing the program", self.install_release),
            ("Making it the current version", self.make_current),
            ("Writing the service and session files", self.write_system_files),
            ("Locking the machine down and starting the kiosk at boot", self.enable_service),
            ("Recording the installation", self.write_manifest),
        ]

    def run(self) -> int:
        self.preflight()
        steps = self.steps()
        mode = ("dry run: nothing is changed" if self.t.dry_run else
                f"files under {self.t.root}, commands recorded" if not self.t.real else "this machine")
        self.t.say(f"Kiosk installer: {self.o.action} ({mode}). Steps:")
        for i, (title, _fn) in enumerate(steps, 1):
            self.t.say(f"  {i}. {title}")
        for i, (title, fn) in enumerate(steps, 1):
            self.t.say(f"[{i}/{len(steps)}] {title}")
            try:
                fn()
            except (InstallError, OSError, subprocess.SubprocessError) as exc:
                self.t.say(f"\nSTOPPED at step {i} ({title}): {exc}")
                if self.done:
                    self.t.say("Done before it: " + "; ".join(self.done) + ".")
                if self.o.action == "install" and self.done:
                    self.mark_incomplete(title, str(exc))
                    self.t.say("The kiosk is NOT fully installed. Fix the cause and run the same "
                               "command again (it continues where it stopped), or run "
                               "`install.sh --uninstall` to remove what was done.")
                elif self.o.action == "install":
                    self.t.say("Nothing was changed on this machine.")
                elif self.o.action == "upgrade" and not self.switching:
                    self.drop_unfinished_release()
                    self.t.say("The kiosk keeps running the version it had; its settings and data "
                               "were not touched.")
                elif self.o.action == "uninstall":
                    self.t.say("Fix the cause and run `install.sh --uninstall` again.")
                return 1
            self.done.append(title.lower())
        self.t.say(self.summary())
        return 0

    def preflight(self) -> None:
        """Refuse early, before anything changes: wrong user, system, or missing program."""
        if self.t.real and os.geteuid() != 0:
            raise InstallError("the installer must run as root (try: sudo installer/install.sh ...); "
                               "--dry-run shows what it would do without root")
        problem = os_problem(read_os_release())
        if problem and self.t.real:
            raise InstallError(problem)
        if problem:
            self.t.say(f"Note: {problem} (ignored: nothing is installed on this system)")
        if self.t.real and not systemd_running():
            raise InstallError("systemd is not running on this machine; the kiosk starts through a "
                               "systemd unit (containers without systemd: use --root DIR)")
        manifest = load_manifest(self.t, self.layout)
        if self.o.action == "upgrade" and not (manifest and manifest.get("complete")):
            raise InstallError("there is no complete installation to upgrade; run the installer "
                               "without --upgrade first")
        if self.o.action == "uninstall":
            return
        self.check_program()
        if self.o.action == "install" and manifest and manifest.get("complete"):
            wanted = str(self.layout.releases / self.release_name())
            if manifest.get("release") != wanted:
                raise InstallError(f"a kiosk is already installed ({manifest.get('version')}); to replace "
                                   "it by this version use --upgrade, which tries it first and can roll back")

    def check_program(self) -> None:
        if self.o.bundle is not None:
            if not (self.o.bundle / "kiosk").exists() and not (self.o.bundle / "kiosk.exe").exists():
                raise InstallError(f"{self.o.bundle} is not a kiosk bundle (no `kiosk` program in it)")
            bundle_version(self.o.bundle)
        else:
            if not (self.o.checkout / "pyproject.toml").is_file():
                raise InstallError(f"{self.o.checkout} is not a kiosk checkout (no pyproject.toml)")
            if sys.version_info < (3, 11):
                raise InstallError(f"this system's Python is {sys.version.split()[0]}; the kiosk "
                                   "needs 3.11+ (Ubuntu 22.04: install a bundle with --bundle DIR)")

    def summary(self) -> str:
        lay = self.layout
        if self.t.dry_run:
            return "Dry run finished: nothing was changed. Run the same command without --dry-run to do it."
        if self.o.action == "uninstall":
            kept = "" if self.o.purge else (f"\nKept: {lay.etc} (settings), {lay.home} (data), user "
                                            f"{lay.user}. Remove them with --uninstall --purge.")
            return "The kiosk is removed." + kept
        lines = [f"The kiosk is {'upgraded' if self.o.action == 'upgrade' else 'installed'}: "
                 f"{self.release}.",
                 f"  settings: {lay.config_file}   data: {lay.data_dir}   user: {lay.user}",
                 "  next: `kiosk-admin set-admin-pin`, `kiosk-admin doctor`, then reboot."]
        return "\n".join(lines)

    def mark_incomplete(self, step: str, error: str) -> None:
        if self.t.dry_run:
            return
        manifest = load_manifest(self.t, self.layout) or {}
        if manifest.get("complete"):
            return  # a working installation stays described as it was
        manifest.update({"complete": False, "stopped_at": step, "error": error, "updated_at": now_utc()})
        self.t.write(self.layout.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    # ---------------------------------------------------------- steps: install

    def install_packages(self) -> None:
        if self.o.skip_packages:
            self.t.say("    skipped (--skip-packages)")
            return
        wanted = read_packages()
        if self.o.bundle is not None:
            wanted = [p for p in wanted if not p.startswith("python3")]
        missing = [p for p in wanted if not _dpkg_installed(p)]
        if not missing:
            self.t.say("    all present")
            return
        self.t.say(f"    missing: {' '.join(missing)}")
        try:
            self.t.run(["apt-get", "update", "-qq"])
            self.t.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing])
        except InstallError as exc:
            raise InstallError(f"{exc}\nThe system packages could not be installed: is the network "
                               "(or a local package mirror) reachable?") from None

    def create_user(self) -> None:
        lay = self.layout
        if _user_exists(lay.user) and self.t.real:
            self.t.say(f"    user {lay.user} exists")
        else:
            self.t.run(["useradd", "--system", "--home-dir", str(lay.home), "--no-create-home",
                        "--shell", "/usr/sbin/nologin", "--comment", "Commune kiosk", lay.user])
        # Screen, input, sound and scanner devices; a group that does not exist is skipped.
        groups = [g for g in ("video", "render", "input", "audio", "scanner", "lp")
                  if _group_exists(g) or not self.t.real]
        self.t.run(["usermod", "--append", "--groups", ",".join(groups), lay.user])
        self.t.run(["passwd", "--lock", lay.user], check=False)

    def create_dirs(self) -> None:
        lay = self.layout
        self.t.mkdir(lay.etc, 0o755)
        self.t.mkdir(lay.home, 0o750)
        self.t.mkdir(lay.data_dir, 0o750)
        self.t.mkdir(lay.releases, 0o755)
        cfg = self.t.path(lay.config_file)
        if cfg.exists():
            self.t.say(f"    kept the existing settings {lay.config_file}")
        else:
            self.t.write(lay.config_file, render("kiosk.toml", lay, KIOSK_ID=_toml_text(self.o.kiosk_id),
                                                 COMMUNE=_toml_text(self.o.commune)), 0o644)
        self.t.chown(lay.home, lay.user, recursive=True)

    def release_name(self) -> str:
        version = bundle_version(self.o.bundle) if self.o.bundle else source_version(self.o.checkout)
        kind = "bundle" if self.o.bundle else "venv"
        name = f"{version}-{kind}"
        if self.o.action == "upgrade":
            return name + "-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
        installed = Path((load_manifest(self.t, self.layout) or {}).get("release") or "/").name
        # Installing the same version again (to repair the rest) keeps the release in use.
        return installed if installed.startswith(name) else name

    def install_release(self) -> None:
        lay = self.layout
        release = lay.releases / self.release_name()
        self.release = release
        done_mark = self.t.path(release / ".complete")
        if done_mark.exists():
            self.t.say(f"    {release} is already installed")
            return
        self.t.remove(release)  # a release left half-made by a stopped run
        self.t.mkdir(release)
        bin_dir = release / "bin"
        if self.o.bundle is not None:
            self._copy_tree(self.o.bundle, release / "bundle")
            self.t.mkdir(bin_dir)
            self.t.symlink(bin_dir / "kiosk", Path("../bundle/kiosk"))
            self.t.symlink(bin_dir / "kiosk-admin", Path("../bundle/kiosk-admin"))
        else:
            src = release / "src"
            for name in ("pyproject.toml", "README.md", "kiosk_app", "config", "videos"):
                if (self.o.checkout / name).exists():
                    self._copy_tree(self.o.checkout / name, src / name)
            venv = release / "venv"
            self.t.run(["python3", "-m", "venv", str(venv)])
            # Editable: config/ and videos/ sit beside kiosk_app/ in src/, where paths.py looks.
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            if self.o.wheelhouse:
                pip += ["--no-index", "--find-links", str(self.o.wheelhouse)]
            try:
                self.t.run(pip + ["--editable", str(src)])
            except InstallError as exc:
                raise InstallError(f"{exc}\nThe kiosk's Python packages could not be installed: is "
                                   "PyPI reachable? Offline: --wheelhouse DIR or --bundle DIR.") from None
            self.t.mkdir(bin_dir)
            self.t.symlink(bin_dir / "kiosk", Path("../venv/bin/kiosk"))
            self.t.symlink(bin_dir / "kiosk-admin", Path("../venv/bin/kiosk-admin"))
        if not self.t.dry_run:
            done_mark.write_text(now_utc() + "\n", encoding="utf-8")

    def _copy_tree(self, src: Path, dest: Path) -> None:
        if self.t.dry_run:
            self.t.say(f"    would copy {src} -> {dest}")
            return
        target = self.t.path(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, symlinks=True, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".cache", "build", "sources"))
        else:
            shutil.copy2(src, target)
        self.t.say(f"    copied {src} -> {dest}")

    def make_current(self) -> None:
        assert self.release is not None
        self.t.symlink(self.layout.current, self.release.relative_to(self.layout.prefix))

    def write_system_files(self) -> None:
        lay = self.layout
        self.t.write(lay.session_script, render("kiosk-session", lay), 0o755)
        self.t.write(lay.prefix / "README-installed.txt", render("README-installed.txt", lay), 0o644)
        changed = False
        for template, dest in lay.system_files.items():
            mode = 0o755 if template == "kiosk-admin" else 0o644
            changed |= self.t.write(dest, render(template, lay), mode)
        if changed:
            self.t.run(["systemctl", "daemon-reload"])
            self.t.run(["sysctl", "--quiet", "--load", "/etc/sysctl.d/90-kiosk.conf"], check=False)

    def enable_service(self) -> None:
        lay = self.layout
        dm = self.display_manager()
        if dm:
            self.t.say(f"    the display manager {dm} would take the screen: disabling it")
            self.t.run(["systemctl", "disable", dm])
        self.t.run(["systemctl", "mask", "ctrl-alt-del.target"])  # Ctrl+Alt+Del must not reboot
        self.t.run(["systemctl", "set-default", "graphical.target"])
        self.t.run(["systemctl", "enable", lay.service])
        self.t.say(f"    {lay.service} starts at the next boot (or now: systemctl start {lay.service})")
        self._display_manager = dm

    def display_manager(self) -> str | None:
        link = self.t.path("/etc/systemd/system/display-manager.service")
        return Path(os.readlink(link)).name if link.is_symlink() else None

    def write_manifest(self) -> None:
        lay = self.layout
        old = load_manifest(self.t, lay) or {}
        manifest = {
            "complete": True,
            "version": self.release.name if self.release else old.get("version"),
            "release": str(self.release) if self.release else old.get("release"),
            "mode": "bundle" if self.o.bundle else "venv",
            "user": lay.user, "prefix": str(lay.prefix), "home": str(lay.home),
            "data_dir": str(lay.data_dir), "config_file": str(lay.config_file),
            "service": lay.service,
            "system_files": [str(p) for p in lay.system_files.values()] + [str(lay.session_script)],
            "display_manager_disabled": getattr(self, "_display_manager", None)
            or old.get("display_manager_disabled"),
            "installed_at": old.get("installed_at") or now_utc(),
            "updated_at": now_utc(),
        }
        if self.o.action == "upgrade":
            manifest["previous_release"] = old.get("release")
        self.t.write(lay.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    # ---------------------------------------------------------- steps: upgrade

    def smoke_test(self) -> None:
        """Start the new version on a copy of the data (it migrates the copy) before switching."""
        assert self.release is not None
        if self.t.dry_run:
            self.t.say("    would start the new version offscreen on a copy of the data, until app.ready")
            return
        with tempfile.TemporaryDirectory(prefix="kiosk-upgrade-") as tmp:
            copy = Path(tmp) / "data"
            copy.mkdir()
            db = self.t.path(self.layout.data_dir / "kiosk.db")
            if db.exists():
                _backup_db(db, copy / "kiosk.db")
            if self.t.real:
                shutil.chown(tmp, self.layout.user, self.layout.user)
                shutil.chown(copy, self.layout.user, self.layout.user)
                if (copy / "kiosk.db").exists():
                    shutil.chown(copy / "kiosk.db", self.layout.user, self.layout.user)
            ok, detail = self.probe_ready(self.release, copy, Path(tmp) / "events.jsonl")
        if not ok:
            self.t.remove(self.release)
            raise InstallError(f"the new version did not start on a copy of the data ({detail}); it "
                               "was removed and the kiosk keeps running the version it had")
        self.t.say(f"    the new version reached app.ready ({detail})")

    def probe_ready(self, release: Path, data_dir: Path, log_file: Path) -> tuple[bool, str]:
        """Start `release` offscreen with the kiosk's settings until it logs app.ready."""
        program = self.t.path(release / "bin" / "kiosk")
        cmd = [str(program), "--windowed", "--data-dir", str(data_dir), "--log-json", str(log_file)]
        cfg = self.t.path(self.layout.config_file)
        if cfg.exists():
            cmd += ["--config", str(cfg)]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        if self.t.real:
            cmd = ["runuser", "-u", self.layout.user, "--"] + cmd
            env.update(HOME=str(self.layout.home), USER=self.layout.user, LOGNAME=self.layout.user)
        return wait_for_ready(cmd, env, log_file, self.o.ready_timeout_s)

    def switch_release(self) -> None:
        assert self.release is not None
        self.switching = True
        lay = self.layout
        old_link = self.t.path(lay.current)
        old = Path(os.readlink(old_link)) if old_link.is_symlink() else None
        db = self.t.path(lay.data_dir / "kiosk.db")
        backup = None
        self.t.run(["systemctl", "stop", lay.service])
        if db.exists() and not self.t.dry_run:
            backups = db.parent / "backups"
            backups.mkdir(exist_ok=True)
            backup = backups / f"kiosk-before-{self.release.name}.db"
            _backup_db(db, backup)
            if self.t.real:  # the kiosk's folder stays the kiosk's
                for p in (backups, backup):
                    shutil.chown(p, lay.user, lay.user)
            self.t.say(f"    database saved as backups/{backup.name}")
        if old is not None:
            self.t.symlink(lay.previous, old)
        self.t.symlink(lay.current, self.release.relative_to(lay.prefix))
        started = time.time()
        self.t.run(["systemctl", "start", lay.service])
        if self.t.dry_run:
            self.t.say(f"    would wait up to {self.o.ready_timeout_s:.0f} s for app.ready")
            return
        ok, detail = self.live_ready(started)
        if ok:
            self.t.say(f"    the kiosk reached app.ready ({detail})")
            self.prune_releases()
            return
        self.t.say(f"    the new version did not reach app.ready ({detail}): rolling back")
        self.t.run(["systemctl", "stop", lay.service], check=False)
        if old is not None:
            self.t.symlink(lay.current, old)
        if backup is not None:
            for suffix in ("-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            os.replace(backup, db)
            if self.t.real:
                shutil.chown(db, lay.user, lay.user)
        self.t.run(["systemctl", "start", lay.service], check=False)
        raise InstallError(f"the upgrade was rolled back to {old} with the database as it was; "
                           f"the new version stays in {self.release} for inspection")

    def drop_unfinished_release(self) -> None:
        if self.release is not None and not self.t.path(self.release / ".complete").exists():
            self.t.remove(self.release)

    def live_ready(self, started: float) -> tuple[bool, str]:
        """Did the restarted service log app.ready? (From the journal; under --root, by a probe.)"""
        lay = self.layout
        if not self.t.real:
            with tempfile.TemporaryDirectory(prefix="kiosk-probe-") as tmp:
                return self.probe_ready(lay.current, self.t.path(lay.data_dir), Path(tmp) / "events.jsonl")
        deadline = time.monotonic() + self.o.ready_timeout_s
        since = "@" + str(int(started))
        while time.monotonic() < deadline:
            out = subprocess.run(["journalctl", "--unit", lay.service, "--since", since, "--output", "cat",
                                  "--no-pager"], text=True, capture_output=True).stdout
            if '"event": "app.ready"' in out:
                return True, "seen in the journal"
            time.sleep(1)
        return False, f"not in the journal after {self.o.ready_timeout_s:.0f} s"

    def prune_releases(self) -> None:
        lay = self.layout
        keep = set()
        for link in (lay.current, lay.previous):
            p = self.t.path(link)
            if p.is_symlink():
                keep.add(Path(os.readlink(p)).name)
        releases = sorted(self.t.path(lay.releases).iterdir(), key=lambda p: p.stat().st_mtime)
        extra = [r for r in releases if r.name not in keep]
        for r in extra[: max(0, len(releases) - KEEP_RELEASES)]:
            self.t.remove(lay.releases / r.name)

    # ---------------------------------------------------------- steps: uninstall

    def stop_service(self) -> None:
        lay = self.layout
        self.t.run(["systemctl", "disable", "--now", lay.service], check=False)

    def remove_program(self) -> None:
        lay = self.layout
        for dest in lay.system_files.values():
            self.t.remove(dest)
        self.t.remove(lay.prefix)
        self.t.run(["systemctl", "unmask", "ctrl-alt-del.target"], check=False)
        manifest = load_manifest(self.t, lay) or {}
        dm = manifest.get("display_manager_disabled")
        if dm:
            self.t.say(f"    re-enabling the display manager {dm}")
            self.t.run(["systemctl", "enable", dm], check=False)
        self.t.run(["systemctl", "daemon-reload"], check=False)
        self.t.run(["sysctl", "--quiet", "--system"], check=False)
        if not self.o.purge:
            manifest.update({"complete": False, "uninstalled_at": now_utc()})
            if self.t.path(lay.etc).is_dir():
                self.t.write(lay.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    def remove_data(self) -> None:
        lay = self.layout
        if not self.o.purge:
            self.t.say(f"    kept {lay.etc}, {lay.home} and the user {lay.user}")
            return
        self.t.remove(lay.etc)
        self.t.remove(lay.home)
        if _user_exists(lay.user) or not self.t.real:
            self.t.run(["userdel", lay.user], check=False)


# ---------------------------------------------------------------- helpers


def wait_for_ready(cmd: list[str], env: dict, log_file: Path, timeout_s: float) -> tuple[bool, str]:
    """Run `cmd` until `log_file` shows app.ready (then stop it), it exits, or time runs out."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            while time.monotonic() - started < timeout_s:
                if log_file.exists() and '"event": "app.ready"' in log_file.read_text(encoding="utf-8",
                                                                                      errors="replace"):
                    return True, f"after {time.monotonic() - started:.1f} s"
                if proc.poll() is not None:
                    err.seek(0)
                    tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
                    return False, f"it exited with code {proc.returncode}: {' | '.join(tail)}"
                time.sleep(0.2)
            return False, f"no app.ready after {timeout_s:.0f} s"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def _backup_db(src: Path, dest: Path) -> None:
    """A consistent copy of the SQLite database, its write-ahead log included."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _dpkg_installed(package: str) -> bool:
    if not shutil.which("dpkg-query"):
        return False
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in proc.stdout


def _user_exists(name: str) -> bool:
    import pwd

    return _known(pwd.getpwnam, name)


def _group_exists(name: str) -> bool:
    import grp

    return _known(grp.getgrnam, name)


def _known(lookup, name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="install.sh", description=__doc__.splitlines()[0])
    act = p.add_mutually_exclusive_group()
    act.add_argument("--upgrade", action="store_true", help="replace the program; keep settings and data")
    act.add_argument("--uninstall", action="store_true", help="remove the kiosk (settings and data are kept)")
    p.add_argument("--purge", action="store_true", help="with --uninstall: also remove settings, data and user")
    p.add_argument("--bundle", type=Path, help="install this PyInstaller bundle (dist/kiosk) instead of "
                                               "building a virtual environment")
    p.add_argument("--checkout", type=Path, default=CHECKOUT, help="the kiosk's source (default: this checkout)")
    p.add_argument("--wheelhouse", type=Path, help="install the Python packages from this folder (offline)")
    p.add_argument("--kiosk-id", default="kiosk-01", help="kiosk.id in a new settings file")
    p.add_argument("--commune", default="UBND xã", help="kiosk.commune in a new settings file")
    p.add_argument("--dry-run", action="store_true", help="print every step; change nothing")
    p.add_argument("--root", type=Path, default=Path("/"),
                   help="write every file under this folder and record the commands instead of running them")
    p.add_argument("--skip-packages", action="store_true", help="do not install system packages")
    p.add_argument("--ready-timeout", type=float, default=READY_TIMEOUT_S,
                   help="seconds the new version has to reach app.ready (upgrade)")
    args = p.parse_args(argv)
    if args.purge and not args.uninstall:
        p.error("--purge goes with --uninstall")
    return args


def make_installer(args: argparse.Namespace, out: Callable[[str], None] = print) -> Installer:
    action = "upgrade" if args.upgrade else "uninstall" if args.uninstall else "install"
    target = Target(root=args.root.resolve(), dry_run=args.dry_run, out=out)
    options = Options(action=action, bundle=args.bundle.resolve() if args.bundle else None,
                      checkout=args.checkout.resolve(), wheelhouse=args.wheelhouse, kiosk_id=args.kiosk_id,
                      commune=args.commune, purge=args.purge, skip_packages=args.skip_packages,
                      ready_timeout_s=args.ready_timeout)
    return Installer(target, options)


def main(argv: list[str] | None = None) -> int:
    installer = make_installer(parse_args(argv))
    try:
        return installer.run()
    except InstallError as exc:
        print(f"Nothing was changed: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
