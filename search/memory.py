"""Giving freed memory back to the system.

A server rebuilds its correction and completion tables after every reindex and drops the old
ones; glibc keeps the freed pages for reuse, so the process would grow by the peak of each
rebuild. `malloc_trim` returns them. A no-op where the C library has no such call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None).malloc_trim
    except (AttributeError, OSError):
        return None


_trim = _malloc_trim()


def release_memory() -> None:
    """Collect garbage and return free heap pages to the system (after dropping big tables)."""
    gc.collect()
    if _trim is not None:
        _trim(0)


__all__ = ["release_memory"]
