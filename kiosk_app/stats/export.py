"""Exports for a date range: CSV, XLSX (openpyxl) and a one-page PDF, written atomically.

Every file is written to a temporary name in the target folder and renamed at the end, so a full
or unplugged USB stick leaves either the whole file or nothing. Headings are Vietnamese; the
per-procedure sheet lines up with the provincial report on online filing (total, online,
self-filed, helped).
"""

from __future__ import annotations

import collections
import csv
import errno
import itertools
import os
import queue
import re
import secrets
import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from kiosk_app.stats import definitions as D
from kiosk_app.stats.figures import (DEFAULT_UTC_OFFSET_HOURS, EFFECTIVE_OUTCOME, IN_RANGE, Counts, DateRange,
                                     Summary, counts_by, summary, utc_bounds)
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
    guides: dict[str, str] = field(default_factory=dict)  # guide id -> its title in the manifest

    def guide(self, guide_id: str) -> str:
        return self.guides.get(guide_id) or guide_id

    def procedure(self, code: str) -> str:
        return (self.procedures.get(code) or code) if code else T.NO_PROCEDURE  # an unknown code: itself

    def officer(self, key) -> str:
        try:
            sid = int(key or 0)
        except ValueError:
            return str(key)
        return self.officers.get(sid, f"#{sid}") if sid else T.NO_OFFICER


# ---------------------------------------------------------------- writing safely

# Temporary files of an export sit beside the target (or in the kiosk's data folder), named
# `.<target name>.kiosk-export-<pid>.<random>.part`, so a later export or the kiosk's next start
# recognises and removes those of an export that was killed (its process is gone).
PART_TAG = ".kiosk-export-"
_PART_RE = re.compile(r"^\..*\.kiosk-export-(\d+)\.[^/]*\.part$")


def part_path(target: Path, what: str = "") -> Path:
    """A fresh temporary name beside `target`, recognisable as an export's."""
    return target.with_name(f".{target.name}{PART_TAG}{os.getpid()}.{what}{secrets.token_hex(4)}.part")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def remove_stale_parts(folder: Path) -> list[Path]:
    """Remove the temporary files of exports whose process is gone; returns what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _PART_RE.match(entry.name)
        if not found or _alive(int(found.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def check_target(target: Path) -> None:
    """Refuse anything but an existing regular file or a new name in an existing folder.

    A symlink, a device (`/dev/full`), a FIFO or a folder is never replaced by an export.
    """
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise ExportError("missing", f"the folder {target.parent} does not exist") from None
        return
    except OSError as exc:
        raise _export_error(exc, target) from exc
    if stat.S_ISDIR(st.st_mode):
        raise ExportError("missing", f"{target} is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise ExportError("not_a_file", f"{target} is not a regular file (a link, device or pipe); "
                                        "give the name of a new or ordinary file")


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
    check_target(target)
    remove_stale_parts(target.parent)
    tmp_path = part_path(target)
    try:
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        os.close(fd)
    except OSError as exc:
        raise _export_error(exc, target) from exc
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        check_target(target)  # again: it may have been replaced while the export ran
        os.replace(tmp_path, target)
    except OSError as exc:
        raise _export_error(exc, target) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# ---------------------------------------------------------------- text that stays text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(value):
    """OWASP's CSV-injection rule: a text cell starting with = + - @ tab or CR gets a leading
    apostrophe, so a spreadsheet shows it as text instead of running it (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_text(v) for v in values]


# ---------------------------------------------------------------- rows


def _param(params: dict, value) -> str:
    """A named parameter (named, so an expression written twice in the SQL binds the same values)."""
    name = f"p{len(params)}"
    params[name] = value
    return f":{name}"


def _cases(column: str, names: dict, params: dict, otherwise: str) -> str:
    """`CASE column WHEN code THEN name ... ELSE otherwise END`, codes and names as parameters."""
    if not names:
        return otherwise
    whens = " ".join(f"WHEN {_param(params, code)} THEN {_param(params, name)}" for code, name in names.items())
    return f"CASE {column} {whens} ELSE {otherwise} END"


