"""The province's PostgreSQL schema: linear, versioned migrations and monthly session partitions.

`schema_version` holds one row per migration applied. Sessions are range-partitioned by the
month (UTC) of their start; a month's partition is created the first time a session of that month
arrives (`ensure_partitions`), so retention is dropping a month's table (see the README).
"""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg

# Anonymous facts only, as the kiosk sends them (kiosk_app.storage.sync_log.SYNC_FIELDS), plus
# the record's version (0 when the kiosk sends none) and when the province received it.
MIGRATIONS: list[tuple[str, str]] = [
    ("kiosks, tokens, sessions by month", """
        CREATE TABLE kiosks (
            kiosk_id text PRIMARY KEY,
            commune text NOT NULL,
            district text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE tokens (
            id bigserial PRIMARY KEY,
            kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
            token_sha256 bytea NOT NULL UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz
        );
        CREATE TABLE sessions (
            kiosk_id text NOT NULL,
            id text NOT NULL,
            started_at timestamptz NOT NULL,
            ended_at timestamptz,
            duration_s double precision,
            start_kind text,
            end_reason text,
            mode text,
            procedure_code text,
            helped smallint,
            submitted smallint,
            outcome text,
            not_filed_reason text,
            satisfaction smallint,
            trips smallint,
            satisfaction_reason text,
            portal_confirmed boolean,
            version bigint NOT NULL DEFAULT 0,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (kiosk_id, id, started_at)
        ) PARTITION BY RANGE (started_at);
        -- Figures read whole months in start order: a BRIN index costs next to nothing at ingest.
        CREATE INDEX sessions_started_brin ON sessions USING brin (started_at);
    """),
]

SESSION_COLUMNS = ("id", "kiosk_id", "started_at", "ended_at", "duration_s", "start_kind", "end_reason", "mode",
                   "procedure_code", "helped", "submitted", "outcome", "not_filed_reason", "satisfaction", "trips",
                   "satisfaction_reason", "portal_confirmed", "version")


class SchemaError(Exception):
    """The database's schema is newer than this program, or not the province's."""


def current_version(conn: psycopg.Connection) -> int:
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(dsn: str) -> tuple[int, int]:
    """Apply the missing migrations, each in its own transaction; returns (before, after)."""
    with psycopg.connect(dsn) as conn:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('kiosk-province-migrate'))")
            conn.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                                version integer PRIMARY KEY, name text NOT NULL,
                                applied_at timestamptz NOT NULL DEFAULT now())""")
            before = current_version(conn)
            if before > len(MIGRATIONS):
                raise SchemaError(f"the database is at schema version {before}; this program knows "
                                  f"{len(MIGRATIONS)}: update the program")
            for version, (name, sql) in enumerate(MIGRATIONS, start=1):
                if version <= before:
                    continue
                conn.execute(sql)
                conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", [version, name])
        return before, current_version(conn)


def check_schema(conn: psycopg.Connection) -> None:
    version = current_version(conn)
    if version != len(MIGRATIONS):
        raise SchemaError(f"the database is at schema version {version}, this program needs {len(MIGRATIONS)}: "
                          "run `kiosk-province init --dsn ...` first")


def month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(timezone.utc)
    return datetime(moment.year, moment.month, 1, tzinfo=timezone.utc)


def next_month(start: datetime) -> datetime:
    return start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)


def partition_name(start: datetime) -> str:
    return f"sessions_{start:%Y_%m}"


def partition_sql(start: datetime) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {partition_name(start)} PARTITION OF sessions "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{next_month(start).isoformat()}')")


PARTITIONS_SQL = """SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                    WHERE i.inhparent = 'sessions'::regclass ORDER BY 1"""
