"""glibc's malloc tuned for libvlc, whose fresh threads for every video left memory behind."""

from __future__ import annotations

import ctypes
import os
import sys

# glibc gives each thread that contends for malloc an arena of its own, up to 8 per core, and
# rarely hands their memory back. libvlc starts fresh decoder and output threads for every video,
# so without a cap the kiosk grew by about 15 MB per guide played (bench/bench_guide_memory.py).
MALLOC_ARENA_MAX = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def cap_malloc_arenas(limit: int = MALLOC_ARENA_MAX) -> bool:
    """Cap glibc's malloc arenas before libvlc starts its threads; True when the cap was set.

    An arena made before the cap stays, but no new one is made past it; glibc settles its own
    limit once a ninth arena is wanted, so this is done first thing (kiosk_app.__main__) and again
    when the player starts libvlc, for other ways of starting it (tests, bench). Not done when
    MALLOC_ARENA_MAX is in the environment (glibc already took it from there at start-up) or
    where the C library is not glibc (no mallopt).
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    return bool(mallopt(_M_ARENA_MAX, limit))


def trim_malloc() -> None:
    """Hand memory freed by libvlc's finished threads back to the system (glibc's malloc_trim).

    Called when a video stops: the arenas keep freed pages otherwise, and the kiosk still grew by
    about 0.5 MB per guide played with the cap alone.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc
            pass
