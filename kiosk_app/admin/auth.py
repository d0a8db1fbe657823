"""Checking a staff PIN, with a lockout after too many wrong ones in a row."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from kiosk_app.admin.pin import ADMIN_PIN_SETTING, verify_pin
from kiosk_app.logs import log_event

if TYPE_CHECKING:
    from kiosk_app.storage.session_store import SessionStore

log = logging.getLogger("kiosk.admin")


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    role: str = ""  # "admin" when ok
    attempts_left: int = 0
    locked_for_s: float = 0.0
    not_set: bool = False


def lockout_left(failures: int, last_failure: float, now: float, limit: int, lockout_s: float) -> float:
    """Seconds the login stays locked (0 when it is open)."""
    if failures < limit:
        return 0.0
    return max(0.0, lockout_s - (now - last_failure))


class StaffAuth:
    def __init__(self, store: "SessionStore", failed_limit: int, lockout_s: float,
                 clock: Callable[[], float] = time.monotonic):
        self._store = store
        self._limit, self._lockout_s = failed_limit, lockout_s
        self._clock = clock
        self._failures = 0
        self._last_failure = 0.0

    def pin_is_set(self) -> bool:
        return bool(self._store.get_setting(ADMIN_PIN_SETTING))

    def locked_for(self) -> float:
        left = lockout_left(self._failures, self._last_failure, self._clock(), self._limit, self._lockout_s)
        if left == 0.0 and self._failures >= self._limit:
            self._failures = 0
        return left

    def check(self, pin: str) -> PinCheck:
        stored = self._store.get_setting(ADMIN_PIN_SETTING)
        if not stored:
            return PinCheck(False, not_set=True)
        locked = self.locked_for()
        if locked:
            log_event(log, "staff.login_locked", level=logging.WARNING)
            return PinCheck(False, locked_for_s=locked)
        if verify_pin(pin, stored):
            self._failures = 0
            log_event(log, "staff.login", role="admin")
            return PinCheck(True, role="admin")
        self._failures += 1
        self._last_failure = self._clock()
        log_event(log, "staff.login_failed", level=logging.WARNING, failures=self._failures)
        return PinCheck(False, attempts_left=max(0, self._limit - self._failures),
                        locked_for_s=self.locked_for())
