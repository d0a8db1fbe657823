"""Checking a staff PIN against the staff accounts, with a lockout after too many wrong ones.

Each account (officer or administrator) has its own PIN; the PIN alone says who is signing in.
A database from before named accounts (only the `admin_pin_hash` setting) still works: that
hash then acts as the administrator's.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from kiosk_app.admin.pin import ADMIN_PIN_SETTING, verify_pin
from kiosk_app.logs import log_event, now_iso
from kiosk_app.storage.staff_store import DEFAULT_ADMIN_NAME, StaffAccount, StaffStore

if TYPE_CHECKING:
    from kiosk_app.storage.session_store import SessionStore

log = logging.getLogger("kiosk.admin")


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    role: str = ""  # "admin" or "officer" when ok
    attempts_left: int = 0
    locked_for_s: float = 0.0
    not_set: bool = False
    staff_id: int | None = None  # None for the legacy admin PIN
    name: str = ""


# Wrong PINs and the time of the last one survive a restart: pulling the plug does not reopen
# the lock. Wall-clock seconds, since a monotonic clock starts again with the process.
FAILURES_SETTING = "staff_pin_failures"
LAST_FAILURE_SETTING = "staff_pin_last_failure"


def lockout_left(failures: int, last_failure: float, now: float, limit: int, lockout_s: float) -> float:
    """Seconds the login stays locked (0 when it is open). A clock set back never makes the lock
    longer than `lockout_s`."""
    if failures < limit:
        return 0.0
    return min(lockout_s, max(0.0, lockout_s - (now - last_failure)))


def matching_account(pin: str, accounts: list[StaffAccount]) -> StaffAccount | None:
    """The account whose PIN this is (each check costs one scrypt, ~50 ms; accounts are few)."""
    for account in accounts:
        if verify_pin(pin, account.pin_hash):
            return account
    return None


class StaffAuth:
    def __init__(self, store: "SessionStore", failed_limit: int, lockout_s: float,
                 clock: Callable[[], float] = time.time):
        self._store = store
        self.accounts = StaffStore(store)
        self._limit, self._lockout_s = failed_limit, lockout_s
        self._clock = clock
        self._failures = 0
        self._last_failure = 0.0
        self._loaded = False  # the database opens after the home screen: read the count then
        self.signed_in: PinCheck | None = None  # who entered the last right PIN

    def _load_failures(self) -> None:
        if self._loaded or not self._store.available:
            return
        self._loaded = True
        try:
            self._failures = int(self._store.get_setting(FAILURES_SETTING) or 0)
            self._last_failure = float(self._store.get_setting(LAST_FAILURE_SETTING) or 0.0)
        except ValueError:  # a hand-edited value: start counting again
            self._failures, self._last_failure = 0, 0.0

    def _set_failures(self, failures: int, last_failure: float) -> None:
        self._failures, self._last_failure = failures, last_failure
        self._store.set_setting(FAILURES_SETTING, str(failures))
        self._store.set_setting(LAST_FAILURE_SETTING, repr(last_failure))

    def _candidates(self) -> list[StaffAccount]:
        accounts = self.accounts.accounts()
        if accounts or self.accounts.accounts(include_removed=True):
            return accounts
        legacy = self._store.get_setting(ADMIN_PIN_SETTING)
        return [StaffAccount(0, DEFAULT_ADMIN_NAME, "admin", legacy, True, True)] if legacy else []

    def pin_is_set(self) -> bool:
        return bool(self._candidates())

    def locked_for(self) -> float:
        self._load_failures()
        left = lockout_left(self._failures, self._last_failure, self._clock(), self._limit, self._lockout_s)
        if left == 0.0 and self._failures >= self._limit:
            self._set_failures(0, 0.0)
        return left

    def _log(self, event: str, level: int = logging.INFO, **fields) -> None:
        log_event(log, event, level=level, **fields)
        self._store.add_event(None, now_iso(), event, fields)

    def check(self, pin: str) -> PinCheck:
        candidates = self._candidates()
        if not candidates:
            return PinCheck(False, not_set=True)
        locked = self.locked_for()
        if locked:
            self._log("staff.login_locked", logging.WARNING)
            return PinCheck(False, locked_for_s=locked)
        account = matching_account(pin, candidates)
        if account is not None:
            if self._failures:
                self._set_failures(0, 0.0)
            staff_id = account.id or None
            self.signed_in = PinCheck(True, role=account.role, staff_id=staff_id, name=account.name)
            self._log("staff.login", role=account.role, staff_id=staff_id)
            return self.signed_in
        self._set_failures(self._failures + 1, self._clock())
        self._log("staff.login_failed", logging.WARNING, failures=self._failures)
        return PinCheck(False, attempts_left=max(0, self._limit - self._failures),
                        locked_for_s=self.locked_for())

    def sign_out(self) -> None:
        self.signed_in = None
