"""The per-process figures cache: ttl, one computation per key, and following the corpus generation."""

from __future__ import annotations

import threading
import time

from gongkai.web.cache import TtlCache, _request_generations


class Source:
    """A stand-in for the corpus generation, counting how often it is read."""

    def __init__(self) -> None:
        self.value = 0
        self.reads = 0

    def __call__(self) -> int:
        self.reads += 1
        return self.value


def test_a_value_is_kept_until_the_source_moves() -> None:
    source = Source()
    cache = TtlCache(ttl=60, source_generation=source)
    computed: list[int] = []

    def compute() -> int:
        computed.append(source.value)
        return len(computed)

    assert cache.get_or_compute("k", compute) == 1
    assert cache.get_or_compute("k", compute) == 1
    source.value += 1  # another process wrote
    assert cache.get_or_compute("k", compute) == 2
    assert computed == [0, 1]
    cache.clear()  # this process wrote
    assert cache.get_or_compute("k", compute) == 3


def test_within_a_request_the_source_is_read_once() -> None:
    source = Source()
    cache = TtlCache(ttl=60, source_generation=source)
    token = _request_generations.set({})
    try:
        for key in ("a", "b", "c"):
            cache.get_or_compute(key, lambda: 1)
        assert source.reads == 1
    finally:
        _request_generations.reset(token)
    cache.get_or_compute("a", lambda: 1)  # outside a request: every call looks
    cache.get_or_compute("a", lambda: 1)
    assert source.reads == 3


def test_a_stale_value_is_served_while_one_thread_refreshes() -> None:
    cache = TtlCache(ttl=0.05)
    assert cache.get_or_compute("k", lambda: "old") == "old"
    time.sleep(0.1)
    started = threading.Event()
    release = threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "new"

    assert cache.get_or_compute("k", slow) == "old"  # answered at once
    assert started.wait(5)
    assert cache.get_or_compute("k", lambda: "never") == "old"  # the refresh is already running
    release.set()
    deadline = time.monotonic() + 5
    while cache.get_or_compute("k", lambda: "never") != "new":
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_computation_begun_before_a_clear_neither_stores_nor_steals_the_next() -> None:
    cache = TtlCache(ttl=60)
    first_started, first_release = threading.Event(), threading.Event()
    second_started, second_release = threading.Event(), threading.Event()
    calls: list[str] = []

    def first() -> str:
        calls.append("first")
        first_started.set()
        first_release.wait(5)
        return "before the write"

    def second() -> str:
        calls.append("second")
        second_started.set()
        second_release.wait(5)
        return "after the write"

    results: dict[str, str] = {}
    one = threading.Thread(target=lambda: results.update(one=cache.get_or_compute("k", first)))
    one.start()
    assert first_started.wait(5)
    cache.clear()
    two = threading.Thread(target=lambda: results.update(two=cache.get_or_compute("k", second)))
    two.start()
    assert second_started.wait(5)
    first_release.set()
    one.join(5)
    # the first finishing must not drop the second's place: a third caller waits for the second
    three = threading.Thread(target=lambda: results.update(three=cache.get_or_compute("k", lambda: "third")))
    three.start()
    time.sleep(0.05)
    second_release.set()
    for thread in (two, three):
        thread.join(5)
    assert results == {"one": "before the write", "two": "after the write", "three": "after the write"}
    assert calls == ["first", "second"]
    assert cache.get_or_compute("k", lambda: "never") == "after the write"
