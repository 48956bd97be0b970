"""A per-process cache for figures that are costly to compute over a large corpus.

An entry is fresh for ``ttl`` seconds. After that the stale value is still served
while one background thread computes the new one (no stampede of recomputations
when many requests miss at once); only the very first request for a key waits,
and concurrent first requests for the same key wait for one computation.

Several server processes each keep their own cache, so a write made by one must
reach the others: the cache follows a *source generation*, the corpus generation
that database triggers bump on every write (``store/generation.py``). It reads the
number at most once per request (``RequestScope`` marks the requests) and before
computing anything; when it has moved, every entry is dropped. ``clear()`` (called
after writes made by this process) drops everything at once as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from contextvars import ContextVar
from typing import Any, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

T = TypeVar("T")

# per request: id(cache) -> the source generation read for that cache in this request
_request_generations: ContextVar[dict[int, int] | None] = ContextVar("gongkai_request_generations", default=None)


class RequestScope:
    """ASGI middleware: each HTTP request reads a cache's source generation at most once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _request_generations.set({})
        try:
            await self.app(scope, receive, send)
        finally:
            _request_generations.reset(token)


class TtlCache:
    def __init__(self, ttl: float, max_entries: int = 256, source_generation: Callable[[], int] | None = None) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.source_generation = source_generation  # None: only clear() and the ttl refresh
        self._entries: dict[Hashable, tuple[float, Any]] = {}  # key -> (fresh until, value)
        self._pending: dict[Hashable, Future[Any]] = {}
        self._generation = 0  # bumped by clear(): a computation started before it is not stored
        self._source_seen: int | None = None
        self._lock = threading.Lock()

    def _follow_source(self) -> None:
        """Drop everything when the source generation has moved since the last look."""
        if self.source_generation is None:
            return
        memo = _request_generations.get()
        current = memo.get(id(self)) if memo is not None else None
        if current is None:
            current = self.source_generation()
            if memo is not None:
                memo[id(self)] = current
        with self._lock:
            if current != self._source_seen:
                self._source_seen = current
                self._drop()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        self._follow_source()  # first: a value computed after this look is never older than the number
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
                self._forget_pending(key, pending)
            pending.set_exception(exc)
            return
        with self._lock:
            self._forget_pending(key, pending)
            if generation == self._generation:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (time.monotonic() + self.ttl, value)
        pending.set_result(value)

    def _forget_pending(self, key: Hashable, pending: Future[Any]) -> None:
        if self._pending.get(key) is pending:  # after a drop, another computation may own the key
            del self._pending[key]

    def _drop(self) -> None:
        self._entries.clear()
        self._pending.clear()
        self._generation += 1

    def clear(self) -> None:
        with self._lock:
            self._drop()
