"""The province's ingest and figures on PostgreSQL, beside PostgreSQL's own COPY and a plain query.

    .venv/bin/python bench/bench_province.py [--sessions 3000000] [--kiosks 300] [--senders 8]
                                             [--workers 2] [--batch 200] [--dsn DSN]

Starts its own PostgreSQL (as the tests do, but with PostgreSQL's default durability: fsync and
synchronous commit on; --pg-settings sizes its memory and WAL), or uses --dsn (a database it may
empty). Then:
  1. ingest: `kiosk-province serve` (a subprocess) receives the year 2025's sessions of --kiosks
     simulated kiosks, in batches of --batch, from --senders concurrent processes, each posting the
     body and headers of the kiosk's `post_batch`; rows per second from the first request to the
     last answer;
  2. the anchor: the same rows, written once to a file, loaded into the same (emptied) table by the
     server's own `COPY ... FROM` file, indexes and partitions in place;
  3. the year's figures by commune (`kiosk-province stats --by commune`'s query) beside one plain SQL
     query that counts the same rows by commune; the median of --runs runs each.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from kiosk_app.province import figures as P  # noqa: E402
from kiosk_app.province.schema import SESSION_COLUMNS, migrate  # noqa: E402
from kiosk_app.province.tokens import add_token  # noqa: E402
from kiosk_app.stats.figures import DateRange, utc_bounds  # noqa: E402
from kiosk_app.storage.sync_log import SYNC_FIELDS  # noqa: E402

YEAR = DateRange(date(2025, 1, 1), date(2025, 12, 31))
PROCEDURES = ["1.001193", "1.000894", "1.000656", "1.004873", "2.000815", "1.001022", None]
OUTCOMES = ["filed_alone"] * 4 + ["filed_helped"] * 3 + ["not_filed"] * 2 + [None, "practice"]
REASONS = ["no_level2", "missing_documents", "portal_error", "gave_up", "other"]

PLAIN_SQL = """SELECT k.commune, count(*), count(*) FILTER (WHERE outcome = 'filed_alone'),
       count(*) FILTER (WHERE outcome = 'filed_helped'), count(*) FILTER (WHERE outcome = 'not_filed'),
       avg(duration_s)
FROM sessions s JOIN kiosks k USING (kiosk_id)
WHERE started_at >= %(lo)s AND started_at < %(hi)s GROUP BY 1"""


def kiosk_id(k: int) -> str:
    return f"kiosk-{k:03d}"


def kiosk_sessions(k: int, n: int) -> list[dict]:
    """Kiosk k's n sessions of 2025, oldest first, as its sync sends them (the same every run)."""
    rnd = random.Random(k)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc) - timedelta(hours=7)
    seconds = sorted(rnd.randrange(365 * 86400) for _ in range(n))
    out = []
    for i, s in enumerate(seconds):
        began = start + timedelta(seconds=s)
        outcome = rnd.choice(OUTCOMES)
        duration = rnd.randrange(30, 1800)
        out.append({
            "id": f"{kiosk_id(k)}-{i:07d}", "kiosk_id": kiosk_id(k), "started_at": began.isoformat(timespec="milliseconds"),
            "ended_at": (began + timedelta(seconds=duration)).isoformat(timespec="milliseconds"),
            "duration_s": duration, "start_kind": "resident", "end_reason": "finished",
            "mode": "practice" if outcome == "practice" else rnd.choice(("self", "self", "guided")),
            "procedure_code": rnd.choice(PROCEDURES), "helped": int(outcome == "filed_helped"),
            "submitted": int(outcome in ("filed_alone", "filed_helped")), "outcome": outcome,
            "not_filed_reason": rnd.choice(REASONS) if outcome == "not_filed" else None,
            "satisfaction": rnd.choice((None, 5, 5, 4, 4, 3, 2, 1)), "trips": rnd.choice((None, 0, 1, 2)),
            "satisfaction_reason": None, "portal_confirmed": int(outcome == "filed_alone" and rnd.random() < 0.8),
        })
    return out


def prepare(args) -> int:
    """Before the clock: one sender's batches, each line the body the kiosk's `post_batch` sends."""
    from kiosk_app.logs import now_iso

    path, kiosks, per_kiosk, batch = args
    lines = 0
    with open(path, "w", encoding="utf-8") as f:
        for k in kiosks:
            rows = kiosk_sessions(k, per_kiosk)
            for i in range(0, len(rows), batch):
                body = {"kiosk_id": kiosk_id(k), "batch_id": f"{k}-{i}", "sent_at": now_iso(),
                        "sessions": rows[i:i + batch]}
                f.write(f"{k}\t{json.dumps(body)}\n")
                lines += 1
    return lines


