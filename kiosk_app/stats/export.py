"""Exports for a date range: CSV, XLSX (openpyxl) and a one-page PDF, written atomically.

Every file is written to a temporary name in the target folder and renamed at the end, so a full
or unplugged USB stick leaves either the whole file or nothing. Headings are Vietnamese; the
per-procedure sheet lines up with the provincial report on online filing (total, online,
self-filed, helped).
"""

from __future__ import annotations

import csv
import functools
import itertools
import errno
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kiosk_app.stats.figures import (DEFAULT_UTC_OFFSET_HOURS, IN_RANGE, Counts, DateRange, Summary, counts_by,
                                     summary, utc_bounds)
from kiosk_app.strings import staff as T

FORMATS = ("csv", "xlsx", "pdf")
XLSX_MAX_ROWS = 1_048_576 - 1  # Excel's limit, minus the heading row


class ExportError(Exception):
    """An export that could not be written; `code` picks the Vietnamese message for screens."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Labels:
    """Names for the codes stored in the log: procedures from the config, officers from the staff table."""

    procedures: dict[str, str]
    officers: dict[int, str]
    commune: str = ""
    kiosk_id: str = ""

    def procedure(self, code: str) -> str:
        return self.procedures.get(code, "") if code else T.NO_PROCEDURE

    def officer(self, key) -> str:
        try:
            sid = int(key or 0)
        except ValueError:
            return str(key)
        return self.officers.get(sid, f"#{sid}") if sid else T.NO_OFFICER


# ---------------------------------------------------------------- writing safely


def _export_error(exc: OSError, target: Path) -> ExportError:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return ExportError("missing", f"the folder {target.parent} does not exist")
    if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ExportError("read_only", f"cannot write to {target.parent}: {exc.strerror or exc}")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return ExportError("full", f"no space left for {target}")
    return ExportError("failed", f"cannot write {target}: {exc}")


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """A temporary path next to `target`; renamed over it only if the block finishes."""
    target = Path(target)
    if target.is_dir():
        raise ExportError("missing", f"{target} is a folder; give a file name")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be read
    except OSError as exc:
        raise _export_error(exc, target) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, target)
    except OSError as exc:
        raise _export_error(exc, target) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# ---------------------------------------------------------------- rows


SESSION_SQL = f"""SELECT id, kiosk_id, strftime('%d/%m/%Y', started_at, ?), strftime('%H:%M', started_at, ?),
                         duration_s, mode, procedure_code, officer_id, helped,
                         outcome, not_filed_reason, submitted, satisfaction, trips, satisfaction_reason,
                         end_reason
                  FROM sessions WHERE {IN_RANGE} ORDER BY started_at"""


def _pct(value: float | None):
    return round(value * 100, 1) if value is not None else ""


def _minutes(seconds) -> float | str:
    return round(seconds / 60, 1) if seconds is not None else ""


def session_rows(conn: sqlite3.Connection, rng: DateRange, labels: Labels,
                 offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> Iterator[list]:
    """One row per session, in Vietnamese, in the order of EXPORT_SESSION_COLUMNS."""
    shift = f"{offset_hours:+d} hours"  # local date and time computed by SQLite, in C
    cursor = conn.execute(SESSION_SQL, [shift, shift, *utc_bounds(rng, offset_hours)])
    procedure, officer_name = functools.lru_cache(None)(labels.procedure), functools.lru_cache(None)(labels.officer)
    while batch := cursor.fetchmany(5000):
        for (sid, kiosk, day, hour, duration, mode, code, officer, helped, outcome, reason, submitted,
             rating, trips, low_reason, end_reason) in batch:
            effective = "practice" if mode == "practice" else outcome
            yield [sid, kiosk, day, hour, _minutes(duration),
                   T.MODE_NAMES.get(mode, mode), code or "", procedure(code or ""),
                   officer_name(officer) if officer else "", T.YES if helped else T.NO,
                   T.OUTCOME_NAMES.get(effective, T.UNKNOWN), T.NOT_FILED_REASONS.get(reason, reason or ""),
                   T.YES if submitted else T.NO, T.SAT_LEVELS.get(rating, ""), T.SAT_TRIPS.get(trips, ""),
                   T.SAT_WHY.get(low_reason, low_reason or ""), T.END_REASONS.get(end_reason, end_reason or "")]


def procedure_rows(by_procedure: list[tuple[str, Counts]], labels: Labels) -> list[list]:
    rows = []
    for code, c in by_procedure:
        rows.append([code or "", labels.procedure(code), c.non_practice, c.filed, c.filed_alone, c.filed_helped,
                     c.not_filed, c.no_outcome, _pct(c.self_filing_rate), _pct(c.completion_rate)])
    return rows


def _period_row(key: str, c: Counts) -> list:
    return [key, c.sessions, c.practice, c.filed, c.filed_alone, c.filed_helped, c.not_filed,
            _pct(c.self_filing_rate), _pct(c.completion_rate), _minutes(c.avg_duration_s) if c.duration_n else ""]


def period_rows(groups: list[tuple[str, Counts]], name=lambda k: k) -> list[list]:
    return [_period_row(name(k), c) for k, c in groups]


def summary_rows(s: Summary, labels: Labels) -> list[list]:
    t = s.total
    F = T.FIGURES

    def row(key, value):
        return [F[key][0], value, F[key][1]]

    sat = s.satisfaction
    rows = [
        [T.SUMMARY_KIOSK, f"{labels.commune} ({labels.kiosk_id})".strip(), ""],
        [T.SUMMARY_RANGE, f"{s.range.start:%d/%m/%Y} – {s.range.end:%d/%m/%Y}", ""],
        row("sessions", t.sessions), row("practice", t.practice), row("filed", t.filed),
        row("filed_alone", t.filed_alone), row("filed_helped", t.filed_helped), row("not_filed", t.not_filed),
        row("no_outcome", t.no_outcome),
        row("self_filing_rate", f"{_pct(t.self_filing_rate)} %" if t.self_filing_rate is not None else T.RATE_NONE),
        row("completion_rate", f"{_pct(t.completion_rate)} %" if t.completion_rate is not None else T.RATE_NONE),
        row("portal_submitted", t.portal_submitted),
        row("avg_duration", _minutes(t.avg_duration_s) if t.duration_n else T.RATE_NONE),
        row("satisfaction", f"{sat.average:.2f} / 5 ({sat.answered})" if sat.answered else T.RATE_NONE),
        row("scans", f"{s.scans.pages} / {s.scans.documents}"),
    ]
    for level, name in T.SAT_LEVELS.items():
        rows.append([f"{F['satisfaction'][0]}: {name}", sat.ratings.get(level, 0), ""])
    for g in s.guides:
        stop = g.most_left_step
        rows.append([f"{F['guides'][0]}: {g.guide}", f"{g.opened} / {g.finished}",
                     "" if stop is None else f"bước {stop + 1}"])
    return rows


def reason_rows(s: Summary) -> list[list]:
    return [[T.NOT_FILED_REASONS.get(k, T.UNKNOWN), v] for k, v in s.not_filed_reasons.items()]


# ---------------------------------------------------------------- formats


def write_csv(conn, rng: DateRange, labels: Labels, target: Path,
              offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[Path]:
    """The sessions file, and next to it `<name>-theo-thu-tuc.csv` with the per-procedure table.

    UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters.
    """
    target = Path(target)
    written = []
    with atomic_file(target) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(T.EXPORT_SESSION_COLUMNS)
            out.writerows(session_rows(conn, rng, labels, offset_hours))
    written.append(target)
    side = target.with_name(f"{target.stem}-theo-thu-tuc{target.suffix or '.csv'}")
    with atomic_file(side) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(T.EXPORT_PROCEDURE_COLUMNS)
            out.writerows(procedure_rows(counts_by(conn, rng, "procedure", offset_hours), labels))
    written.append(side)
    return written


def write_xlsx(conn, rng: DateRange, labels: Labels, target: Path,
               offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with atomic_file(Path(target)) as tmp:  # first: a missing target fails before any work
        s = summary(conn, rng, offset_hours)
        wb = Workbook(write_only=True)

        def sheet(title: str, head: list[str], rows, widths=None):
            ws = wb.create_sheet(title[:31])
            for i, width in enumerate(widths or [22] * len(head)):
                ws.column_dimensions[get_column_letter(i + 1)].width = width
            cells = []
            for h in head:
                cell = WriteOnlyCell(ws, value=h)
                cell.font = Font(bold=True)
                cells.append(cell)
            ws.append(cells)
            for r in rows:
                ws.append(r)
            return ws

        sheet(T.SHEET_SUMMARY, T.SUMMARY_HEAD, summary_rows(s, labels), [34, 26, 90])
        sheet(T.SHEET_PROCEDURES, T.EXPORT_PROCEDURE_COLUMNS, procedure_rows(s.by_procedure, labels),
              [14, 40] + [16] * 8)
        sheet(T.SHEET_MONTHS, T.EXPORT_PERIOD_COLUMNS, period_rows(s.by_month))
        sheet(T.SHEET_DAYS, T.EXPORT_PERIOD_COLUMNS, period_rows(s.by_day))
        sheet(T.SHEET_OFFICERS, T.EXPORT_OFFICER_COLUMNS, period_rows(s.by_officer, labels.officer))
        sheet(T.SHEET_REASONS, [T.NOT_FILED_TITLE, T.FIGURES["sessions"][0]], reason_rows(s), [40, 14])
        rows = iter(session_rows(conn, rng, labels, offset_hours))
        first, part = next(rows, None), 1
        while True:  # an Excel sheet holds about a million rows: go on in a second sheet
            chunk = [] if first is None else itertools.chain([first], itertools.islice(rows, XLSX_MAX_ROWS - 1))
            title = T.SHEET_SESSIONS if part == 1 else f"{T.SHEET_SESSIONS} {part}"
            sheet(title, T.EXPORT_SESSION_COLUMNS, chunk, [38, 12, 12, 10, 10] + [18] * 12)
            first = next(rows, None)
            if first is None:
                break
            part += 1
        wb.save(tmp)
    return [Path(target)]
