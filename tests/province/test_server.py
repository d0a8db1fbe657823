"""`kiosk-province serve` on a real PostgreSQL, fed by the kiosks' own `kiosk-admin sync`."""

import json
from datetime import datetime, timezone
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import requests

from kiosk_app.admin.cli import main as admin_main
from kiosk_app.province import schema
from kiosk_app.province.ingest import MAX_BODY_BYTES
from kiosk_app.storage.sync_log import SYNC_FIELDS
from tests.conftest import wait_until
from tests.province.conftest import issue_token, make_kiosk_db

ROOT = Path(__file__).resolve().parents[2]


def rows_of(dsn, kiosk_id=None):
    with psycopg.connect(dsn) as conn:
        return conn.execute("""SELECT kiosk_id, id, version, satisfaction, outcome FROM sessions
                               WHERE %(k)s::text IS NULL OR kiosk_id = %(k)s ORDER BY kiosk_id, id""",
                            {"k": kiosk_id}).fetchall()


def record(sid, kiosk_id="k-a", started_at="2026-11-02T03:00:00.000+00:00", **fields):
    rec = {c: None for c in SYNC_FIELDS}
    rec.update(id=sid, kiosk_id=kiosk_id, started_at=started_at, ended_at=started_at, start_kind="resident",
               mode="self", end_reason="finished", helped=0, submitted=0, **fields)
    return rec


def post(server, token, sessions, kiosk_id="k-a", **extra):
    body = {"kiosk_id": kiosk_id, "batch_id": "b1", "sent_at": "2026-11-30T10:00:00+00:00", "sessions": sessions,
            **extra}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(server.url, json=body, headers=headers, timeout=10)


def month_sessions(prefix, n, month="2026-11"):
    """n ended sessions spread over a month, every fifth a practice, a few filed with help."""
    rows = []
    for i in range(n):
        outcome = ("filed_alone", "filed_helped", "not_filed", None)[i % 4]
        rows.append((f"{prefix}-{i:05d}", f"{month}-{1 + i % 28:02d}T{i % 10:02d}:{i % 60:02d}:00.000+00:00",
                     dict(outcome=outcome, mode="practice" if i % 5 == 0 else "self", procedure_code="ABC"[i % 3],
                          duration_s=60 + i % 300, submitted=int(outcome == "filed_alone"), helped=int(i % 7 == 0),
                          satisfaction=1 + i % 5)))
    return rows


