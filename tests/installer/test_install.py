"""The Linux installer run into a throwaway root: what it writes, what it would run, twice,
half-way, dry, as a non-root user, on other systems, and --uninstall."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from tests.installer.conftest import ROOT, recorded, write_program

SYSTEM_FILES = ["etc/systemd/system/kiosk.service", "etc/pam.d/kiosk", "etc/systemd/logind.conf.d/90-kiosk.conf",
                "etc/sysctl.d/90-kiosk.conf", "usr/local/bin/kiosk-admin", "opt/kiosk/kiosk-session",
                "opt/kiosk/README-installed.txt"]


def test_install_writes_every_file_under_root_and_records_the_commands(install, make_bundle):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")), "--kiosk-id", "xa-binh-phu-01",
                              "--commune", "UBND xã Bình Phú")
    assert code == 0, out
    for rel in SYSTEM_FILES:
        text = (root / rel).read_text(encoding="utf-8")
        assert not re.search(r"@[A-Z_]+@", text), f"unrendered placeholder in {rel}"
    unit = (root / "etc/systemd/system/kiosk.service").read_text()
    for line in ("Restart=always", "Type=notify", "NotifyAccess=all", "User=kiosk", "PAMName=kiosk",
                 "TTYPath=/dev/tty1", "ExecStart=/usr/bin/cage -d -- /opt/kiosk/kiosk-session"):
        assert line in unit.splitlines()
    assert re.search(r"^WatchdogSec=\d+$", unit, re.M)
    assert " -s " not in unit  # cage's -s would allow VT switching
    config = (root / "etc/kiosk/kiosk.toml").read_text(encoding="utf-8")
    assert 'id = "xa-binh-phu-01"' in config and 'commune = "UBND xã Bình Phú"' in config
    current = root / "opt/kiosk/current"
    assert current.is_symlink() and (current / "bin/kiosk").exists()
    manifest = json.loads((root / "etc/kiosk/install.json").read_text())
    assert manifest["complete"] is True and manifest["data_dir"] == "/var/lib/kiosk/data"
    commands = recorded(root)
    assert any(c.startswith("useradd --system") and c.endswith(" kiosk") for c in commands)
    assert any(c.startswith("usermod --append --groups") and "scanner" in c for c in commands)
    assert "systemctl enable kiosk.service" in commands
    assert "systemctl mask ctrl-alt-del.target" in commands
    assert "chown -R kiosk:kiosk /var/lib/kiosk" in commands
    assert "NAutoVTs=0" in (root / "etc/systemd/logind.conf.d/90-kiosk.conf").read_text()
    assert "kernel.sysrq = 0" in (root / "etc/sysctl.d/90-kiosk.conf").read_text()


def test_running_twice_changes_nothing_and_keeps_the_settings(install, make_bundle):
    bundle = make_bundle("1.0.0")
    assert install("--bundle", str(bundle))[0] == 0
    _, _, root = install("--bundle", str(bundle))
    cfg = root / "etc/kiosk/kiosk.toml"
    cfg.write_text('[kiosk]\nid = "edited-by-admin"\n', encoding="utf-8")
    code, out, _ = install("--bundle", str(bundle), "--kiosk-id", "other")
    assert code == 0, out
    assert cfg.read_text() == '[kiosk]\nid = "edited-by-admin"\n'
    assert "kept the existing settings /etc/kiosk/kiosk.toml" in out
    assert "is already installed" in out
    for rel in SYSTEM_FILES:
        assert f"unchanged: /{rel}" in out
    assert "wrote:" not in out.replace("wrote: /etc/kiosk/install.json", "")
    assert len(list((root / "opt/kiosk/releases").iterdir())) == 1


def test_dry_run_prints_every_step_and_changes_nothing(install, make_bundle):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")), "--dry-run")
    assert code == 0, out
    assert not root.exists() or not any(root.rglob("*"))
    assert "would write: /etc/systemd/system/kiosk.service" in out
    assert "would run: systemctl enable kiosk.service" in out
    assert re.search(r"^\[8/8\] Recording the installation$", out, re.M)
    assert out.endswith("Dry run finished: nothing was changed. Run the same command without --dry-run to do it.")


def test_the_command_line_says_what_it_does_in_a_dry_run_without_root():
    proc = subprocess.run(["sh", str(ROOT / "installer/install.sh"), "--dry-run", "--skip-packages"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "dry run: nothing is changed" in proc.stdout
    assert "would run: python3 -m venv /opt/kiosk/releases/" in proc.stdout
    assert "--editable" in proc.stdout


def test_without_root_it_refuses_before_changing_anything(ki, monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(ki.Installer, "steps", lambda self: pytest.fail("went past the checks"))
    assert ki.main(["--skip-packages"]) == 2
    err = capsys.readouterr().err
    assert "Nothing was changed" in err and "must run as root" in err


@pytest.fixture
def as_root_on_this_machine(ki, monkeypatch):
    """The installer believing it runs as root on the real system; nothing may run past preflight."""
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(ki.Installer, "steps", lambda self: pytest.fail("went past the checks"))
    return monkeypatch


def test_on_an_unsupported_system_it_refuses_before_changing_anything(ki, as_root_on_this_machine, capsys):
    as_root_on_this_machine.setattr(ki, "read_os_release",
                                    lambda: {"ID": "fedora", "VERSION_ID": "40", "PRETTY_NAME": "Fedora Linux 40"})
    assert ki.main(["--skip-packages"]) == 2
    assert "Nothing was changed: Fedora Linux 40 is not Debian or Ubuntu" in capsys.readouterr().err


def test_without_systemd_it_refuses_and_points_to_root_mode(ki, as_root_on_this_machine, capsys):
    as_root_on_this_machine.setattr(ki, "read_os_release", lambda: {"ID": "debian", "VERSION_ID": "12"})
    as_root_on_this_machine.setattr(ki, "systemd_running", lambda: False)
    assert ki.main(["--skip-packages"]) == 2
    err = capsys.readouterr().err
    assert "systemd is not running" in err and "--root DIR" in err


@pytest.mark.parametrize("release,problem", [
    ({"ID": "debian", "VERSION_ID": "12"}, None),
    ({"ID": "ubuntu", "VERSION_ID": "24.04"}, None),
    ({"ID": "linuxmint", "ID_LIKE": "ubuntu debian", "VERSION_ID": "21.3"}, None),
    ({"ID": "debian", "VERSION_ID": "11", "PRETTY_NAME": "Debian GNU/Linux 11"}, "too old"),
    ({"ID": "fedora", "VERSION_ID": "40", "PRETTY_NAME": "Fedora Linux 40"}, "is not Debian or Ubuntu"),
    ({}, "is not Debian or Ubuntu"),
])
def test_unsupported_systems_are_named(ki, release, problem):
    found = ki.os_problem(release)
    assert (found is None) if problem is None else (problem in found)


def test_a_bundle_without_its_info_is_refused_before_anything_changes(install, tmp_path):
    fake = tmp_path / "not-a-bundle"
    fake.mkdir()
    write_program(fake / "kiosk", "exit 0")
    code, out, root = install("--bundle", str(fake))
    assert code == 2 and "BUNDLE-INFO.json" in out
    assert not root.exists()


def test_a_stop_half_way_is_said_recorded_and_finished_by_running_again(ki, install, make_bundle, monkeypatch):
    bundle = make_bundle("1.0.0")

    def disk_full(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ki.Installer, "install_release", disk_full)
    code, out, root = install("--bundle", str(bundle))
    assert code == 1
    assert "STOPPED at step 4 (Installing the program)" in out
    assert "NOT fully installed" in out and "--uninstall" in out
    manifest = json.loads((root / "etc/kiosk/install.json").read_text())
    assert manifest["complete"] is False and manifest["stopped_at"] == "Installing the program"
    monkeypatch.undo()
    code, out, _ = install("--bundle", str(bundle))
    assert code == 0, out
    assert json.loads((root / "etc/kiosk/install.json").read_text())["complete"] is True


def test_uninstall_keeps_settings_and_data_unless_purged(install, make_bundle):
    assert install("--bundle", str(make_bundle("1.0.0")))[0] == 0
    _, _, root = install("--uninstall")
    (root / "var/lib/kiosk/data/kiosk.db").write_bytes(b"")  # stands for the session log
    code, out, root = install("--uninstall")
    assert code == 0, out
    for rel in SYSTEM_FILES:
        assert not (root / rel).exists()
    assert not (root / "opt/kiosk").exists()
    assert (root / "etc/kiosk/kiosk.toml").exists() and (root / "var/lib/kiosk/data/kiosk.db").exists()
    assert "--uninstall --purge" in out
    assert "systemctl disable --now kiosk.service" in recorded(root)
    code, out, root = install("--uninstall", "--purge")
    assert code == 0, out
    assert not (root / "etc/kiosk").exists() and not (root / "var/lib/kiosk").exists()
    assert "userdel kiosk" in recorded(root)


def test_uninstall_gives_the_screen_back_to_the_display_manager(install, make_bundle, tmp_path):
    dm = tmp_path / "root/etc/systemd/system/display-manager.service"
    dm.parent.mkdir(parents=True)
    dm.symlink_to("/lib/systemd/system/lightdm.service")
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0 and "systemctl disable lightdm.service" in recorded(root)
    install("--uninstall")
    assert "systemctl enable lightdm.service" in recorded(root)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit_and_would_refuse_a_broken_one(install, make_bundle, tmp_path):
    _, _, root = install("--bundle", str(make_bundle("1.0.0")))
    unit = root / "etc/systemd/system/kiosk.service"
    proc = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr.strip() == "", proc.stderr
    broken = tmp_path / "broken" / "kiosk.service"
    broken.parent.mkdir()
    broken.write_text(unit.read_text().replace("Restart=always", "Restart=sometimes"))
    proc = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60)
    assert "restart specifier" in proc.stderr


def _run_template(ki, tmp_path, template: str, program: str, echo: str, *args: str) -> list[str]:
    """Render an installed script for a layout under tmp_path, with a program that echoes."""
    layout = ki.Layout(prefix=tmp_path / "opt", etc=tmp_path / "etc", home=tmp_path / "home")
    (tmp_path / "opt/current/bin").mkdir(parents=True)
    write_program(tmp_path / "opt/current/bin" / program, f'echo "{echo}"')
    script = tmp_path / template
    script.write_text(ki.render(template, layout))
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    proc = subprocess.run(["sh", str(script), *args], capture_output=True, text=True, env=env, timeout=30)
    return proc.stdout.split()


def test_the_session_script_starts_the_kiosk_on_xwayland_with_the_installed_paths(ki, tmp_path):
    out = _run_template(ki, tmp_path, "kiosk-session", "kiosk", "$QT_QPA_PLATFORM $KIOSK_DATA_DIR $*")
    assert out[0] == "xcb"  # libvlc draws into an X11 window
    assert out[1] == str(tmp_path / "home/data")
    assert out[2:] == ["--config", str(tmp_path / "etc/kiosk.toml"), "--data-dir", str(tmp_path / "home/data"),
                       "--log-json", "-"]


def test_the_admin_command_finds_the_installed_kiosk(ki, tmp_path):
    out = _run_template(ki, tmp_path, "kiosk-admin", "kiosk-admin", "$KIOSK_DATA_DIR $KIOSK_CONFIG $*", "doctor")
    assert out == [str(tmp_path / "home/data"), str(tmp_path / "etc/kiosk.toml"), "doctor"]


def test_without_network_it_stops_at_the_packages_and_says_nothing_changed(ki, tmp_path, monkeypatch, make_bundle):
    class Offline(ki.Target):
        def run(self, cmd, check=True, quiet=False):
            if cmd[0] == "apt-get":
                raise ki.InstallError("`apt-get update -qq` failed (100): Temporary failure resolving 'deb.debian.org'")
            return super().run(cmd, check, quiet)

    monkeypatch.setattr(ki, "_dpkg_installed", lambda package: package != "cage")
    lines: list[str] = []
    options = ki.Options(bundle=make_bundle("1.0.0"))
    code = ki.Installer(Offline(root=tmp_path / "root", out=lines.append), options).run()
    out = "\n".join(lines)
    assert code == 1
    assert "missing: cage" in out
    assert "STOPPED at step 1 (Installing the system packages)" in out
    assert "is the network (or a local package mirror) reachable?" in out
    assert "Nothing was changed on this machine." in out
    assert not (tmp_path / "root/etc").exists()