def _formula_safe(expr: str) -> str:
    """The OWASP rule of `csv_text`, in SQL."""
    return (f"CASE WHEN substr({expr}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) "
            f"THEN char(39) || {expr} ELSE {expr} END")


# A field Python's csv writer (QUOTE_MINIMAL) puts in quotes: one holding , " CR or LF.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _csv_field(value):
    """A value as the csv module writes it (numbers and None as they are)."""
    if isinstance(value, str) and _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_field_sql(expr: str) -> str:
    """`_csv_field(csv_text(expr))` in SQL: the raw value is searched for the characters to quote
    (the apostrophe csv_text may add is not one of them), so its formula test runs once a row;
    four instr() cost a third of one GLOB '*[...]*' on a session id."""
    special = " OR ".join(f"instr({expr}, {c})" for c in ("','", "'\"'", "char(10)", "char(13)"))
    safe = _formula_safe(expr)
    return f"CASE WHEN {special} THEN '\"' || replace({safe}, '\"', '\"\"') || '\"' ELSE {safe} END"


def session_columns(labels: Labels, offset_hours: int, for_csv: bool) -> tuple[list[str], dict]:
    """The query whose rows are the sessions file, in Vietnamese, in the order of
    EXPORT_SESSION_COLUMNS: every label and date is made by SQLite, in C. For CSV each row is one
    finished line of the file (fields quoted as Python's csv module quotes them, CRLF), so a
    year's sessions are written about as fast as `sqlite3 -csv` writes the bare table, and text
    that comes from people or the log is made formula-safe: names (bound as parameters) here in
    Python, raw column values in SQL. Bind `lo` and `hi` (utc_bounds) too."""
    p: dict = {}
    raw = _csv_field_sql if for_csv else (lambda e: e)
    text = (lambda v: _csv_field(csv_text(v))) if for_csv else (lambda v: v)
    shift = _param(p, f"{offset_hours:+d} hours")
    yes, no = _param(p, text(T.YES)), _param(p, text(T.NO))

    def or_empty(column: str) -> str:  # raw(coalesce(column, '')), without testing '' a row
        return f"CASE WHEN {column} IS NULL THEN '' ELSE {raw(column)} END"

    def cases(column: str, names: dict, otherwise: str) -> str:
        return _cases(column, {code: text(name) for code, name in names.items()}, p, otherwise)

    if for_csv:  # the date and the time fields from one strftime
        when = [f"strftime('%d/%m/%Y,%H:%M', started_at, {shift})"]
    else:
        when = [f"strftime('%d/%m/%Y', started_at, {shift})", f"strftime('%H:%M', started_at, {shift})"]
    cols = [
        raw("id"), raw("kiosk_id"), *when,
        "CASE WHEN duration_s IS NULL THEN '' ELSE round(duration_s / 60.0, 1) END",
        cases("mode", T.MODE_NAMES, or_empty("mode")),
        or_empty("procedure_code"),
        f"CASE WHEN coalesce(procedure_code, '') = '' THEN {_param(p, text(T.NO_PROCEDURE))} ELSE "
        f"{cases('procedure_code', labels.procedures, raw('procedure_code'))} END",
        "CASE WHEN coalesce(officer_id, 0) = 0 THEN '' ELSE "
        f"{cases('officer_id', labels.officers, chr(39) + '#' + chr(39) + ' || officer_id')} END",
        f"CASE WHEN helped THEN {yes} ELSE {no} END",
        cases(f"({EFFECTIVE_OUTCOME})", T.OUTCOME_NAMES, _param(p, text(T.UNKNOWN))),
        cases("not_filed_reason", T.NOT_FILED_REASONS, or_empty("not_filed_reason")),
        f"CASE WHEN submitted THEN {yes} ELSE {no} END",
        cases("satisfaction", T.SAT_LEVELS, "''"),
        cases("trips", T.SAT_TRIPS, "''"),
        cases("satisfaction_reason", T.SAT_WHY, or_empty("satisfaction_reason")),
        cases("end_reason", T.END_REASONS, or_empty("end_reason")),
    ]
    return cols, p


