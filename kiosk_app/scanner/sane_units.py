"""SANE value conversions and status → fault mapping (pure, no driver needed)."""

from __future__ import annotations

from .protocol import Fault

SANE_FIXED_SCALE = 65536  # SANE_Fixed: 16.16 fixed point

# SANE_Status numbers (sane/sane.h); pyinsane2 raises EOFError/StopIteration for EOF/NO_DOCS.
_STATUS_FAULTS = {
    2: Fault.OTHER,  # CANCELLED (by someone else)
    3: Fault.BUSY,  # DEVICE_BUSY
    4: Fault.IO_ERROR,  # INVAL: seen when a device vanishes mid-scan
    6: Fault.JAMMED,
    7: Fault.FEEDER_EMPTY,  # NO_DOCS
    8: Fault.COVER_OPEN,
    9: Fault.IO_ERROR,
    10: Fault.OTHER,  # NO_MEM
    11: Fault.BUSY,  # ACCESS_DENIED: usually another program holds the device
    12: Fault.BUSY,  # WARMING_UP
    13: Fault.OTHER,  # HW_LOCKED
}


def to_fixed(value: float) -> int:
    return int(round(value * SANE_FIXED_SCALE))


def from_fixed(value: int) -> float:
    return value / SANE_FIXED_SCALE


def fault_for_status(status: int) -> Fault:
    return _STATUS_FAULTS.get(int(status), Fault.OTHER)