def test_several_kiosks_deliver_their_sessions_through_kiosk_admin_sync(province_server, tmp_path, capsys):
    kiosks = []
    for n, kiosk_id in enumerate(("k-a", "k-b", "k-c")):
        token = issue_token(province_server.dsn, kiosk_id, f"Xã {kiosk_id}", "Huyện 1")
        kiosk = make_kiosk_db(tmp_path, kiosk_id, province_server.url, token, batch_size=40)
        kiosk.add_many(month_sessions(kiosk_id, 90 + 10 * n))
        kiosk.add(f"{kiosk_id}-demo", "2026-11-03T01:00:00.000+00:00", start_kind="demo")  # never leaves
        kiosk.add(f"{kiosk_id}-open", "2026-11-03T02:00:00.000+00:00", ended_at=None)  # not ended yet
        kiosks.append(kiosk)
    for n, kiosk in enumerate(kiosks):
        assert admin_main(kiosk.sync_args()) == 0
        assert f"Sent {90 + 10 * n} sessions" in capsys.readouterr().out
    for n, kiosk in enumerate(kiosks):
        stored = rows_of(province_server.dsn, kiosk.kiosk_id)
        assert [r[1] for r in stored] == [sid for sid, _t, _f in month_sessions(kiosk.kiosk_id, 90 + 10 * n)]
    assert admin_main(kiosks[0].sync_args()) == 0
    assert "Sent 0 sessions" in capsys.readouterr().out
    with psycopg.connect(province_server.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM sessions_2026_11").fetchone()[0] == 90 + 100 + 110


def test_a_server_killed_mid_batch_loses_nothing_and_duplicates_nothing(province_server, tmp_path):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    kiosk = make_kiosk_db(tmp_path, "k-a", province_server.url, token, batch_size=50)
    sessions = month_sessions("k-a", 300, "2026-10") + month_sessions("k-b", 300, "2026-11")
    kiosk.add_many(sessions)
    with psycopg.connect(province_server.dsn, autocommit=True) as holder, \
            psycopg.connect(province_server.dsn, autocommit=True) as watcher:
        holder.execute(schema.partition_sql(datetime(2026, 11, 1, tzinfo=timezone.utc)))
        province_server.stop()
        province_server.start()  # it knows November's partition
        # The first November batch waits inside the server's transaction; the server is killed there.
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE sessions_2026_11 IN SHARE MODE")
        sync = subprocess.Popen([sys.executable, "-m", "kiosk_app.admin.cli", *kiosk.sync_args()], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            def waiting() -> int:
                watcher.execute("SELECT pg_stat_clear_snapshot()")
                return watcher.execute("""SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
                                          AND (query LIKE 'COPY sessions %%' OR query LIKE '%%INSERT INTO sessions%%')""").fetchone()[0]

            wait_until(lambda: waiting() == 1, timeout=30, what="a November batch waiting in the server")
            assert watcher.execute("SELECT count(*) FROM sessions_2026_10").fetchone()[0] == 300
            province_server.kill()
            holder.execute("ROLLBACK")
            wait_until(lambda: waiting() == 0 and watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'").fetchone()[0] == 0,
                timeout=30, what="the killed server's transaction to end")
            assert watcher.execute("SELECT count(*) FROM sessions").fetchone()[0] == 300  # nothing half-stored
            out, _err = sync.communicate(timeout=60)  # it retries, then gives up with sessions left
        finally:
            if sync.poll() is None:
                sync.kill()
                sync.wait()
    assert sync.returncode == 1 and "Sent 300 sessions" in out and "300 left to send" in out
    province_server.start()
    again = subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", *kiosk.sync_args()], cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "Sent 300 sessions" in again.stdout, again.stderr
    stored = rows_of(province_server.dsn)
    assert [r[1] for r in stored] == sorted(sid for sid, _t, _f in sessions)  # each once, none missing


def test_a_batch_stored_but_not_acknowledged_is_taken_again_without_a_copy(province_server):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    batch = [record(f"s{i}") for i in range(5)]
    for _ in range(2):
        answer = post(province_server, token, batch)
        assert answer.status_code == 200 and sorted(answer.json()["accepted"]) == [f"s{i}" for i in range(5)]
    assert len(rows_of(province_server.dsn)) == 5


def test_a_batch_mixing_stored_and_new_sessions_stores_the_new_and_the_newer(province_server):
    # The COPY tried first fails on the stored ones; the upsert then takes the whole batch.
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    assert post(province_server, token, [record("s1"), record("s2")]).status_code == 200
    answer = post(province_server, token, [record("s0"), record("s1"), record("s2", version=1, satisfaction=5),
                                           record("s3")])
    assert sorted(answer.json()["accepted"]) == ["s0", "s1", "s2", "s3"]
    assert [(r[1], r[2], r[3]) for r in rows_of(province_server.dsn)] == [
        ("s0", 0, None), ("s1", 0, None), ("s2", 1, 5), ("s3", 0, None)]


def test_a_newer_version_replaces_an_older_never(province_server):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    assert post(province_server, token, [record("s1", outcome="filed_alone")]).json() == {"accepted": ["s1"]}
    assert rows_of(province_server.dsn) == [("k-a", "s1", 0, None, "filed_alone")]  # no version: 0
    assert post(province_server, token, [record("s1", version=2, satisfaction=5, outcome="filed_alone")]
                ).json() == {"accepted": ["s1"]}
    assert rows_of(province_server.dsn) == [("k-a", "s1", 2, 5, "filed_alone")]
    for old in (1, 2):  # an older or the same version: kept as stored, still acknowledged
        assert post(province_server, token, [record("s1", version=old, satisfaction=1, outcome="not_filed")]
                    ).json() == {"accepted": ["s1"]}
    assert rows_of(province_server.dsn) == [("k-a", "s1", 2, 5, "filed_alone")]
    # the same session twice in one batch: its highest version counts
    answer = post(province_server, token, [record("s2", version=3, satisfaction=4), record("s2", version=1)])
    assert answer.json() == {"accepted": ["s2"]}
    assert rows_of(province_server.dsn)[1] == ("k-a", "s2", 3, 4, None)


def test_months_get_their_partition_when_their_first_session_arrives(province_server):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    batch = [record("s1", started_at="2026-12-31T23:59:59.999+00:00"),
             record("s2", started_at="2027-01-01T00:00:00Z"), record("s3", started_at="2027-01-15T08:00:00")]
    assert len(post(province_server, token, batch).json()["accepted"]) == 3
    with psycopg.connect(province_server.dsn) as conn:
        placed = conn.execute("SELECT tableoid::regclass::text, id FROM sessions ORDER BY id").fetchall()
    assert placed == [("sessions_2026_12", "s1"), ("sessions_2027_01", "s2"), ("sessions_2027_01", "s3")]


def test_a_month_dropped_while_serving_is_made_again(province_server):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    assert post(province_server, token, [record("s1")]).json() == {"accepted": ["s1"]}
    with psycopg.connect(province_server.dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE sessions_2026_11")  # retention, as the README describes it
    assert post(province_server, token, [record("s2")]).json() == {"accepted": ["s2"]}
    assert [r[1] for r in rows_of(province_server.dsn)] == ["s2"]


@pytest.mark.parametrize("case, status, error", [
    ("not json", 400, "bad_json"),
    ("json list", 400, "bad_json"),
    ("unknown body field", 422, "unknown_field"),
    ("unknown record field", 422, "unknown_field"),
    ("bad time", 422, "invalid_record"),
    ("time only Python reads", 422, "invalid_record"),
    ("time at the calendar's end", 422, "invalid_record"),
    ("nul character", 422, "invalid_record"),
    ("bad number", 422, "invalid_record"),
    ("no id", 422, "invalid_record"),
    ("oversize", 413, "too_large"),
    ("no token", 401, "no_token"),
    ("wrong token", 401, "bad_token"),
    ("revoked token", 401, "bad_token"),
    ("other kiosk's batch", 403, "other_kiosk"),
    ("other kiosk's record", 403, "other_kiosk"),
])
def test_refusals_are_clear_json_and_change_nothing(province_server, case, status, error):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    issue_token(province_server.dsn, "k-b", "Xã B")
    good = [record("s1"), record("s2")]
    body = {"kiosk_id": "k-a", "batch_id": "b", "sent_at": "2026-11-30T10:00:00Z", "sessions": good}
    auth = {"Authorization": f"Bearer {token}"}
    data = None
    if case == "not json":
        data = b'{"kiosk_id": "k-a", "sessions": [}'
    elif case == "json list":
        data = json.dumps([body]).encode()
    elif case == "unknown body field":
        body["officer_id"] = 3
    elif case == "unknown record field":
        good[1]["resident_name"] = "Nguyễn Văn A"  # the kiosk never sends personal data; nor is it kept
    elif case == "bad time":
        good[1]["started_at"] = "yesterday"
    elif case == "time only Python reads":
        good[1]["started_at"] = "2026-W45-1T08:00:00"  # an ISO week date
    elif case == "time at the calendar's end":
        good[1]["started_at"] = "9999-12-31T23:00:00+00:00"  # no month after it for a partition
    elif case == "nul character":
        good[1]["procedure_code"] = "A\u0000B"
    elif case == "bad number":
        good[1]["satisfaction"] = "5"
    elif case == "no id":
        good[1]["id"] = ""
    elif case == "oversize":
        body["sessions"] = [record(f"s{i}", procedure_code="X" * 200) for i in range(MAX_BODY_BYTES // 400)]
    elif case == "no token":
        auth = {}
    elif case == "wrong token":
        auth = {"Authorization": "Bearer " + token[:-2] + "xx"}
    elif case == "revoked token":
        subprocess.run([sys.executable, "-m", "kiosk_app.province", "token", "revoke", "--dsn", province_server.dsn,
                        "--kiosk-id", "k-a"], cwd=ROOT, check=True, capture_output=True)
    elif case == "other kiosk's batch":
        body = {**body, "kiosk_id": "k-b", "sessions": [record("s1", kiosk_id="k-b")]}
    elif case == "other kiosk's record":
        good[1]["kiosk_id"] = "k-b"
    if data is None:
        data = json.dumps(body).encode()
    answer = requests.post(province_server.url, data=data, timeout=30,
                           headers={**auth, "Content-Type": "application/json"})
    assert answer.status_code == status
    assert answer.json()["error"] == error and answer.json()["detail"]
    assert rows_of(province_server.dsn) == []


def test_a_token_revoked_while_serving_is_refused_at_its_next_batch(province_server):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    assert post(province_server, token, [record("s1")]).json() == {"accepted": ["s1"]}  # its kiosk known
    subprocess.run([sys.executable, "-m", "kiosk_app.province", "token", "revoke", "--dsn", province_server.dsn,
                    "--kiosk-id", "k-a"], cwd=ROOT, check=True, capture_output=True)
    for _ in range(2):
        answer = post(province_server, token, [record("s1", version=1, satisfaction=1), record("s2")])
        assert answer.status_code == 401 and answer.json()["error"] == "bad_token"
    assert rows_of(province_server.dsn) == [("k-a", "s1", 0, None, None)]


def test_a_kiosk_token_writes_only_its_own_kiosk(province_server):
    token_a = issue_token(province_server.dsn, "k-a", "Xã A")
    token_b = issue_token(province_server.dsn, "k-b", "Xã B")
    assert post(province_server, token_b, [record("s1", kiosk_id="k-b", satisfaction=5)], kiosk_id="k-b"
                ).json() == {"accepted": ["s1"]}
    refused = post(province_server, token_a, [record("s1", kiosk_id="k-b", version=9, satisfaction=1)],
                   kiosk_id="k-b")
    assert refused.status_code == 403
    # The same session id from kiosk A is kiosk A's own row: kiosk B's is untouched.
    assert post(province_server, token_a, [record("s1", version=9, satisfaction=1)]).json() == {"accepted": ["s1"]}
    assert rows_of(province_server.dsn) == [("k-a", "s1", 9, 1, None), ("k-b", "s1", 0, 5, None)]


def test_other_paths_and_methods_answer_json(province_server):
    assert requests.get(province_server.url, timeout=5).status_code == 405
    missing = requests.post(province_server.url.replace("/sessions", "/other"), json={}, timeout=5)
    assert missing.status_code == 404 and missing.json()["error"] == "http"


def test_serve_refuses_a_database_without_the_schema(pg_dsn, tmp_path):
    result = subprocess.run([sys.executable, "-m", "kiosk_app.province", "serve", "--dsn", pg_dsn, "--bind",
                             "127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode != 0 and "kiosk-province init" in result.stderr


def test_a_rating_given_after_the_first_send_replaces_the_province_copy(province_server, tmp_path, capsys):
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    kiosk = make_kiosk_db(tmp_path, "k-a", province_server.url, token)
    kiosk.add("s1", "2026-11-02T03:00:00.000+00:00", outcome="filed_alone")
    assert admin_main(kiosk.sync_args()) == 0
    first = rows_of(province_server.dsn)
    assert [(r[1], r[3]) for r in first] == [("s1", None)]
    from kiosk_app.storage.session_store import SessionStore

    store, _problem = SessionStore.open(kiosk.paths.db_file, kiosk.paths.backups_dir)
    store.database.execute("UPDATE sessions SET satisfaction = 5 WHERE id = 's1'")
    store.database.conn.commit()
    store.close()
    assert admin_main(kiosk.sync_args()) == 0
    assert "Sent 1 sessions" in capsys.readouterr().out.splitlines()[-1]
    (again,) = rows_of(province_server.dsn)
    assert again[3] == 5 and again[2] > first[0][2]  # the newer version replaced the first copy
