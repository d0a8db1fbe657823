"""The resident session: start, events, end, and the wipe that leaves nothing behind.

Other parts of the kiosk register wipe steps (browser data, scanned files, players) with
`add_wipe_step`; `end()` runs them all, in order, then deletes the session's working folder.
Events recorded with `record()` go to the session log and to the JSON event log.
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from kiosk_app.logs import log_event, now_iso
from kiosk_app.paths import KioskPaths
from kiosk_app.storage.session_store import SessionStore

log = logging.getLogger("kiosk.session")

START_KINDS = ("resident", "staff", "demo")
END_REASONS = ("finished", "timeout", "staff", "interrupted", "shutdown")
MODES = ("self", "guided", "practice")


@dataclass
class Session:
    id: str
    work_dir: Path
    started_at: str
    started_monotonic: float
    start_kind: str
    mode: str = "self"
    fields: dict[str, Any] = field(default_factory=dict)

    def elapsed_s(self) -> float:
        return time.monotonic() - self.started_monotonic


WipeStep = Callable[[Session], None]


class SessionManager(QObject):
    started = Signal(object)  # Session
    ending = Signal(object, str)  # Session, reason: before the wipe
    ended = Signal(str, str)  # session id, reason: after the wipe

    def __init__(self, store: SessionStore, paths: KioskPaths, kiosk_id: str, parent=None):
        super().__init__(parent)
        self._store = store
        self._paths = paths
        self._kiosk_id = kiosk_id
        self._wipe_steps: list[tuple[str, WipeStep]] = []
        self.current: Session | None = None

    # ------------------------------------------------------------ lifecycle

    def add_wipe_step(self, name: str, step: WipeStep) -> None:
        """Register work to undo at the end of every session (run in registration order)."""
        self._wipe_steps.append((name, step))

    def recover_interrupted(self) -> list[str]:
        """At start-up: close sessions a crash left open, delete every leftover working folder."""
        running = self.current.id if self.current else None
        ids = self._store.close_interrupted(now_iso(), keep=running)
        for sid in ids:
            log_event(log, "session.interrupted", session=sid)
        if self._paths.sessions_dir.exists():
            for leftover in self._paths.sessions_dir.iterdir():
                if leftover.name == running:
                    continue
                shutil.rmtree(leftover, ignore_errors=True)
                log_event(log, "session.leftover_removed", folder=leftover.name)
        return ids

    def start(self, start_kind: str = "resident", mode: str = "self", **fields: Any) -> Session:
        if start_kind not in START_KINDS or mode not in MODES:
            raise ValueError(f"unknown start kind {start_kind!r} or mode {mode!r}")
        if self.current is not None:
            self.end("staff")
        sid = str(uuid.uuid4())
        work_dir = self._paths.session_dir(sid)
        try:
            work_dir.mkdir(parents=True, exist_ok=False)
        except OSError as exc:
            # Scanning and downloads need the folder; the session itself can still go on.
            log_event(log, "session.folder_failed", level=logging.ERROR, session=sid, error=str(exc))
        session = Session(sid, work_dir, now_iso(), time.monotonic(), start_kind, mode, dict(fields))
        self.current = session
        self._store.open_session({"id": sid, "kiosk_id": self._kiosk_id, "started_at": session.started_at,
                                  "start_kind": start_kind, "mode": mode, **fields})
        self.record("session.started", kind=start_kind, mode=mode)
        self.started.emit(session)
        return session

    def end(self, reason: str) -> None:
        if reason not in END_REASONS:
            raise ValueError(f"unknown end reason {reason!r}")
        session = self.current
        if session is None:
            return
        self.ending.emit(session, reason)
        for name, step in self._wipe_steps:
            try:
                step(session)
                self.record("session.wipe", step=name, ok=True)
            except Exception as exc:  # noqa: BLE001 - one failed step must not stop the others
                log.exception("wipe step %s failed", name)
                self.record("session.wipe", step=name, ok=False, error=type(exc).__name__)
        shutil.rmtree(session.work_dir, ignore_errors=True)
        if session.work_dir.exists():
            self.record("session.wipe", step="work_dir", ok=False)
        duration = round(session.elapsed_s(), 3)
        self.record("session.ended", reason=reason, duration_s=duration)
        self._store.update_session(session.id, ended_at=now_iso(), end_reason=reason, duration_s=duration)
        self.current = None
        self.ended.emit(session.id, reason)

    # ------------------------------------------------------------ facts about the session

    def record(self, event: str, **fields: Any) -> None:
        """Log an anonymous fact about the current session (never personal data)."""
        sid = self.current.id if self.current else None
        log_event(log, event, session=sid, **fields)
        self._store.add_event(sid, now_iso(), event, fields)

    def update(self, **fields: Any) -> None:
        """Set outcome fields of the current session (mode, procedure_code, submitted, ...)."""
        if self.current is None:
            return
        if "mode" in fields:
            if fields["mode"] not in MODES:
                raise ValueError(f"unknown mode {fields['mode']!r}")
            self.current.mode = fields["mode"]
        self.current.fields.update(fields)
        self._store.update_session(self.current.id, **fields)
        self.record("session.updated", **fields)

