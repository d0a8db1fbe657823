"""Sending session records to a local HTTP server: batches, idempotency, retries, bad servers."""

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk_app.config import load_config
from kiosk_app.stats.sync import SyncError, SyncWorker, next_delay, sync_now
from tests.conftest import wait_until
from tests.staff.conftest import DATASET


class Upstream:
    """A district server: keeps sessions by id; `script` lists how to answer the next requests."""

    def __init__(self):
        self.received: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.script: list[str] = []
        self.release = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                upstream.requests.append({"auth": self.headers.get("Authorization"), "body": body})
                how = upstream.script.pop(0) if upstream.script else "ok"
                if how == "slow":
                    upstream.release.wait(5)
                if how == "down":
                    return self._answer(503, b"busy")
                if how == "garbage":
                    return self._answer(200, b"<html>ok</html>")
                ids = [s["id"] for s in body["sessions"]]
                upstream.keep(body["sessions"])
                if how == "lost":  # stored, but the answer never arrives intact
                    return self._answer(200, b'{"accep')
                self._answer(200, json.dumps({"accepted": ids}).encode())

            def _answer(self, code, data):
                self.send_response(code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/phien"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keep(self, sessions):
        """One record per session id: the highest version wins (sending twice changes nothing)."""
        for s in sessions:
            old = self.received.get(s["id"])
            if old is None or s["version"] >= old["version"]:
                self.received[s["id"]] = s

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream():
    u = Upstream()
    yield u
    u.close()


def cfg(url, **kw):
    base = load_config().sync
    return dataclasses.replace(base, **{"enabled": True, "url": url, "token": "t0k3n", "batch_size": 3,
                                        "timeout_s": 1, **kw})


ENDED = {sid for sid, _ts, f in DATASET if f.get("start_kind") != "demo"}  # every generated one has ended


def test_sends_everything_in_batches_once(dataset, upstream):
    result = sync_now(dataset, cfg(upstream.url), "k1", sleep=lambda s: None)
    assert (result.sent, result.left) == (len(ENDED), 0) and result.batches == 3
    assert set(upstream.received) == ENDED
    assert {r["auth"] for r in upstream.requests} == {"Bearer t0k3n"}
    first = upstream.requests[0]["body"]
    assert first["kiosk_id"] == "k1" and len(first["sessions"]) == 3
    assert "officer_id" not in first["sessions"][0]  # anonymous records only
    again = sync_now(dataset, cfg(upstream.url), "k1", sleep=lambda s: None)
    assert (again.sent, again.batches) == (0, 0) and len(upstream.requests) == 3  # never twice


@pytest.mark.allow_log("sync.failed")
def test_retries_with_back_off_then_succeeds(dataset, upstream):
    upstream.script = ["down", "garbage"]
    pauses = []
    result = sync_now(dataset, cfg(upstream.url, batch_size=50), "k1", sleep=pauses.append, attempts=3)
    assert result.left == 0 and pauses == [1.0, 2.0]
    assert len(upstream.requests) == 3


@pytest.mark.allow_log("sync.failed")
def test_a_lost_answer_is_sent_again_and_the_server_keeps_one_copy(dataset, upstream):
    upstream.script = ["lost"]
    result = sync_now(dataset, cfg(upstream.url, batch_size=50), "k1", sleep=lambda s: None, attempts=2)
    assert result.left == 0
    sent_ids = [[s["id"] for s in r["body"]["sessions"]] for r in upstream.requests]
    assert sent_ids[0] == sent_ids[1] and len(upstream.received) == len(ENDED)


@pytest.mark.allow_log("sync.failed")
def test_a_server_that_stays_down_leaves_everything_pending(dataset, upstream):
    upstream.script = ["down"] * 10
    result = sync_now(dataset, cfg(upstream.url), "k1", sleep=lambda s: None, attempts=3)
    assert (result.sent, result.left) == (0, len(ENDED))
    assert dataset.database.execute("SELECT count(*) FROM sync_sent").fetchone()[0] == 0


@pytest.mark.allow_log("sync.failed")
def test_a_slow_server_times_out(dataset, upstream):
    upstream.script = ["slow"]
    result = sync_now(dataset, cfg(upstream.url), "k1", sleep=lambda s: None, attempts=1)
    assert result.sent == 0 and result.left == len(ENDED)


@pytest.mark.allow_log("sync.failed")
def test_nothing_listens(dataset):
    result = sync_now(dataset, cfg("http://127.0.0.1:9/phien"), "k1", sleep=lambda s: None, attempts=2)
    assert result.left == len(ENDED)


def test_off_by_default_and_bad_url_refused(dataset):
    with pytest.raises(SyncError, match="off"):
        sync_now(dataset, load_config().sync, "k1")
    with pytest.raises(SyncError, match="not a web address"):
        sync_now(dataset, cfg("ftp://x"), "k1")


def test_back_off_grows_to_its_ceiling():
    assert [next_delay(n, 5, 60) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_the_background_worker_sends_and_stops(dataset, upstream, kiosk_paths):
    dataset.flush()
    worker = SyncWorker(kiosk_paths.db_file, cfg(upstream.url), "k1", interval_s=60)
    worker.start()
    wait_until(lambda: len(upstream.received) == len(ENDED), timeout=20, what="the worker's upload")
    worker.stop()
    assert worker.failures == 0


def test_cli_sync(dataset, upstream, kiosk_paths, tmp_path, capsys):
    from kiosk_app.admin.cli import main as admin_main
    dataset.flush()
    own = tmp_path / "kiosk.toml"
    own.write_text(f'[sync]\nenabled = true\nurl = "{upstream.url}"\ntoken = "t0k3n"\n', encoding="utf-8")
    assert admin_main(["sync", "--data-dir", str(kiosk_paths.data_dir), "--config", str(own)]) == 0
    assert f"Sent {len(ENDED)} sessions" in capsys.readouterr().out
    upstream.script = []
    own.write_text('[sync]\nenabled = false\n', encoding="utf-8")
    assert admin_main(["sync", "--data-dir", str(kiosk_paths.data_dir), "--config", str(own)]) == 1
    assert "sending is off" in capsys.readouterr().err


def test_a_record_changed_after_it_was_sent_is_sent_again(dataset, upstream):
    """A rating given after a sync reaches the server, with a higher version, and only once."""
    sync_now(dataset, cfg(upstream.url), "kiosk-01")
    assert upstream.received["s4"]["satisfaction"] == 2 and upstream.received["s4"]["version"] == 1
    assert upstream.received["s6"]["satisfaction"] is None
    dataset.update_session("s6", satisfaction=5, trips=0)  # the rating screen, after the sync
    dataset.update_session("s2", satisfaction=5)  # the same value: nothing changed, nothing to send
    assert dataset.database.execute("SELECT sync_version FROM sessions WHERE id = 's2'").fetchone()[0] == 1
    upstream.requests.clear()
    result = sync_now(dataset, cfg(upstream.url), "kiosk-01")
    assert (result.sent, result.left) == (1, 0)
    assert [s["id"] for r in upstream.requests for s in r["body"]["sessions"]] == ["s6"]
    assert upstream.received["s6"]["satisfaction"] == 5 and upstream.received["s6"]["version"] == 2
    upstream.requests.clear()
    assert sync_now(dataset, cfg(upstream.url), "kiosk-01").sent == 0 and upstream.requests == []


def test_a_change_while_a_batch_is_on_its_way_is_sent_next_time(dataset, upstream):
    from kiosk_app.storage.sync_log import count_pending, mark_sent, pending_sessions

    conn = dataset.database.conn
    batch = pending_sessions(conn, 100)
    dataset.update_session("s3", satisfaction=1)  # changed after it was read for sending
    mark_sent(conn, [(s["id"], s["version"]) for s in batch], "b1", "now")
    assert [s["id"] for s in pending_sessions(conn, 100)] == ["s3"] and count_pending(conn) == 1
