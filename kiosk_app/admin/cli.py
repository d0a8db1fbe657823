"""`kiosk-admin`: the administrator's command line (check, PINs, staff accounts, statistics, exports)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from kiosk_app.admin import checks, staff_commands
from kiosk_app.admin.cli_common import config_file_from, open_store, paths_from
from kiosk_app.admin.pin import ADMIN_PIN_SETTING, hash_pin, valid_pin


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="the kiosk's data directory")
    p.add_argument("--config", type=Path, help="the kiosk's own settings file")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-admin", description="Administer the commune kiosk.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the config and report what the kiosk finds")
    _common(check)
    doctor = sub.add_parser("doctor", help="check an installed kiosk: service, display, config, "
                                           "database, libvlc, scanner, portal, disk, clock")
    _common(doctor)
    doctor.add_argument("--root", type=Path, default=Path("/"),
                        help="the installation lives under this folder (made with install.sh --root)")
    doctor.add_argument("--manifest", type=Path, help="the installer's record (default /etc/kiosk/install.json)")
    pin = sub.add_parser("set-admin-pin", help="set the PIN that opens the staff menu")
    _common(pin)
    pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    staff_commands.add_parsers(sub, _common)
    return parser


def cmd_check(args) -> int:
    report = checks.run_checks(paths_from(args), config_file_from(args))
    for item in report:
        print(f"{'OK  ' if item.ok else 'FAIL'} {item.name}: {item.detail}")
    failed = [i for i in report if not i.ok]
    print(f"{len(report) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def cmd_set_admin_pin(args) -> int:
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New admin PIN (4-12 digits): ")
        if getpass.getpass("Repeat it: ") != pin:
            print("The two PINs differ; nothing changed.", file=sys.stderr)
            return 1
    if not valid_pin(pin):
        print("A PIN is 4 to 12 digits; nothing changed.", file=sys.stderr)
        return 1
    paths = paths_from(args)
    store = open_store(paths)
    if store is None:
        return 1
    from kiosk_app.storage.staff_store import StaffStore

    hashed = hash_pin(pin)
    # The setting is kept for older tools; the default administrator account is what signs in.
    ok = store.set_setting(ADMIN_PIN_SETTING, hashed)
    try:
        StaffStore(store).set_default_admin_pin(hashed)
    except Exception as exc:  # noqa: BLE001 - StorageError or sqlite3.Error: report, change nothing more
        print(f"Could not save the PIN: {exc}", file=sys.stderr)
        ok = False
    store.close()
    if not ok:
        print("Could not save the PIN (database not writable).", file=sys.stderr)
        return 1
    print(f"Admin PIN saved (hashed) in {paths.db_file}.")
    return 0


def cmd_doctor(args) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk_app.admin import doctor

    ctx = doctor.context_for(args.root, args.manifest, args.data_dir, args.config)
    print(f"Kiosk doctor: {ctx.install.manifest_path}")
    text, code = doctor.report(doctor.run_doctor(ctx))
    print(text)
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "doctor":
        return cmd_doctor(args)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    commands = {"check": cmd_check, "set-admin-pin": cmd_set_admin_pin, **staff_commands.COMMANDS}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
