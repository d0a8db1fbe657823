"""Statistics and CSV export on a province-sized session log, beside plain SQL and `sqlite3 -csv`.

    .venv/bin/python bench/bench_stats.py [--sessions 1000000] [--events 1000000] [--db FILE]

Generates (once, kept in --db) a log of N sessions spread over five years (2022-2026) with
outcomes, procedures, officers, ratings and video/scan events, migrated by the kiosk's own
migrations (so with its indexes). Then, for the year 2025 (local days):
  - the kiosk's `figures.summary()` (every figure the screen shows) vs the one plain SQL query
    that counts the year's sessions by month, run by Python's sqlite3 and by the sqlite3 CLI;
  - the kiosk's CSV export (sessions file + per-procedure file) vs `sqlite3 -csv` of the same rows;
  - the kiosk's XLSX export of the same year (about 200k sessions): time and peak memory (RSS of a
    child process that does only that).
Goals: figures <= 2x the plain query, CSV <= 2x `sqlite3 -csv`.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk_app.stats import figures  # noqa: E402
from kiosk_app.storage import day_totals  # noqa: E402
from kiosk_app.stats.export import Labels, write_csv  # noqa: E402
from kiosk_app.stats.figures import DateRange, utc_bounds  # noqa: E402
from kiosk_app.storage.database import connect, migrate  # noqa: E402

YEAR = DateRange(date(2025, 1, 1), date(2025, 12, 31))
PROCEDURES = ["1.001193", "1.000894", "1.000656", "1.004873", "2.000815", "1.001022", None]
OUTCOMES = ["filed_alone"] * 4 + ["filed_helped"] * 3 + ["not_filed"] * 2 + [None, "practice"]
REASONS = ["no_level2", "missing_documents", "portal_error", "gave_up", "other"]

PLAIN_SQL = """SELECT strftime('%Y-%m', started_at, '+7 hours') AS m, count(*),
       sum(outcome = 'filed_alone'), sum(outcome = 'filed_helped'), sum(outcome = 'not_filed'), avg(duration_s)
FROM sessions WHERE started_at >= '{lo}' AND started_at < '{hi}' GROUP BY m"""
PLAIN_CSV = """SELECT id, kiosk_id, started_at, duration_s, mode, procedure_code, officer_id, helped, outcome,
       not_filed_reason, submitted, satisfaction, trips, satisfaction_reason, end_reason
FROM sessions WHERE started_at >= '{lo}' AND started_at < '{hi}' ORDER BY started_at"""


def generate(path: Path, sessions: int, events: int) -> None:
    db = connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    migrate(db, path.parent / "backups")
    rnd = random.Random(6)
    start = datetime(2022, 1, 1, tzinfo=timezone.utc).timestamp()
    span = datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp() - start
    conn = db.conn
    ids = []
    batch = []
    t0 = time.perf_counter()
    for i in range(sessions):
        ts = datetime.fromtimestamp(start + rnd.random() * span, timezone.utc)
        outcome = rnd.choice(OUTCOMES)
        sid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        ids.append((sid, ts))
        rating = rnd.choice([None, None, 5, 4, 4, 3, 2, 1])
        batch.append((sid, "kiosk-01", ts.isoformat(timespec="milliseconds"),
                      (ts + timedelta(minutes=10)).isoformat(timespec="milliseconds"),
                      rnd.choice(["resident", "resident", "staff"]), rnd.choice(["finished", "timeout", "staff"]),
                      "practice" if outcome == "practice" else rnd.choice(["self", "guided"]),
                      rnd.choice(PROCEDURES), rnd.choice([None, 1, 2, 3]), int(outcome == "filed_helped"),
                      int(outcome in ("filed_alone", "filed_helped")), outcome,
                      rnd.choice(REASONS) if outcome == "not_filed" else None, rnd.uniform(60, 2400),
                      rating, rnd.choice([0, 1, 2]) if rating else None,
                      "waited_long" if rating and rating <= 2 else None))
        if len(batch) == 50_000:
            _insert_sessions(conn, batch)
            batch = []
    _insert_sessions(conn, batch)
    ev = []
    for _ in range(events):
        sid, ts = rnd.choice(ids)
        kind = rnd.choice(["video.opened", "video.closed", "video.finished", "scan.pages", "scan.document"])
        data = {"video.opened": '{"guide": "vneid", "step": 0}',
                "video.closed": f'{{"guide": "vneid", "furthest_step": {rnd.randint(0, 5)}, "finished": false}}',
                "video.finished": '{"guide": "vneid"}', "scan.pages": '{"pages": 2}',
                "scan.document": '{"pages": 2, "bytes": 300000}'}[kind]
        ev.append((sid, (ts + timedelta(minutes=2)).isoformat(timespec="milliseconds"), kind, data))
        if len(ev) == 50_000:
            _insert_events(conn, ev)
            ev = []
    _insert_events(conn, ev)
    conn.execute("ANALYZE")
    conn.close()
    print(f"generated {sessions} sessions and {events} events in {time.perf_counter() - t0:.0f} s")


def _insert_sessions(conn, rows):
    with conn:
        conn.execute("BEGIN")  # the kiosk's connection is in autocommit mode: one transaction per batch
        conn.executemany("""INSERT INTO sessions (id, kiosk_id, started_at, ended_at, start_kind, end_reason, mode,
            procedure_code, officer_id, helped, submitted, outcome, not_filed_reason, duration_s, satisfaction, trips,
            satisfaction_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)


def _insert_events(conn, rows):
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events (session_id, ts, event, data) VALUES (?, ?, ?, ?)", rows)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the sqlite3 command)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


CPU: dict[int, float] = {}  # id(fn) -> median CPU seconds of its last interleaved() run


