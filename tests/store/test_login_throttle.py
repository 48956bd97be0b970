"""Login throttling in the database: counts per name and per address within the window, locks that end,
and counts shared by every process that opens the same database (server workers, a restart)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from gongkai.store import open_database
from gongkai.store.db import Database
from gongkai.store.login_throttle import KEY_CHARS, LoginThrottle
from gongkai.store.models import LoginFailure, LoginLock


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _throttle(database: Database, clock: Clock, **limits: float) -> LoginThrottle:
    given = {"max_failures": 3, "max_failures_per_address": 100, "window": 60.0, "lockout": 300.0, **limits}
    return LoginThrottle(database, clock=clock, **given)  # type: ignore[arg-type]


def _rows(database: Database) -> tuple[int, int]:
    with database.sessions() as session:
        failures = session.scalar(select(func.count()).select_from(LoginFailure)) or 0
        locks = session.scalar(select(func.count()).select_from(LoginLock)) or 0
    return failures, locks


def test_a_name_is_locked_after_the_nth_failure_within_the_window(database: Database) -> None:
    clock = Clock()
    throttle = _throttle(database, clock)
    throttle.failed("甲", "10.0.0.1")
    throttle.failed("甲", "10.0.0.2")
    assert throttle.wait("甲", "10.0.0.3") == 0
    throttle.failed("甲", "10.0.0.3")  # the third within the window, from anywhere
    assert throttle.wait("甲", "10.0.0.9") == 300 and throttle.wait("乙", "10.0.0.1") == 0
    clock.now = 299.5
    assert throttle.wait("甲", "10.0.0.9") == pytest.approx(0.5)
    clock.now = 300
    assert throttle.wait("甲", "10.0.0.9") == 0


def test_failures_outside_the_window_and_before_a_success_do_not_count(database: Database) -> None:
    clock = Clock()
    throttle = _throttle(database, clock)
    for step in range(10):  # one failure every 40 s: never three within 60 s
        clock.now = step * 40.0
        throttle.failed("甲", "a")
    assert throttle.wait("甲", "a") == 0
    clock.now = 1000.0
    throttle.failed("乙", "b")
    throttle.failed("乙", "b")
    throttle.succeeded("乙")
    throttle.failed("乙", "b")
    throttle.failed("乙", "b")
    assert throttle.wait("乙", "b") == 0


def test_the_address_count_covers_every_name(database: Database) -> None:
    clock = Clock()
    throttle = _throttle(database, clock, max_failures=100, max_failures_per_address=3, lockout=30.0)
    for name in ("a", "b", "c"):
        throttle.failed(name, "10.0.0.1")
    assert throttle.wait("d", "10.0.0.1") == 30 and throttle.wait("d", "10.0.0.2") == 0


def test_old_failures_and_ended_locks_are_removed(database: Database) -> None:
    clock = Clock()
    throttle = _throttle(database, clock, max_failures=2)
    for i in range(50):
        throttle.failed(f"名{i}", f"10.0.{i}.1")
    throttle.failed("名0", "10.0.0.1")  # the second of 名0: locked, its failures dropped
    assert _rows(database) == (100, 1)
    clock.now = 1000.0  # past the window and the lockout
    throttle.failed("新", "10.9.9.9")
    assert _rows(database) == (2, 0) and throttle.wait("名0", "10.0.0.1") == 0


def test_every_process_sees_the_same_counts_and_a_restart_keeps_them(tmp_path: Path) -> None:
    """Two server workers each with their own connection pool: failures in either add up."""
    url = f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    clock = Clock()
    first, second = open_database(url), open_database(url)
    try:
        _throttle(first, clock).failed("甲", "10.0.0.1")
        _throttle(second, clock).failed("甲", "10.0.0.2")
        _throttle(first, clock).failed("甲", "10.0.0.3")
        assert _throttle(second, clock).wait("甲", "10.0.0.4") == 300
    finally:
        first.close()
        second.close()
    restarted = open_database(url)
    try:
        clock.now = 100.0
        assert _throttle(restarted, clock).wait("甲", "10.0.0.4") == 200
    finally:
        restarted.close()


def test_a_very_long_name_is_counted_by_its_first_characters(database: Database) -> None:
    clock = Clock()
    throttle = _throttle(database, clock)
    long_name = "长" * (KEY_CHARS * 2)
    for _ in range(3):
        throttle.failed(long_name, "10.0.0.1")
    assert throttle.wait(long_name, "10.0.0.2") == 300
