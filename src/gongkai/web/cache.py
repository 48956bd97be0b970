"""A small in-process cache for figures that are costly to compute over a large corpus.

An entry is fresh for ``ttl`` seconds. After that the stale value is still served
while one background thread computes the new one (no stampede of recomputations
when many requests miss at once); only the very first request for a key waits,
and concurrent first requests for the same key wait for one computation.
``clear()`` (called after every write made through this server) drops everything,
so a reviewer sees their own changes at once while writes made elsewhere
(``gongkai ingest``) show within ``ttl``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class TtlCache:
    def __init__(self, ttl: float, max_entries: int = 256) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}  # key -> (fresh until, value)
        self._pending: dict[Hashable, Future[Any]] = {}
        self._generation = 0  # bumped by clear(): a computation started before it is not stored
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]  # type: ignore[no-any-return]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = Future()
            generation = self._generation
        assert pending is not None
        if hit is not None:  # stale: answer now, refresh in the background (once)
            if owner:
                threading.Thread(target=self._fill, args=(key, compute, pending, generation), daemon=True).start()
            return hit[1]  # type: ignore[no-any-return]
        if owner:
            self._fill(key, compute, pending, generation)
        return pending.result()  # type: ignore[no-any-return]

    def _fill(self, key: Hashable, compute: Callable[[], Any], pending: Future[Any], generation: int) -> None:
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                self._pending.pop(key, None)
            pending.set_exception(exc)
            return
        with self._lock:
            self._pending.pop(key, None)
            if generation == self._generation:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (time.monotonic() + self.ttl, value)
        pending.set_result(value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._pending.clear()
            self._generation += 1
