"""Hand the memory a written batch freed back to the system (glibc ``malloc_trim``), where the C library has it.

A batch's records and rows are freed once it is written, but the C allocator keeps the freed
pages of its heaps (and of the arenas of the threads that took the results in) mapped, so the
coordinator's resident memory would creep up with the corpus although what it holds does not.
``malloc_trim(0)`` returns every free page of every arena. Elsewhere (musl, macOS) nothing is done.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(None)  # the symbols this process already has: its C library's among them
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def release_freed_memory() -> None:
    """Give the allocator's free pages back to the system (a no-op where ``malloc_trim`` is missing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
