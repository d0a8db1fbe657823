"""Sending anonymous session records upward (optional, off by default).

Protocol: POST {url} with `Authorization: Bearer <token>` and a JSON body
`{"kiosk_id", "batch_id", "sent_at", "sessions": [...]}`; the server answers 2xx with
`{"accepted": [session ids]}`. Each session record carries a `version`, raised whenever the record
changes (a rating given after the session was sent). Only accepted ids are marked as sent, in the
version sent, so a record is sent until the server acknowledges its current version, and again
when it changes. A batch whose answer is lost is sent again: the server is expected to keep one
record per session id, the one with the highest version (idempotent).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk_app.logs import log_event, now_iso
from kiosk_app.storage.sync_log import count_pending, mark_sent, pending_sessions

log = logging.getLogger("kiosk.sync")


class SyncError(Exception):
    """Sending failed (server down, slow, refused, or answered garbage); nothing was marked sent."""


@dataclass(frozen=True)
class SyncResult:
    sent: int
    batches: int
    left: int


def next_delay(failures: int, base_s: float, max_s: float) -> float:
    """Exponential back-off: base, 2×base, 4×base, ... never above max_s."""
    return min(max_s, base_s * (2 ** max(0, failures - 1)))


def post_batch(http, url: str, token: str, timeout_s: float, kiosk_id: str, sessions: list[dict]) -> list[str]:
    """One request; returns the acknowledged ids or raises SyncError."""
    import requests

    body = {"kiosk_id": kiosk_id, "batch_id": str(uuid.uuid4()), "sent_at": now_iso(), "sessions": sessions}
    try:
        answer = http.post(url, json=body, timeout=timeout_s, headers={"Authorization": f"Bearer {token}"})
    except requests.RequestException as exc:
        raise SyncError(f"cannot reach {url}: {type(exc).__name__}") from exc
    if not 200 <= answer.status_code < 300:
        raise SyncError(f"the server answered {answer.status_code}")
    try:
        accepted = answer.json()["accepted"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncError("the server's answer is not the expected JSON") from exc
    if not isinstance(accepted, list):
        raise SyncError("the server's answer is not the expected JSON")
    sent = {s["id"] for s in sessions}
    return [sid for sid in accepted if isinstance(sid, str) and sid in sent]


def check_settings(cfg) -> None:
    if not cfg.enabled:
        raise SyncError("sending is off ([sync] enabled = false in the config)")
    if not cfg.url.startswith(("https://", "http://")):
        raise SyncError(f"[sync] url {cfg.url!r} is not a web address")


def sync_now(store, cfg, kiosk_id: str, http=None, attempts: int = 3, sleep: Callable[[float], None] = time.sleep,
             base_delay_s: float = 1.0) -> SyncResult:
    """Send everything pending, batch by batch; a failing batch is retried with back-off, then given up."""
    import requests

    check_settings(cfg)
    if store.database is None:
        raise SyncError("the database is not available")
    conn = store.database.conn
    http = http or requests.Session()
    sent = batches = 0
    while batch := pending_sessions(conn, cfg.batch_size):
        for attempt in range(1, attempts + 1):
            try:
                accepted = post_batch(http, cfg.url, cfg.token, cfg.timeout_s, kiosk_id, batch)
                break
            except SyncError as exc:
                log_event(log, "sync.failed", level=logging.WARNING, attempt=attempt, error=str(exc))
                if attempt == attempts:
                    return SyncResult(sent, batches, count_pending(conn))
                sleep(next_delay(attempt, base_delay_s, cfg.retry_max_s))
        versions = {s["id"]: s["version"] for s in batch}
        mark_sent(conn, [(sid, versions[sid]) for sid in accepted], str(uuid.uuid4()), now_iso())
        log_event(log, "sync.sent", sessions=len(accepted), offered=len(batch))
        sent += len(accepted)
        batches += 1
        if not accepted:  # the server took none of them: do not loop on the same batch
            break
    return SyncResult(sent, batches, count_pending(conn))


class SyncWorker:
    """In the running kiosk: a background thread with its own database connection that sends
    pending sessions, waits longer after each failure (up to retry_max_s), and stops on request."""

    def __init__(self, db_file: Path, cfg, kiosk_id: str, interval_s: float = 600.0):
        self._db_file, self._cfg, self._kiosk_id = db_file, cfg, kiosk_id
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self.failures = 0
        self.rounds = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        from kiosk_app.storage.database import connect

        while not self._stop.is_set():
            db = None
            try:
                db = connect(self._db_file)
                result = sync_now(_Reader(db), self._cfg, self._kiosk_id, attempts=1)
                self.failures = 0 if result.left == 0 else self.failures + 1
            except Exception as exc:  # noqa: BLE001 - a sync problem must never reach the kiosk
                self.failures += 1
                log_event(log, "sync.failed", level=logging.WARNING, error=str(exc))
            finally:
                if db is not None:
                    db.conn.close()
            self.rounds += 1
            wait = next_delay(self.failures, 5.0, self._cfg.retry_max_s) if self.failures else self._interval_s
            self._stop.wait(wait)


class _Reader:
    def __init__(self, db):
        self.database = db
