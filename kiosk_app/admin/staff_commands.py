"""`kiosk-admin staff|stats|export|sync`: staff accounts and the figures, from the command line."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from kiosk_app.admin.auth import matching_account
from kiosk_app.admin.pin import hash_pin, valid_pin
from kiosk_app.storage.staff_store import ROLES, StaffStore, clean_name


def add_parsers(sub, common) -> None:
    staff = sub.add_parser("staff", help="officer and administrator accounts")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    add = ssub.add_parser("add", help="add an account (the PIN is asked for)")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=ROLES, default="officer")
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    remove = ssub.add_parser("remove", help="deactivate an account (its sessions keep its id)")
    setpin = ssub.add_parser("set-pin", help="change an account's PIN")
    setpin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    for p in (remove, setpin):
        who = p.add_mutually_exclusive_group(required=True)
        who.add_argument("--id", type=int)
        who.add_argument("--name")
    listing = ssub.add_parser("list", help="list the accounts")
    for p in (add, remove, setpin, listing):
        common(p)

    stats = sub.add_parser("stats", help="print the figures for a date range (local days, both included)")
    export = sub.add_parser("export", help="write the figures and the sessions to a file")
    for p in (stats, export):
        common(p)
        p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD or DD/MM/YYYY")
        p.add_argument("--to", dest="end", required=True, help="last day (included)")
    stats.add_argument("--by", choices=("day", "week", "month", "procedure", "officer"), default="month")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    export.add_argument("--format", choices=("csv", "xlsx", "pdf"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, help="the file to write")

    sync = sub.add_parser("sync", help="send session records upward now (when [sync] is configured)")
    common(sync)


def _cli():
    from kiosk_app.admin import cli  # late: cli imports this module

    return cli


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _read_pin(args, prompt: str) -> str | None:
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass(prompt)
    if getpass.getpass("Repeat it: ") != pin:
        return None
    return pin


def _new_pin_hash(args, accounts: StaffStore, except_id: int | None) -> str | None:
    pin = _read_pin(args, "PIN (4-12 digits): ")
    if pin is None:
        print("The two PINs differ; nothing changed.", file=sys.stderr)
        return None
    if not valid_pin(pin):
        print("A PIN is 4 to 12 digits; nothing changed.", file=sys.stderr)
        return None
    # The PIN alone says who signs in, so two accounts cannot share one.
    other = matching_account(pin, [a for a in accounts.accounts() if a.id != except_id])
    if other is not None:
        print("Another account already uses this PIN; choose another. Nothing changed.", file=sys.stderr)
        return None
    return hash_pin(pin)


def _find_one(accounts: StaffStore, args):
    if args.id is not None:
        found = [a for a in accounts.accounts() if a.id == args.id]
    else:
        found = accounts.find(args.name)
    if len(found) != 1:
        what = f"id {args.id}" if args.id is not None else f"name {args.name!r}"
        print(f"No single active account with {what} ({len(found)} found); see `kiosk-admin staff list`.",
              file=sys.stderr)
        return None
    return found[0]


def read_only_store(paths):
    """The database opened read-only for a command that only reads, or None after saying why not.

    Nothing is created, migrated, moved aside or repaired (the kiosk itself does that at start)."""
    from sqlite_utils import Database

    from kiosk_app.storage.database import DatabaseRefused, open_read_only
    from kiosk_app.storage.session_store import SessionStore

    try:
        conn = open_read_only(paths.db_file, check=True)
    except DatabaseRefused as exc:
        hint = "; check --data-dir" if exc.code == "missing" else ""
        print(f"Cannot read the database: {exc}{hint}.", file=sys.stderr)
        return None
    return SessionStore(Database(conn))


def cmd_staff(args) -> int:
    cli = _cli()
    if args.staff_command == "list":
        store = read_only_store(cli._paths(args))
    else:
        store = cli.open_store(cli._paths(args))
    if store is None:
        return 1
    accounts = StaffStore(store)
    try:
        if args.staff_command == "list":
            for a in accounts.accounts():
                default = " (default administrator)" if a.is_default_admin else ""
                # Names saved before names were checked may hold control characters: shown escaped.
                name = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in a.name)
                print(f"{a.id}\t{a.role}\t{name}{default}")
            return 0
        if args.staff_command == "add":
            name = clean_name(args.name)  # before the PIN is asked for
            hashed = _new_pin_hash(args, accounts, None)
            if hashed is None:
                return 1
            new_id = accounts.add(name, args.role, hashed)
            print(f"Added {args.role} {name!r} with id {new_id}.")
            return 0
        account = _find_one(accounts, args)
        if account is None:
            return 1
        if args.staff_command == "remove":
            if account.role == "admin" and sum(a.role == "admin" for a in accounts.accounts()) == 1:
                return _fail("This is the last administrator; add another one first. Nothing changed.")
            accounts.remove(account.id)
            print(f"Removed {account.name!r} (id {account.id}); their past sessions keep the id.")
            return 0
        hashed = _new_pin_hash(args, accounts, account.id)
        if hashed is None:
            return 1
        accounts.set_pin(account.id, hashed)
        print(f"PIN of {account.name!r} (id {account.id}) changed.")
        return 0
    except ValueError as exc:
        return _fail(f"{exc}; nothing changed.")
    except Exception as exc:  # noqa: BLE001 - StorageError: the database refused the change
        return _fail(f"Could not save: {exc}")
    finally:
        store.close()


def _context(args):
    """(store, config, range) for stats/export/sync, or an exit code after printing why not."""
    from kiosk_app.config import ConfigError, load_config
    from kiosk_app.stats.figures import RangeError, parse_range

    cli = _cli()
    try:
        config = load_config(cli._config_file(args))
    except ConfigError as exc:
        return _fail(str(exc))
    rng = None
    if hasattr(args, "start"):
        try:
            rng = parse_range(args.start, args.end)
        except RangeError as exc:
            return _fail(f"Bad date range: {exc}.")
    paths = cli._paths(args)
    if not paths.db_file.exists():
        return _fail(f"No kiosk database at {paths.db_file}; check --data-dir.")
    store = cli.open_store(paths) if args.command == "sync" else read_only_store(paths)
    if store is None:
        return 1
    return store, config, rng


def labels_for(config, store):
    from kiosk_app.stats.service import StatsService

    return StatsService(store, config).labels()


def _pct(value) -> str:
    return f"{value * 100:.1f}%" if value is not None else "-"


def cmd_stats(args) -> int:
    from kiosk_app.stats import figures

    ctx = _context(args)
    if isinstance(ctx, int):
        return ctx
    store, config, rng = ctx
    try:
        offset = config.reports.utc_offset_hours
        s = figures.summary(store.database.conn, rng, offset)
        labels = labels_for(config, store)
    finally:
        store.close()
    groups = {"day": s.by_day, "week": s.by_week, "month": s.by_month, "procedure": s.by_procedure,
              "officer": s.by_officer}[args.by]
    name = labels.officer if args.by == "officer" else str
    if args.json:
        def counts(c):
            return {"sessions": c.sessions, "practice": c.practice, "filed": c.filed, "filed_alone": c.filed_alone,
                    "filed_helped": c.filed_helped, "not_filed": c.not_filed, "no_outcome": c.no_outcome,
                    "portal_submitted": c.portal_submitted, "self_filing_rate": c.self_filing_rate,
                    "completion_rate": c.completion_rate, "avg_duration_s": c.avg_duration_s}
        print(json.dumps({"from": str(rng.start), "to": str(rng.end), "utc_offset_hours": offset,
                          "total": counts(s.total), "by": args.by,
                          "groups": [{"key": k, "name": name(k), **counts(c)} for k, c in groups],
                          "not_filed_reasons": s.not_filed_reasons,
                          "satisfaction": {str(k): v for k, v in s.satisfaction.ratings.items()},
                          "scans": {"pages": s.scans.pages, "documents": s.scans.documents},
                          "guides": [{"guide": g.guide, "opened": g.opened, "finished": g.finished,
                                      "stops": g.stops} for g in s.guides]}, ensure_ascii=False, indent=1))
        return 0
    t = s.total
    print(f"{config.kiosk.commune} ({config.kiosk.id}), {rng.start} to {rng.end} (local days, UTC{offset:+d})")
    if s.empty:
        print("No sessions in this range.")
        return 0
    print(f"sessions {t.sessions}, practice {t.practice}, filed {t.filed} (alone {t.filed_alone}, "
          f"helped {t.filed_helped}), not filed {t.not_filed}, no outcome {t.no_outcome}")
    print(f"self-filing rate {_pct(t.self_filing_rate)} (filed alone / filed); completion rate "
          f"{_pct(t.completion_rate)} (filed / sessions that were not practice)")
    avg = f"{t.avg_duration_s / 60:.1f} min" if t.avg_duration_s is not None else "-"
    print(f"average session {avg}; portal confirmed {t.portal_submitted}; scans {s.scans.pages} pages, "
          f"{s.scans.documents} PDF")
    if s.not_filed_reasons:
        print("not filed because: " + ", ".join(f"{k or 'unknown'} {v}" for k, v in s.not_filed_reasons.items()))
    if s.satisfaction.answered:
        print(f"satisfaction {s.satisfaction.average:.2f}/5 from {s.satisfaction.answered} ratings")
    print(f"\n{args.by:<12} {'sessions':>8} {'filed':>6} {'alone':>6} {'helped':>6} {'self%':>7} {'done%':>7}")
    for k, c in groups:
        print(f"{str(name(k))[:12]:<12} {c.sessions:>8} {c.filed:>6} {c.filed_alone:>6} {c.filed_helped:>6} "
              f"{_pct(c.self_filing_rate):>7} {_pct(c.completion_rate):>7}")
    return 0


def cmd_export(args) -> int:
    from kiosk_app.stats.export import ExportError
    from kiosk_app.stats.service import export_to

    ctx = _context(args)
    if isinstance(ctx, int):
        return ctx
    store, config, rng = ctx
    try:
        written = export_to(args.format, store.database.conn, rng, labels_for(config, store),
                            args.output, config.reports.utc_offset_hours)
    except ExportError as exc:
        return _fail(f"Nothing written: {exc}.")
    finally:
        store.close()
    for path in written:
        print(f"Wrote {path}")
    return 0


def cmd_sync(args) -> int:
    from kiosk_app.stats.sync import SyncError, sync_now

    ctx = _context(args)
    if isinstance(ctx, int):
        return ctx
    store, config, _rng = ctx
    try:
        result = sync_now(store, config.sync, config.kiosk.id)
    except SyncError as exc:
        return _fail(f"Not sent: {exc}")
    finally:
        store.close()
    print(f"Sent {result.sent} sessions in {result.batches} batches; {result.left} left to send.")
    return 0 if result.left == 0 else 1


COMMANDS = {"staff": cmd_staff, "stats": cmd_stats, "export": cmd_export, "sync": cmd_sync}