def sender(args) -> int:
    """One process posting its prepared batches one after the other, as kiosks' syncs do: the body
    and headers `post_batch` sends, over one kept-alive connection. The standard library's
    http.client, not requests: the senders share this machine's cores with the server and
    PostgreSQL (a province's server gets its requests over the network), and requests costs
    several times more CPU a request (bench/README.md)."""
    import http.client
    from urllib.parse import urlsplit

    url, path, tokens = args
    where = urlsplit(url)
    http = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    sent, cpu = 0, time.process_time()
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, body = line.rstrip("\n").split("\t", 1)
            http.request("POST", where.path, body=body.encode(), headers={
                "Authorization": f"Bearer {tokens[int(k)]}", "Content-Type": "application/json"})
            answer = http.getresponse()
            data = answer.read()
            if answer.status != 200:
                raise RuntimeError(f"the server answered {answer.status}: {data[:200]!r}")
            sent += len(json.loads(data)["accepted"])
    http.close()
    return sent, time.process_time() - cpu


def cpu_seconds(pid: int, children_named: str = "") -> float:
    """CPU time (user + system) of a process and its children now running (Linux /proc); with
    `children_named`, only the children whose command line contains it."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[1] == str(pid) and children_named not in (entry / "cmdline").read_text(errors="replace"):
                continue
        except (OSError, IndexError):
            continue
        if (entry.name == str(pid) and not children_named) or fields[1] == str(pid):  # fields[1]: the parent
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def copy_line(rec: dict) -> str:
    def text(v):
        if v is None:
            return r"\N"
        if isinstance(v, bool):
            return "t" if v else "f"
        return str(v)

    values = {**rec, "version": 0, "portal_confirmed": bool(rec["portal_confirmed"])}
    return "\t".join(text(values[c]) for c in SESSION_COLUMNS) + "\n"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=3_000_000)
    ap.add_argument("--kiosks", type=int, default=300)
    ap.add_argument("--senders", type=int, default=8, help="concurrent senders (a province's 300 kiosks send "
                    "at once; each sender posts its batches one after the other)")
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2, help="kiosk-province serve --workers (the README's advice: "
                    "one per core; this machine has 2)")
    ap.add_argument("--pg-settings", default="-c shared_buffers=1GB -c max_wal_size=4GB",
                    help="options of the PostgreSQL it starts (default: %(default)s)")
    ap.add_argument("--dsn", help="an existing database to use (it is emptied); default: a PostgreSQL of its own")
    args = ap.parse_args()
    assert set(SYNC_FIELDS) | {"version"} == set(SESSION_COLUMNS)
    per_kiosk = args.sessions // args.kiosks
    total = per_kiosk * args.kiosks

    server = work = None
    if args.dsn:
        dsn = args.dsn
    else:
        from tests.province.conftest import PostgresServer, pg_bin

        bindir = pg_bin()
        if bindir is None:
            print("PostgreSQL is not installed (Debian: apt-get install postgresql)")
            return 1
        work = Path(tempfile.mkdtemp(prefix="bench-province-"))
        os.chmod(work, 0o755)
        # PostgreSQL's defaults, but memory and WAL sized as a province's server would be (README).
        server = PostgresServer(bindir, work, durable=True, settings=args.pg_settings)
        server.start()
        dsn = server.dsn()
    serve = None
    work_dir = Path(tempfile.mkdtemp(prefix="bench-province-work-"))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS sessions, tokens, kiosks, schema_version CASCADE")
        migrate(dsn)
        with psycopg.connect(dsn, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            settings = dict(conn.execute("""SELECT name, setting FROM pg_settings WHERE name IN
                ('fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size')""").fetchall())
            tokens = {k: add_token(conn, kiosk_id(k), f"Xã {k:03d}", f"Huyện {k % 20:02d}")
                      for k in range(args.kiosks)}
        print(f"PostgreSQL {version} {settings}")
        print(f"{args.kiosks} kiosks × {per_kiosk} sessions = {total} sessions of 2025; batches of {args.batch}; "
              f"{args.senders} senders")

        from tests.province.conftest import free_port

        port = free_port()
        serve_log = open(work_dir / "serve.log", "wb")
        serve = subprocess.Popen([sys.executable, "-m", "kiosk_app.province", "serve", "--dsn", dsn,
                                  "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
                                 cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=serve_log)
        import requests

        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/sessions"
        shares = [list(range(args.kiosks))[i::args.senders] for i in range(args.senders)]
        files = [work_dir / f"sender{i}.jsonl" for i in range(args.senders)]
        postmaster = int((server.data / "postmaster.pid").read_text().split()[0]) if server else None
        with multiprocessing.Pool(args.senders) as pool:
            batches = sum(pool.map(prepare, [(f, s, per_kiosk, args.batch) for f, s in zip(files, shares)]))
            cpu0 = (cpu_seconds(serve.pid), postmaster and cpu_seconds(postmaster),
                    postmaster and cpu_seconds(postmaster, "127.0.0.1("))  # the server's connections
            t0 = time.perf_counter()
            sent, senders_cpu = map(sum, zip(*pool.map(sender, [(url, f, tokens) for f in files])))
            ingest_s = time.perf_counter() - t0
            server_cpu = cpu_seconds(serve.pid) - cpu0[0]
            pg_cpu = postmaster and cpu_seconds(postmaster) - cpu0[1]
            backends_cpu = postmaster and cpu_seconds(postmaster, "127.0.0.1(") - cpu0[2]
        for f in files:
            f.unlink()
        serve.terminate()
        serve.wait(timeout=30)
        serve = None
        with psycopg.connect(dsn, autocommit=True) as conn:
            stored = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        assert sent == stored == total, (sent, stored, total)
        print(f"ingest through kiosk-province serve: {total} rows ({batches} requests) in {ingest_s:.1f} s = "
              f"{total / ingest_s:,.0f} rows/s")
        serve_log.close()
        timings = re.findall(r"check_ms=([\d.]+) store_ms=([\d.]+)", (work_dir / "serve.log").read_text())
        print(f"  per request in the server (median): checking {statistics.median(float(c) for c, _s in timings):.1f} ms, "
              f"storing {statistics.median(float(s) for _c, s in timings):.1f} ms")
        print(f"  CPU per request: server {server_cpu / batches * 1000:.1f} ms, senders {senders_cpu / batches * 1000:.1f} ms"
              + (f", PostgreSQL {pg_cpu / batches * 1000:.1f} ms (its connections {backends_cpu / batches * 1000:.1f} ms, "
                 f"WAL writer, checkpoints and autovacuum the rest)" if postmaster else ""))

        # The anchor: the same rows, COPY'd by the server from a file into the emptied table.
        folder = Path(tempfile.mkdtemp(prefix="bench-province-copy-", dir=work))
        os.chmod(folder, 0o755)
        data = folder / "sessions.tsv"
        with open(data, "w", encoding="utf-8") as f:
            for k in range(args.kiosks):
                f.writelines(copy_line(r) for r in kiosk_sessions(k, per_kiosk))
        os.chmod(data, 0o644)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("TRUNCATE sessions")
            conn.execute("CHECKPOINT")
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            copy_cpu = cpu_seconds(backend)
            t0 = time.perf_counter()
            conn.execute(f"COPY sessions ({', '.join(SESSION_COLUMNS)}) FROM '{data}'")
            copy_s = time.perf_counter() - t0
            copy_cpu = cpu_seconds(backend) - copy_cpu
            assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == total
            conn.execute("VACUUM ANALYZE sessions")
            size = conn.execute("""SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i
                                   JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sessions'::regclass
                                """).fetchone()[0]
        shutil.rmtree(folder, ignore_errors=True)
        print(f"COPY of the same rows into the same table: {copy_s:.1f} s = {total / copy_s:,.0f} rows/s")
        print(f"ingest / COPY = {copy_s / ingest_s:.2f}× (goal ≥ 0.3×)")
        if postmaster:  # what each costs in CPU, whatever else the machine is doing
            ingest_cpu = server_cpu + backends_cpu  # COPY's connection beside the server and its connections
            print(f"  CPU per {args.batch} rows: COPY's connection {copy_cpu / total * args.batch * 1000:.1f} ms, "
                  f"the server and its connections {ingest_cpu / batches * 1000:.1f} ms: "
                  f"COPY / ingest = {copy_cpu / ingest_cpu:.2f}×")
        print(f"on disk with indexes: {size / 2**20:,.0f} MiB = {size / total:.0f} bytes a session")

        with psycopg.connect(dsn, autocommit=True) as conn:
            lo, hi = utc_bounds(YEAR)
            bounds = {"lo": lo + "+00:00", "hi": hi + "+00:00"}
            figures_s = median_time(lambda: P.counts_by(conn, YEAR, "commune"), args.runs)
            plain_s = median_time(lambda: conn.execute(PLAIN_SQL, bounds).fetchall(), args.runs)
            groups = P.counts_by(conn, YEAR, "commune")
        assert len(groups) == args.kiosks and sum(c.sessions for _k, c in groups) == total
        print(f"the year's figures by commune: {figures_s * 1000:.0f} ms; plain query: {plain_s * 1000:.0f} ms; "
              f"ratio {figures_s / plain_s:.2f}× (goal ≤ 2×)")
    finally:
        if serve is not None:
            serve.kill()
            serve.wait()
        shutil.rmtree(work_dir, ignore_errors=True)
        if server is not None:
            server.stop()
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
