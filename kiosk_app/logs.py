"""Logging: named loggers per area, and a JSON-lines event log that tests and tools can follow.

`log_event(logger, "session.started", session=...)` writes one JSON line
`{"ts": ..., "event": "session.started", "session": ...}` to the --log-json target, and a readable
line to the ordinary log. Events carry anonymous facts only, never personal data.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    detail = " ".join(f"{k}={v}" for k, v in fields.items())
    logger.log(level, "%s %s", event, detail, extra={"event": event, "fields": fields})


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "event", None)
        line: dict[str, Any] = {"ts": now_iso(), "event": event or "log"}
        if event:
            line.update(getattr(record, "fields", {}))
        else:
            line["message"] = record.getMessage()
        line["level"] = record.levelname.lower()
        line["logger"] = record.name
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _FlushingStream(logging.StreamHandler):
    def emit(self, record):
        super().emit(record)
        self.flush()


def setup_logging(json_target: str | None, log_dir: Path | None = None, verbose: bool = False) -> None:
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    readable = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if json_target == "-":
        handler: logging.Handler = _FlushingStream(sys.stderr)
        handler.setFormatter(JsonLinesFormatter())
        root.addHandler(handler)
    else:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(readable)
        console.setLevel(logging.WARNING if not verbose else logging.DEBUG)
        root.addHandler(console)
        if json_target:
            Path(json_target).parent.mkdir(parents=True, exist_ok=True)
            handler = _FlushingStream(open(json_target, "a", encoding="utf-8"))
            handler.setFormatter(JsonLinesFormatter())
            root.addHandler(handler)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            rotating = logging.handlers.RotatingFileHandler(
                log_dir / "kiosk.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8")
            rotating.setFormatter(readable)
            root.addHandler(rotating)
        except OSError as exc:
            logging.getLogger("kiosk").warning("cannot write the log folder %s: %s", log_dir, exc)