def interleaved(fns: list, runs: int) -> list[float]:
    """Median seconds of each function, run in turn (a b c a b c ...), so that a change in the
    machine's load falls on all of them alike. The median CPU time of each goes to CPU: on a
    shared machine it moves far less than the wall-clock time (waiting for a core is not in it)."""
    times: list[list[float]] = [[] for _ in fns]
    cpu: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            c, t = _cpu(), time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t)
            cpu[i].append(_cpu() - c)
    CPU.update({id(fn): statistics.median(c) for fn, c in zip(fns, cpu)})
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "kiosk-bench-stats" / "kiosk.db")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the XLSX export (about 100 s)")
    args = parser.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 command is needed (apt-get install sqlite3)")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        generate(args.db, args.sessions, args.events)
    db = connect(args.db)
    migrate(db, args.db.parent / "backups")  # a log generated by an older kiosk gets the new schema
    db.conn.close()
    conn = sqlite3.connect(args.db)
    total = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    lo, hi = utc_bounds(YEAR, 7)
    in_year = conn.execute("SELECT count(*) FROM sessions WHERE started_at >= ? AND started_at < ?", [lo, hi]).fetchone()[0]
    print(f"database: {total} sessions, {in_year} in {YEAR.start.year} (local days); {args.db}")

    plain = PLAIN_SQL.format(lo=lo, hi=hi)
    fns = [lambda: conn.execute(plain).fetchall(),
           lambda: subprocess.run(["sqlite3", str(args.db), plain], check=True, capture_output=True),
           lambda: figures.summary(conn, YEAR, 7)]
    t_plain_py, t_plain_cli, t_summary = interleaved(fns, args.runs)
    c_plain_py, c_plain_cli, c_summary = (CPU[id(fn)] for fn in fns)
    print(f"year's figures:  kiosk summary() {t_summary * 1000:8.0f} ms | plain SQL (python) "
          f"{t_plain_py * 1000:6.0f} ms | sqlite3 CLI {t_plain_cli * 1000:6.0f} ms | ratio "
          f"{t_summary / t_plain_py:.1f}x / {t_summary / t_plain_cli:.1f}x")
    print(f"  CPU time:      kiosk summary() {c_summary * 1000:8.0f} ms | plain SQL (python) "
          f"{c_plain_py * 1000:6.0f} ms | sqlite3 CLI {c_plain_cli * 1000:6.0f} ms | ratio "
          f"{c_summary / c_plain_py:.1f}x / {c_summary / c_plain_cli:.1f}x")

    out = args.db.parent / "export"
    out.mkdir(exist_ok=True)
    labels = Labels({}, {1: "An", 2: "Bình", 3: "Chi"}, "UBND xã", "kiosk-01")
    def cli_csv():
        with open(out / "plain.csv", "wb") as f:
            subprocess.run(["sqlite3", "-csv", "-header", str(args.db), PLAIN_CSV.format(lo=lo, hi=hi)], check=True,
                           stdout=f)

    kiosk_csv = lambda: write_csv(conn, YEAR, labels, out / "kiosk.csv", 7)  # noqa: E731
    t_csv, t_cli_csv = interleaved([kiosk_csv, cli_csv], args.runs)
    c_csv, c_cli_csv = CPU[id(kiosk_csv)], CPU[id(cli_csv)]
    size = (out / "kiosk.csv").stat().st_size / 1e6
    print(f"year's CSV:      kiosk write_csv() {t_csv:6.1f} s ({size:.0f} MB) | sqlite3 -csv {t_cli_csv:6.1f} s "
          f"({(out / 'plain.csv').stat().st_size / 1e6:.0f} MB) | ratio {t_csv / t_cli_csv:.1f}x")
    print(f"  CPU time:      kiosk write_csv() {c_csv:6.1f} s | sqlite3 -csv {c_cli_csv:6.1f} s | ratio "
          f"{c_csv / c_cli_csv:.1f}x")
    print("query plan of the counts:", " / ".join(r[3] for r in conn.execute(
        "EXPLAIN QUERY PLAN " + day_totals.CUBE_SQL, [str(YEAR.start), str(YEAR.end)])))
    os.remove(out / "plain.csv")
    verdict = (f"summary: figures {t_summary / t_plain_py:.1f}x the plain query (CPU {c_summary / c_plain_py:.1f}x; "
               f"goal <= 2x); CSV {t_csv / t_cli_csv:.1f}x sqlite3 -csv (CPU {c_csv / c_cli_csv:.1f}x; goal <= 2x)")
    if args.no_xlsx:
        print(verdict)
        return
    xlsx = out / "kiosk.xlsx"
    child = subprocess.run([sys.executable, "-c", XLSX_CHILD, str(args.db), str(xlsx)], check=True,
                           capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    seconds, peak_kb = child.stdout.split()
    print(f"year's XLSX:     kiosk write_xlsx() {float(seconds):6.1f} s ({xlsx.stat().st_size / 1e6:.0f} MB, "
          f"{in_year} sessions) | peak memory {int(peak_kb) / 1024:.0f} MB (RSS of the exporting process)")
    print(verdict)


# The XLSX export alone in a child process, so its peak memory is its own.
XLSX_CHILD = """
import resource, sqlite3, sys, time
from pathlib import Path
sys.path.insert(0, '.')
from bench.bench_stats import YEAR
from kiosk_app.stats.export import Labels, write_xlsx
conn = sqlite3.connect(sys.argv[1])
t = time.perf_counter()
write_xlsx(conn, YEAR, Labels({}, {1: 'An', 2: 'Bình', 3: 'Chi'}, 'UBND xã', 'kiosk-01'), Path(sys.argv[2]), 7)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


if __name__ == "__main__":
    main()
