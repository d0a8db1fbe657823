"""The endpoint the kiosks' `[sync]` talks to: Starlette on uvicorn, psycopg 3 with a connection pool.

POST /sessions with `Authorization: Bearer <token>`: the token names one kiosk and writes only its
rows. The answer is `{"accepted": [ids]}`, every id of the batch that is stored (at the version
sent or a newer one) once the transaction has committed. Refusals are JSON with `error` and
`detail` and change nothing. TLS is the reverse proxy's job (README: the nginx site).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager

import orjson
import psycopg
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk_app.logs import log_event
from kiosk_app.province import ingest, schema
from kiosk_app.province.tokens import token_hash

log = logging.getLogger("kiosk.province")

PATH = "/sessions"
KNOWN_TOKENS = 100_000  # kiosks' tokens remembered (a province has hundreds of kiosks)


class Store:
    """The pool, and the months whose partition is known to exist (created on first use)."""

    def __init__(self, dsn: str, pool_size: int):
        # TimeZone UTC: a record's time without an offset is UTC, as the kiosk stores it.
        self.pool = AsyncConnectionPool(dsn, min_size=1, max_size=pool_size, open=False, configure=self._configure,
                                        kwargs={"autocommit": True, "options": "-c TimeZone=UTC"})
        self.months: set[str] = set()
        self.kiosks: dict[bytes, str] = {}  # token's SHA-256 -> its kiosk, for the tokens seen valid
        self._month_lock = asyncio.Lock()

    @staticmethod
    async def _configure(conn: psycopg.AsyncConnection) -> None:
        await conn.execute(ingest.BATCH_TABLE_SQL)  # the connection's own, for as long as it lives

    async def open(self) -> None:
        await self.pool.open(wait=True, timeout=30)
        async with self.pool.connection() as conn:
            rows = await (await conn.execute(schema.PARTITIONS_SQL)).fetchall()
            self.months = {r[0] for r in rows}

    async def kiosk_of(self, token_sha256: bytes) -> str | None:
        """The kiosk a valid token writes for. A token never changes kiosk, so it is asked once per
        token; whether it is revoked is checked again by every write (VALID_SQL)."""
        kiosk_id = self.kiosks.get(token_sha256)
        if kiosk_id is not None:
            return kiosk_id
        async with self.pool.connection() as conn:
            row = await (await conn.execute(
                "SELECT kiosk_id FROM tokens WHERE token_sha256 = %s AND revoked_at IS NULL",
                [token_sha256])).fetchone()
        if row is None:
            return None
        if len(self.kiosks) >= KNOWN_TOKENS:
            self.kiosks.clear()
        self.kiosks[token_sha256] = row[0]
        return row[0]

    async def ensure_partitions(self, batch: ingest.Batch) -> None:
        missing = [m for m in ingest.months_of(batch) if schema.partition_name(m) not in self.months]
        if not missing:
            return
        async with self._month_lock:
            async with self.pool.connection() as conn:
                async with conn.transaction():  # one creator at a time, across servers too
                    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('kiosk-province-partitions'))")
                    for month in missing:
                        await conn.execute(schema.partition_sql(month))
            self.months.update(schema.partition_name(m) for m in missing)

    async def store(self, batch: ingest.Batch, token_sha256: bytes) -> list[str]:
        await self.ensure_partitions(batch)
        try:
            return await self._upsert(batch, token_sha256)
        except psycopg.errors.CheckViolation:  # no partition: a month dropped (retention) after it was seen
            async with self.pool.connection() as conn:
                self.months = {r[0] for r in await (await conn.execute(schema.PARTITIONS_SQL)).fetchall()}
            await self.ensure_partitions(batch)
            return await self._upsert(batch, token_sha256)

    async def _upsert(self, batch: ingest.Batch, token_sha256: bytes) -> list[str]:
        try:
            written = await self._copy_new(batch, token_sha256)
        except psycopg.errors.UniqueViolation:  # some stored already: their versions decide
            written = await self._write(batch, token_sha256)
        if None in written:
            self.kiosks.pop(token_sha256, None)
            raise BAD_TOKEN
        return [sid for sid in batch.ids if sid in written]

    async def _copy_new(self, batch: ingest.Batch, token_sha256: bytes) -> set[str | None]:
        """The batch straight into `sessions`, if the token is still valid and none of its sessions
        is stored yet (UniqueViolation otherwise, and nothing is written)."""
        async with self.pool.connection() as conn:
            # A transaction committed once the answer is here, so a batch whose server dies while
            # PostgreSQL works on it is not stored. (A COPY in autocommit would commit a batch sent
            # whole before the server died: bench/README.md.)
            async with _refusing_bad_values(), conn.transaction(), conn.cursor() as cur:
                await cur.execute(ingest.VALID_SQL, {"kiosk": batch.kiosk_id, "token": token_sha256})
                if await cur.fetchone() is None:
                    return {None}
                await _copy_rows(cur, ingest.COPY_NEW_SQL, batch.rows)
        return set(batch.ids)

    async def _write(self, batch: ingest.Batch, token_sha256: bytes) -> set[str | None]:
        """The batch into the connection's temporary table, and upserted from there."""
        async with self.pool.connection() as conn:
            async with _refusing_bad_values(), conn.transaction(), conn.cursor() as cur:
                await _copy_rows(cur, ingest.COPY_SQL, batch.rows)
                await cur.execute(ingest.UPSERT_SQL, {"kiosk": batch.kiosk_id, "token": token_sha256})
                written = {r[0] for r in await cur.fetchall()}
                if None not in written and len(written) < len(batch.keys):
                    left = [k for k in batch.keys if k[0] not in written]
                    rows = await (await conn.execute(ingest.STORED_SQL, [*map(list, zip(*left)),
                                                                          batch.kiosk_id])).fetchall()
                    written.update(r[0] for r in rows)
        return written


