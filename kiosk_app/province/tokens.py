"""Kiosks' tokens: issued once (32 random bytes), stored only as their SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import psycopg



def token_hash(token: str) -> bytes:
    """What the database keeps of a token: its SHA-256 (a token has 256 random bits, so no salt)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass(frozen=True)
class TokenRow:
    id: int
    kiosk_id: str
    commune: str
    district: str
    created_at: datetime
    revoked_at: datetime | None


def add_token(conn: psycopg.Connection, kiosk_id: str, commune: str, district: str = "") -> str:
    """Register (or rename) the kiosk and issue it a new token; the token is returned, never stored."""
    if not kiosk_id.strip() or not commune.strip():
        raise ValueError("the kiosk id and the commune must not be empty")
    token = secrets.token_urlsafe(32)
    with conn.transaction():
        conn.execute("""INSERT INTO kiosks (kiosk_id, commune, district) VALUES (%s, %s, %s)
                        ON CONFLICT (kiosk_id) DO UPDATE SET commune = excluded.commune, district = excluded.district""",
                     [kiosk_id, commune, district])
        conn.execute("INSERT INTO tokens (kiosk_id, token_sha256) VALUES (%s, %s)", [kiosk_id, token_hash(token)])
    return token


def list_tokens(conn: psycopg.Connection) -> list[TokenRow]:
    rows = conn.execute("""SELECT t.id, t.kiosk_id, k.commune, k.district, t.created_at, t.revoked_at
                           FROM tokens t JOIN kiosks k USING (kiosk_id) ORDER BY t.id""").fetchall()
    return [TokenRow(*r) for r in rows]


def revoke(conn: psycopg.Connection, token_id: int | None = None, kiosk_id: str | None = None) -> int:
    """Revoke one token (by its number in `token list`) or every token of a kiosk; returns how many."""
    if (token_id is None) == (kiosk_id is None):
        raise ValueError("give a token number or a kiosk id")
    with conn.transaction():
        cur = conn.execute("""UPDATE tokens SET revoked_at = now() WHERE revoked_at IS NULL
                              AND (id = %s OR kiosk_id = %s)""", [token_id, kiosk_id])
    return cur.rowcount
