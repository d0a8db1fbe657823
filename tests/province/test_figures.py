"""The province's figures equal the kiosk's own, from the same definitions, on the same sessions."""

import json

import psycopg
import pytest
from openpyxl import load_workbook

from kiosk_app.admin.cli import main as admin_main
from kiosk_app.province import figures as P
from kiosk_app.stats import figures as K
from kiosk_app.stats.figures import COUNT_SQL, make_range
from tests.province.conftest import issue_token, make_kiosk_db, province_cli
from tests.province.test_server import month_sessions
from tests.staff.conftest import add_event, dataset  # noqa: F401 - the kiosk's hand-computed sessions

NOVEMBER = make_range(K.parse_day("2026-10-01"), K.parse_day("2026-12-31"))


def test_every_kiosk_figure_has_a_postgresql_form():
    assert list(P.COUNT_SQL_PG) == list(COUNT_SQL)
    assert P.postgres_count("sum(eo = 'x')") == "count(*) FILTER (WHERE eo = 'x')"
    assert P.postgres_count("total(duration_s)") == "coalesce(sum(duration_s), 0)::float8"
    with pytest.raises(ValueError, match="no PostgreSQL form"):
        P.postgres_count("group_concat(eo)")


@pytest.fixture
def synced(dataset, kiosk_paths, province_server, tmp_path, capsys):
    """The staff tests' hand-computed dataset plus a generated month, in a kiosk and in the province."""
    dataset.database["sessions"].insert_all(
        [{"id": sid, "kiosk_id": "kiosk-01", "started_at": ts, "ended_at": ts, "start_kind": "resident",
          "end_reason": "finished", **f} for sid, ts, f in month_sessions("gen", 400, "2026-12")])
    add_event(dataset.database, "gen-00001", "2026-12-02T01:00:00.000+00:00", "portal.submitted", pattern=0)
    dataset.flush()
    token = issue_token(province_server.dsn, "kiosk-01", "Xã Tân Lập", "Huyện Đan Phượng")
    config = make_kiosk_db(tmp_path, "kiosk-01", province_server.url, token).config_file
    assert admin_main(["sync", "--data-dir", str(kiosk_paths.data_dir), "--config", str(config)]) == 0
    capsys.readouterr()
    return dataset


def test_the_same_sessions_give_the_same_figures(synced, province_server):
    with psycopg.connect(province_server.dsn) as conn:
        for offset in (7, 0):
            for group in ("day", "week", "month", "procedure", "all"):
                kiosk = K.counts_by(synced.database.conn, NOVEMBER, group, offset)
                assert P.counts_by(conn, NOVEMBER, group, offset) == kiosk, (group, offset)
        total = P.counts_by(conn, NOVEMBER, "all")[0][1]
    assert total.sessions == 9 + 400  # all but the demo session
    assert total.portal_submitted == 2  # s6 and gen-00001: from the kiosk's event log, carried in the records


def test_stats_and_export_from_the_command_line(synced, province_server, tmp_path):
    dsn = province_server.dsn
    issue_token(dsn, "kiosk-02", "Xã Hạ Mỗ", "Huyện Đan Phượng")  # a kiosk with nothing sent yet
    result = province_cli("stats", "--dsn", dsn, "--by", "commune", "--from", "2026-10-01", "--to", "2026-12-31",
                          "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    kiosk_total = K.total(synced.database.conn, NOVEMBER)
    assert answer["groups"] == [{"key": "Xã Tân Lập", **P.as_json(kiosk_total)}]
    table = province_cli("stats", "--dsn", dsn, "--by", "district", "--from", "2026-10-01", "--to", "2026-12-31")
    assert table.returncode == 0 and "Huyện Đan Phượng" in table.stdout
    xlsx = tmp_path / "tinh.xlsx"
    done = province_cli("export", "--dsn", dsn, "--format", "xlsx", "-o", str(xlsx), "--from", "2026-10-01",
                        "--to", "2026-12-31")
    assert done.returncode == 0, done.stderr
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Theo xã", "Theo huyện", "Theo tháng", "Theo thủ tục"]
    communes = list(wb["Theo xã"].values)
    assert communes[0][0] == "Xã" and communes[1][0] == "Xã Tân Lập"
    assert communes[1][communes[0].index("Số phiên")] == kiosk_total.sessions
    csv_file = tmp_path / "tinh.csv"
    assert province_cli("export", "--dsn", dsn, "--format", "csv", "--by", "month", "-o", str(csv_file),
                        "--from", "2026-10-01", "--to", "2026-12-31").returncode == 0
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Tháng,") and [line[:7] for line in lines[1:]] == ["2026-10", "2026-11", "2026-12"]
