"""A real PostgreSQL for the province's tests: initdb into a temporary folder, pg_ctl on a free
loopback port, one database per test; stopped and removed at the end of the run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN_DIRS = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (15, 16, 17, 14, 13)]


def pg_bin() -> Path | None:
    for folder in PG_BIN_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found and shutil.which("initdb") else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user() -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the `postgres` user then."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if not runuser:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as an unprivileged user")
    return [runuser, "-u", "postgres", "--"]


class PostgresServer:
    def __init__(self, bindir: Path, root: Path, durable: bool = False, settings: str = ""):
        self.bindir, self.root, self.durable, self.settings = bindir, root, durable, settings
        self.data = root / "data"
        self.socket_dir = root / "socket"
        self.port = free_port()
        self.wrap = _as_user()

    def run(self, *args: str) -> None:
        subprocess.run([*self.wrap, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.socket_dir.mkdir()
        if self.wrap:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.socket_dir} "
                   f"-c max_connections=60 {self.settings}")
        if not self.durable:  # tests trade durability for speed; a benchmark keeps PostgreSQL's defaults
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                 "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"


@pytest.fixture(scope="session")
def pg_server():
    bindir = pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="kiosk-province-pg-"))
    os.chmod(root, 0o755)
    server = PostgresServer(bindir, root)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_dsn(pg_server):
    """A fresh, empty database on the test server (dropped afterwards)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.dsn(name)
    with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def province_db(pg_dsn):
    """A database with the province's schema."""
    from kiosk_app.province.schema import migrate

    migrate(pg_dsn)
    return pg_dsn


def province_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`kiosk-province ARGS` as a subprocess (python -m, so the tree under test is the one run)."""
    root = Path(__file__).resolve().parents[2]
    full_env = {**os.environ, "PYTHONPATH": str(root), **(env or {})}
    return subprocess.run([sys.executable, "-m", "kiosk_app.province", *args], capture_output=True, text=True,
                          timeout=60, env=full_env, cwd=root)


class ProvinceServer:
    """`kiosk-province serve` as a subprocess on a free loopback port."""

    def __init__(self, dsn: str, log_file: Path):
        self.dsn, self.log_file = dsn, log_file
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sessions"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ProvinceServer":
        import requests

        from tests.conftest import wait_until

        root = Path(__file__).resolve().parents[2]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk_app.province", "serve", "--dsn", self.dsn, "--bind",
             f"127.0.0.1:{self.port}", "--pool-size", "4"],
            cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
            stdout=subprocess.DEVNULL, stderr=open(self.log_file, "ab"))

        def up():
            assert self.proc.poll() is None, self.log_file.read_text()
            try:
                return requests.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(up, timeout=30, what="kiosk-province serve")
        return self

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no chance to finish anything
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def province_server(province_db, tmp_path):
    server = ProvinceServer(province_db, tmp_path / "province.log").start()
    yield server
    server.stop()


def issue_token(dsn: str, kiosk_id: str, commune: str, district: str = "") -> str:
    import psycopg

    from kiosk_app.province.tokens import add_token

    with psycopg.connect(dsn, autocommit=True) as conn:
        return add_token(conn, kiosk_id, commune, district)


@dataclass
class KioskDb:
    """One kiosk's data folder with its session log, and a config whose [sync] points at the province."""

    kiosk_id: str
    paths: object
    config_file: Path

    def add(self, sid: str, started_at: str, **fields) -> None:
        from kiosk_app.storage.session_store import SessionStore
        from tests.staff.conftest import add_session

        store, problem = SessionStore.open(self.paths.db_file, self.paths.backups_dir)
        assert problem is None
        try:
            add_session(store.database, sid, started_at, kiosk_id=self.kiosk_id, **fields)
        finally:
            store.close()

    def add_many(self, rows: list[tuple[str, str, dict]]) -> None:
        from kiosk_app.storage.session_store import SessionStore

        store, problem = SessionStore.open(self.paths.db_file, self.paths.backups_dir)
        assert problem is None
        try:
            base = {"kiosk_id": self.kiosk_id, "start_kind": "resident", "mode": "self", "end_reason": "finished"}
            store.database["sessions"].insert_all(
                [{**base, "id": sid, "started_at": ts, "ended_at": ts, **f} for sid, ts, f in rows])
        finally:
            store.close()

    def sync_args(self) -> list[str]:
        return ["sync", "--data-dir", str(self.paths.data_dir), "--config", str(self.config_file)]


def make_kiosk_db(root: Path, kiosk_id: str, url: str, token: str, batch_size: int = 50) -> KioskDb:
    from kiosk_app.paths import KioskPaths
    from kiosk_app.storage.session_store import SessionStore

    paths = KioskPaths(root / kiosk_id)
    paths.ensure()
    store, problem = SessionStore.open(paths.db_file, paths.backups_dir)
    assert problem is None
    store.close()
    config = root / f"{kiosk_id}.toml"
    config.write_text(f'[kiosk]\nid = "{kiosk_id}"\n\n[sync]\nenabled = true\nurl = "{url}"\ntoken = "{token}"\n'
                      f"batch_size = {batch_size}\ntimeout_s = 10\n", encoding="utf-8")
    return KioskDb(kiosk_id, paths, config)
