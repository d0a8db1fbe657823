"""Staff PINs: stored only as salted scrypt hashes, checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

ADMIN_PIN_SETTING = "admin_pin_hash"
# scrypt cost: about 50 ms per check on a counter PC, which makes guessing offline slow.
N, R, P = 2**14, 8, 1


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and pin.isascii() and 4 <= len(pin) <= 12


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 to 12 digits")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str | None) -> bool:
    if not stored or not valid_pin(pin):
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)