# The sessions of [:lo, :hi) that count (utc_bounds).
_IN_NAMED_RANGE = IN_RANGE.replace("started_at >= ?", "started_at >= :lo").replace("started_at < ?", "started_at < :hi")


def session_sql(labels: Labels, offset_hours: int, for_csv: bool) -> tuple[str, dict]:
    """The sessions of [:lo, :hi) in time order. For CSV, a single row: all their lines, one after
    the other (`group_concat` reads the rows in the order of the query it is given), as the
    database's bytes, so a slice of thousands of sessions is one value for Python (printf writes
    NULL as nothing, like the csv module)."""
    cols, p = session_columns(labels, offset_hours, for_csv)
    ordered = f"FROM sessions WHERE {_IN_NAMED_RANGE} ORDER BY started_at"
    if not for_csv:
        return f"SELECT {', '.join(cols)} {ordered}", p
    line = _param(p, ",".join(["%s"] * len(cols)) + "\r\n")
    return (f"SELECT CAST(group_concat(line, '') AS BLOB) FROM (SELECT printf({line}, {', '.join(cols)}) AS line "
            f"{ordered})"), p


def session_rows(conn: sqlite3.Connection, rng: DateRange, labels: Labels,
                 offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> Iterator[tuple]:
    """One row per session, in Vietnamese, in the order of EXPORT_SESSION_COLUMNS."""
    sql, params = session_sql(labels, offset_hours, for_csv=False)
    lo, hi = utc_bounds(rng, offset_hours)
    return conn.execute(sql, {**params, "lo": lo, "hi": hi})


PROCEDURE_HEAD = [T.COLUMN_PROCEDURE_CODE, T.COLUMN_PROCEDURE] + [D.heading(k) for k in D.PROCEDURE_COLUMNS]
PERIOD_HEAD = [T.COLUMN_PERIOD] + [D.heading(k) for k in D.PERIOD_COLUMNS]
OFFICER_HEAD = [T.COLUMN_OFFICER] + [D.heading(k) for k in D.PERIOD_COLUMNS]


def procedure_rows(by_procedure: list[tuple[str, Counts]], labels: Labels) -> list[list]:
    return [[code or "", labels.procedure(code)] + D.row(D.PROCEDURE_COLUMNS, c) for code, c in by_procedure]


def period_rows(groups: list[tuple[str, Counts]], name=lambda k: k) -> list[list]:
    return [[name(k)] + D.row(D.PERIOD_COLUMNS, c) for k, c in groups]


def summary_rows(s: Summary, labels: Labels) -> list[list]:
    sat = s.satisfaction
    rows = [
        [T.SUMMARY_KIOSK, f"{labels.commune} ({labels.kiosk_id})".strip(), ""],
        [T.SUMMARY_RANGE, f"{s.range.start:%d/%m/%Y} – {s.range.end:%d/%m/%Y}", ""],
    ]
    rows += [[D.heading(k), D.cell(k, D.FIGURES[k].of(s)), D.FIGURES[k].how] for k in D.OVERVIEW]
    for level, name in T.SAT_LEVELS.items():
        rows.append([f"{D.FIGURES['satisfaction'].label}: {name}", sat.ratings.get(level, 0), ""])
    for g in s.guides:
        stop = g.most_left_step
        rows.append([f"{T.FIGURES['guides'][0]}: {labels.guide(g.guide)}", f"{g.opened} / {g.finished}",
                     "" if stop is None else f"bước {stop + 1}"])
    return rows


def reason_rows(s: Summary) -> list[list]:
    return [[T.NOT_FILED_REASONS.get(k, T.UNKNOWN), v] for k, v in s.not_filed_reasons.items()]


# ---------------------------------------------------------------- formats


# The sessions file is made slice by slice: a few days each, about LINES_PER_SLICE sessions, each
# slice one value from SQLite (its lines, joined), so Python handles a few dozen values for a year.
# With more than one slice, two threads make them, each with its own read-only connection (SQLite
# works without Python's lock), at most SLICES_AHEAD slices ahead of the file.
LINES_PER_SLICE = 5000
SLICE_THREADS = 2
SLICES_AHEAD = 4


def write_csv(conn, rng: DateRange, labels: Labels, target: Path,
              offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[Path]:
    """The sessions file, and next to it `<name>-theo-thu-tuc.csv` with the per-procedure table.

    UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters.
    """
    target = Path(target)
    side = target.with_name(f"{target.stem}-theo-thu-tuc{target.suffix or '.csv'}")
    check_target(side)  # before any work: both names must be fit to write
    by_procedure = counts_by(conn, rng, "procedure", offset_hours)
    sessions = sum(c.sessions for _code, c in by_procedure)
    sql, params = session_sql(labels, offset_hours, True)
    with atomic_file(target) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerow(T.EXPORT_SESSION_COLUMNS)
            f.flush()
            encoding = conn.execute("PRAGMA encoding").fetchone()[0]  # the kiosk's: UTF-8
            parts = slices(*utc_bounds(rng, offset_hours), sessions)
            with closing(_slice_lines(conn, sql, params, parts)) as made:  # a failed write stops the threads
                for lines in made:
                    if lines:  # bytes as SQLite made them: nothing decoded, unless the log is not UTF-8
                        f.buffer.write(lines if encoding == "UTF-8" else lines.decode(encoding).encode())
    with atomic_file(side) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(PROCEDURE_HEAD)
            out.writerows(map(csv_row, procedure_rows(by_procedure, labels)))
    return [target, side]


def _read_only_twins(conn, n: int) -> list[sqlite3.Connection]:
    """n read-only connections of their own to the connection's database file, usable from another
    thread; none for a database in memory or one that cannot be opened again."""
    row = conn.execute("PRAGMA database_list").fetchone()
    twins: list[sqlite3.Connection] = []
    if not row or not row[2]:
        return twins
    try:
        for _ in range(n):
            twins.append(sqlite3.connect(f"file:{quote(row[2])}?mode=ro", uri=True, check_same_thread=False))
            twins[-1].execute("SELECT count(*) FROM sessions WHERE rowid = 0").fetchone()
    except sqlite3.Error:
        for twin in twins:
            twin.close()
        return []
    return twins


def _slice_lines(conn, sql: str, params: dict, parts: list[tuple[str, str]]) -> Iterator[bytes | None]:
    """Each slice's lines (None for an empty slice), in order."""
    def lines(c: sqlite3.Connection, part: tuple[str, str]):
        return c.execute(sql, {**params, "lo": part[0], "hi": part[1]}).fetchone()[0]

    twins = _read_only_twins(conn, SLICE_THREADS) if len(parts) > 1 else []
    if not twins:
        yield from (lines(conn, part) for part in parts)
        return
    free: queue.SimpleQueue = queue.SimpleQueue()
    for twin in twins:
        free.put(twin)

    def on_a_free_connection(part: tuple[str, str]):
        c = free.get()
        try:
            return lines(c, part)
        finally:
            free.put(c)

    pool = ThreadPoolExecutor(len(twins), thread_name_prefix="csv-slices")
    try:
        ahead: collections.deque = collections.deque()
        for part in parts:
            ahead.append(pool.submit(on_a_free_connection, part))
            if len(ahead) > SLICES_AHEAD:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for twin in twins:
            twin.close()


def slices(lo: str, hi: str, sessions: int) -> list[tuple[str, str]]:
    """[lo, hi) cut into consecutive [from, to) of whole days, about LINES_PER_SLICE sessions each
    if they are spread evenly (a kiosk's are, day after day)."""
    start, end = datetime.fromisoformat(lo), datetime.fromisoformat(hi)
    days = max(1, (end - start).days)
    step = timedelta(days=max(1, min(days, days * LINES_PER_SLICE // max(1, sessions))))
    edges = [lo]
    while end - start > step:
        start += step
        edges.append(start.isoformat(timespec="seconds"))
    return list(zip(edges, [*edges[1:], hi]))


def _xlsx_text(value):
    """Text for a cell: the characters XML cannot hold are dropped (openpyxl would refuse them)."""
    return _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value


def write_xlsx(conn, rng: DateRange, labels: Labels, target: Path,
               offset_hours: int = DEFAULT_UTC_OFFSET_HOURS) -> list[Path]:
    """The workbook, streamed: each sheet is written to a temporary file beside the target (never
    to /tmp), and every text cell is stored as text, so `=1+1` stays the four characters."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet import _writer as sheet_writer

    target = Path(target)
    with atomic_file(target) as tmp:  # first: a missing target fails before any work
        s = summary(conn, rng, offset_hours)
        wb = Workbook(write_only=True)
        parts: list[str] = []

        def sheet(title: str, head: list[str], rows, widths=None):
            ws = wb.create_sheet(title[:31])
            # openpyxl's own writer would put the sheet in a temporary file under /tmp.
            part = str(part_path(target, f"sheet{len(parts)}."))
            parts.append(part)
            sheet_writer.ALL_TEMP_FILES.append(part)  # its cleanup() removes it from that list
            ws._writer = sheet_writer.WorksheetWriter(ws, out=part)
            ws._writer.write_top()
            for i, width in enumerate(widths or [22] * len(head)):
                ws.column_dimensions[get_column_letter(i + 1)].width = width
            cells = []
            for h in head:
                cell = WriteOnlyCell(ws, value=h)
                cell.font = Font(bold=True)
                cells.append(cell)
            ws.append(cells)
            for r in rows:
                ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in r])
            return ws

        def _text_cell(ws, value: str):
            if not value.startswith("="):
                return _xlsx_text(value)  # openpyxl stores it as text
            cell = WriteOnlyCell(ws, value=_xlsx_text(value))
            cell.data_type = "s"  # openpyxl would make it a live formula
            return cell

        try:
            sheet(T.SHEET_SUMMARY, T.SUMMARY_HEAD, summary_rows(s, labels), [34, 26, 90])
            sheet(T.SHEET_PROCEDURES, PROCEDURE_HEAD, procedure_rows(s.by_procedure, labels), [14, 40] + [16] * 8)
            sheet(T.SHEET_MONTHS, PERIOD_HEAD, period_rows(s.by_month))
            sheet(T.SHEET_DAYS, PERIOD_HEAD, period_rows(s.by_day))
            sheet(T.SHEET_OFFICERS, OFFICER_HEAD, period_rows(s.by_officer, labels.officer))
            sheet(T.SHEET_REASONS, [T.NOT_FILED_TITLE, D.FIGURES["sessions"].label], reason_rows(s), [40, 14])
            rows = iter(session_rows(conn, rng, labels, offset_hours))
            first, n = next(rows, None), 1
            while True:  # an Excel sheet holds about a million rows: go on in a second sheet
                chunk = [] if first is None else itertools.chain([first], itertools.islice(rows, XLSX_MAX_ROWS - 1))
                title = T.SHEET_SESSIONS if n == 1 else f"{T.SHEET_SESSIONS} {n}"
                sheet(title, T.EXPORT_SESSION_COLUMNS, chunk, [38, 12, 12, 10, 10] + [18] * 12)
                first = next(rows, None)
                if first is None:
                    break
                n += 1
            wb.save(tmp)
        finally:
            for part in parts:
                if os.path.exists(part):
                    os.unlink(part)
                if part in sheet_writer.ALL_TEMP_FILES:
                    sheet_writer.ALL_TEMP_FILES.remove(part)
    return [target]
