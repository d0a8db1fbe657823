"""`kiosk-province`: the province's command line (schema, tokens, the server, figures, exports).

Every command takes `--dsn` (a libpq connection string or URI), or the KIOSK_PROVINCE_DSN
environment variable, which keeps a password out of the process list.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kiosk_app.stats.figures import DEFAULT_UTC_OFFSET_HOURS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-province", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def dsn(p):
        p.add_argument("--dsn", default=os.environ.get("KIOSK_PROVINCE_DSN"),
                       help="PostgreSQL connection string (default: $KIOSK_PROVINCE_DSN)")

    dsn(sub.add_parser("init", help="create or update the schema (versioned migrations)"))

    token = sub.add_parser("token", help="kiosks' tokens").add_subparsers(dest="token_command", required=True)
    add = token.add_parser("add", help="issue a token for a kiosk (printed once, stored as a hash)")
    add.add_argument("--kiosk-id", required=True)
    add.add_argument("--commune", required=True)
    add.add_argument("--district", default="")
    listing = token.add_parser("list", help="list the tokens (never the tokens themselves)")
    revoke = token.add_parser("revoke", help="revoke a token by its number, or every token of a kiosk")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, dest="token_id", help="the token's number in `token list`")
    which.add_argument("--kiosk-id")
    for p in (add, listing, revoke):
        dsn(p)

    serve = sub.add_parser("serve", help="receive the kiosks' session records (HTTP; TLS at the reverse proxy)")
    dsn(serve)
    serve.add_argument("--bind", default="127.0.0.1:8080", help="HOST:PORT to listen on (default 127.0.0.1:8080)")
    serve.add_argument("--pool-size", type=int, default=8, help="database connections per worker (default 8)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1; about one per core)")

    stats = sub.add_parser("stats", help="print the figures per commune, district, period or procedure")
    export = sub.add_parser("export", help="write the figures to a CSV or XLSX file")
    for p in (stats, export):
        dsn(p)
        p.add_argument("--from", dest="start", help="first local day, YYYY-MM-DD or DD/MM/YYYY (default 1 January)")
        p.add_argument("--to", dest="end", help="last local day, included (default today)")
        p.add_argument("--utc-offset-hours", type=int, default=DEFAULT_UTC_OFFSET_HOURS)
        p.add_argument("--commune", help="only this commune")
        p.add_argument("--kiosk-id", help="only this kiosk")
    stats.add_argument("--by", choices=("commune", "district", "day", "week", "month", "procedure", "kiosk"),
                       default="commune")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    export.add_argument("--format", choices=("csv", "xlsx"), required=True)
    export.add_argument("--by", choices=("commune", "district", "day", "week", "month", "procedure", "kiosk"),
                        default="commune", help="the CSV's grouping (the XLSX has a sheet for each)")
    export.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    return parser


def fail(message: str) -> int:
    print(f"kiosk-province: {message}", file=sys.stderr)
    return 1


def connect(dsn: str):
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def cmd_init(args) -> int:
    from kiosk_app.province.schema import migrate

    before, after = migrate(args.dsn)
    print(f"Schema at version {after}" + (f" (was {before})" if before != after else " (already up to date)"))
    return 0


def cmd_token(args) -> int:
    from kiosk_app.province import tokens

    with connect(args.dsn) as conn:
        if args.token_command == "add":
            token = tokens.add_token(conn, args.kiosk_id, args.commune, args.district)
            print(f"Token for kiosk {args.kiosk_id} ({args.commune}); put it in the kiosk's [sync] token, "
                  "it is not shown again:")
            print(token)
            return 0
        if args.token_command == "list":
            for t in tokens.list_tokens(conn):
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                print(f"{t.id:>5}  {t.kiosk_id:<20} {t.commune:<28} {t.district:<24} "
                      f"{t.created_at:%Y-%m-%d %H:%M}  {state}")
            return 0
        n = tokens.revoke(conn, args.token_id, args.kiosk_id)
        if not n:
            return fail("no active token matched")
        print(f"Revoked {n} token(s)")
        return 0


def cmd_serve(args) -> int:
    from kiosk_app.province.server import serve

    host, _, port = args.bind.rpartition(":")
    if not host or not port.isdigit():
        return fail(f"--bind {args.bind!r} is not HOST:PORT")
    serve(args.dsn, host, int(port), args.pool_size, args.workers)
    return 0


def _range(args):
    from kiosk_app.stats.figures import local_today, make_range, parse_day

    today = local_today(args.utc_offset_hours)
    start = parse_day(args.start) if args.start else today.replace(month=1, day=1)
    end = parse_day(args.end) if args.end else today
    return make_range(start, end)


def _grouped(args, conn, group: str):
    from kiosk_app.province import figures as P

    return P.counts_by(conn, _range(args), group, args.utc_offset_hours, P.Filter(args.kiosk_id, args.commune))


def cmd_stats(args) -> int:
    from kiosk_app.province import figures as P
    from kiosk_app.stats import definitions as D

    rng = _range(args)
    with connect(args.dsn) as conn:
        groups = _grouped(args, conn, args.by)
    if args.json:
        print(json.dumps({"from": str(rng.start), "to": str(rng.end), "utc_offset_hours": args.utc_offset_hours,
                          "by": args.by, "groups": [{"key": k, **P.as_json(c)} for k, c in groups]},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"{rng.start} to {rng.end} (local days, UTC{args.utc_offset_hours:+d}), by {args.by}")
    columns = ("sessions", "filed", "filed_alone", "filed_helped", "self_filing_rate", "completion_rate")
    print(f"{args.by:<28}" + "".join(f"{k[:14]:>16}" for k in columns))
    for key, c in groups:
        print(f"{key[:28]:<28}" + "".join(f"{D.display(k, D.FIGURES[k].value(c)):>16}" for k in columns))
    return 0


def cmd_export(args) -> int:
    from kiosk_app.province.export import write_csv, write_xlsx
    from kiosk_app.stats.export import ExportError

    try:
        with connect(args.dsn) as conn:
            if args.format == "csv":
                written = write_csv(args.output, args.by, _grouped(args, conn, args.by))
            else:
                written = write_xlsx(args.output, {g: _grouped(args, conn, g) for g in
                                                   ("commune", "district", "month", "procedure")})
    except ExportError as exc:
        return fail(str(exc))
    print(f"Wrote {written}")
    return 0


COMMANDS = {"init": cmd_init, "token": cmd_token, "serve": cmd_serve, "stats": cmd_stats, "export": cmd_export}


def main(argv: list[str] | None = None) -> int:
    import logging

    import psycopg

    from kiosk_app.province.schema import SchemaError
    from kiosk_app.stats.figures import RangeError

    args = build_parser().parse_args(argv)
    if not args.dsn:
        return fail("give --dsn or set KIOSK_PROVINCE_DSN")
    from kiosk_app.province.server import LOG_FORMAT

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        return COMMANDS[args.command](args)
    except (psycopg.Error, SchemaError, RangeError, ValueError) as exc:
        return fail(str(exc).strip() or type(exc).__name__)


if __name__ == "__main__":
    sys.exit(main())