async def _copy_rows(cur: psycopg.AsyncCursor, sql: str, rows: list[tuple]) -> None:
    """Checked rows into a table with binary COPY (their types: ingest.COPY_TYPES)."""
    async with cur.copy(sql) as copy:
        copy.set_types(ingest.COPY_TYPES)
        for row in rows:
            await copy.write_row(row)


@asynccontextmanager
async def _refusing_bad_values():
    try:
        yield
    except psycopg.errors.DataError as exc:  # a value Python read but PostgreSQL cannot
        raise ingest.Refused(422, "invalid_record", f"PostgreSQL refused a value: {exc.diag.message_primary}") from None


BAD_TOKEN = ingest.Refused(401, "bad_token", "this token is unknown or revoked; ask the province for one")


def refused(exc: ingest.Refused) -> JSONResponse:
    return JSONResponse(exc.answer(), status_code=exc.status)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise ingest.Refused(413, "too_large", f"the body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ingest.Refused(413, "too_large", f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ingest.Refused(401, "no_token", "send the kiosk's token as `Authorization: Bearer <token>`")
    return token.strip()


def create_app(dsn: str, pool_size: int = 8, max_body: int = ingest.MAX_BODY_BYTES) -> Starlette:
    store = Store(dsn, pool_size)

    @asynccontextmanager
    async def lifespan(app):
        await store.open()
        log_event(log, "province.ready", partitions=len(store.months))
        try:
            yield
        finally:
            await store.pool.close()

    async def receive(request: Request) -> Response:
        began = time.perf_counter()
        try:
            token_sha256 = token_hash(bearer(request))
            kiosk_id = await store.kiosk_of(token_sha256)
            if kiosk_id is None:
                raise BAD_TOKEN
            batch = ingest.parse_batch(await read_body(request, max_body), kiosk_id)
            parsed = time.perf_counter()
            accepted = await store.store(batch, token_sha256)
        except ingest.Refused as exc:
            log_event(log, "province.refused", level=logging.WARNING, status=exc.status, error=exc.code)
            return refused(exc)
        log_event(log, "province.stored", kiosk=kiosk_id, offered=len(batch.keys), accepted=len(accepted),
                  check_ms=round((parsed - began) * 1000, 1), store_ms=round((time.perf_counter() - parsed) * 1000, 1))
        return Response(orjson.dumps({"accepted": accepted}), media_type="application/json")  # 200 ids: orjson

    async def health(request: Request) -> JSONResponse:
        async with store.pool.connection() as conn:
            await conn.execute("SELECT 1")
        return JSONResponse({"ok": True})

    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": "http", "detail": exc.detail}, status_code=exc.status_code)

    return Starlette(routes=[Route(PATH, receive, methods=["POST"]), Route("/health", health, methods=["GET"])],
                     lifespan=lifespan, exception_handlers={HTTPException: http_error})


LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def app_from_env() -> Starlette:
    """The app of one of several uvicorn worker processes (`serve --workers N`), logging as `serve` does."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return create_app(os.environ["KIOSK_PROVINCE_DSN"], int(os.environ.get("KIOSK_PROVINCE_POOL_SIZE", "8")))


def serve(dsn: str, host: str, port: int, pool_size: int = 8, workers: int = 1) -> None:
    import psycopg
    import uvicorn

    with psycopg.connect(dsn) as conn:  # before listening: a clear message, not a failed start-up
        schema.check_schema(conn)
    options = dict(host=host, port=port, log_level="warning", access_log=False, lifespan="on")
    if workers == 1:
        uvicorn.run(create_app(dsn, pool_size), **options)
        return
    os.environ.update(KIOSK_PROVINCE_DSN=dsn, KIOSK_PROVINCE_POOL_SIZE=str(pool_size))
    uvicorn.run("kiosk_app.province.server:app_from_env", factory=True, workers=workers, **options)
