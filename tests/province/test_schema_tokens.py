"""The province's schema (versioned migrations, monthly partitions) and kiosks' tokens, on a real PostgreSQL."""

import hashlib
from datetime import datetime, timezone

import psycopg
import pytest

from kiosk_app.province import schema
from tests.province.conftest import province_cli


def test_init_creates_the_schema_once_and_records_its_version(pg_dsn):
    first = province_cli("init", "--dsn", pg_dsn)
    assert first.returncode == 0, first.stderr
    assert f"version {len(schema.MIGRATIONS)}" in first.stdout
    again = province_cli("init", "--dsn", pg_dsn)
    assert again.returncode == 0 and "already up to date" in again.stdout
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT version, name FROM schema_version").fetchall() == [
            (i, name) for i, (name, _sql) in enumerate(schema.MIGRATIONS, start=1)]
        kind = conn.execute("SELECT relkind FROM pg_class WHERE relname = 'sessions'").fetchone()[0]
        assert kind == "p"  # partitioned
        assert conn.execute(schema.PARTITIONS_SQL).fetchall() == []  # months appear with their sessions


def test_a_database_newer_than_the_program_is_refused(province_db):
    with psycopg.connect(province_db) as conn:
        conn.execute("INSERT INTO schema_version (version, name) VALUES (99, 'from the future')")
    result = province_cli("init", "--dsn", province_db)
    assert result.returncode == 1 and "version 99" in result.stderr and "update the program" in result.stderr


def test_month_partitions_have_utc_month_bounds(province_db):
    start = schema.month_start(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))
    assert schema.partition_name(start) == "sessions_2026_12"
    assert schema.next_month(start) == datetime(2027, 1, 1, tzinfo=timezone.utc)
    with psycopg.connect(province_db) as conn:
        conn.execute(schema.partition_sql(start))
        conn.execute(schema.partition_sql(start))  # twice is harmless
        assert conn.execute(schema.PARTITIONS_SQL).fetchall() == [("sessions_2026_12",)]
        bound = conn.execute("""SELECT pg_get_expr(relpartbound, oid) FROM pg_class
                                WHERE relname = 'sessions_2026_12'""").fetchone()[0]
        assert "2026-12-01 00:00:00+00" in bound and "2027-01-01 00:00:00+00" in bound


def test_token_add_prints_it_once_and_stores_only_its_hash(province_db):
    added = province_cli("token", "add", "--dsn", province_db, "--kiosk-id", "k-01", "--commune", "Xã Tân Lập",
                         "--district", "Huyện Đan Phượng")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 43  # 32 random bytes
    with psycopg.connect(province_db) as conn:
        stored = conn.execute("SELECT token_sha256 FROM tokens").fetchall()
        everything = conn.execute("SELECT string_agg(t::text, ' ') FROM tokens t").fetchone()[0]
    assert stored == [(hashlib.sha256(token.encode()).digest(),)]
    assert token not in everything
    listed = province_cli("token", "list", "--dsn", province_db)
    assert "k-01" in listed.stdout and "Xã Tân Lập" in listed.stdout and "active" in listed.stdout
    assert token not in listed.stdout


def test_token_revoke_by_number_or_kiosk(province_db):
    for _ in range(2):
        province_cli("token", "add", "--dsn", province_db, "--kiosk-id", "k-01", "--commune", "A")
    assert province_cli("token", "revoke", "--dsn", province_db, "--id", "1").returncode == 0
    assert "Revoked 1" in province_cli("token", "revoke", "--dsn", province_db, "--kiosk-id", "k-01").stdout
    again = province_cli("token", "revoke", "--dsn", province_db, "--kiosk-id", "k-01")
    assert again.returncode == 1 and "no active token" in again.stderr
    assert province_cli("token", "list", "--dsn", province_db).stdout.count("revoked") == 2


def test_without_a_dsn_the_cli_says_what_to_give():
    result = province_cli("init", env={"KIOSK_PROVINCE_DSN": ""})
    assert result.returncode == 1 and "--dsn" in result.stderr


@pytest.mark.parametrize("dsn", ["host=127.0.0.1 port=9 user=x dbname=y connect_timeout=2"])
def test_an_unreachable_server_is_one_line_not_a_traceback(dsn):
    result = province_cli("init", "--dsn", dsn)
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stderr.startswith("kiosk-province:")
