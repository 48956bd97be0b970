"""Login throttling kept in the database, so that every server process counts the same failures.

Failures are counted per account name (``max_failures``) and per client address over every
name (``max_failures_per_address``) within ``window`` seconds. When either count is reached,
that name or address is locked for ``lockout`` seconds: every login for it is refused, the
right password too, without checking it. A successful login clears its name's count.

Rows older than the window and ended locks are removed as failures are recorded, so the tables
hold only what can still matter. Two processes recording a failure of the same name at the same
instant may each count one short of the other's row: the lock then comes one failure later, never
not at all. Behind a reverse proxy every client has the proxy's address (the server does not trust
forwarded headers), so the per-address count then covers everyone. A lockout of one name can be
caused by anyone who knows the name; it ends by itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import delete, func, select

from .db import Database
from .models import LoginFailure, LoginLock

KEY_CHARS = 400  # a longer name or address is cut to this (the column's width)


class LoginThrottle:
    """Counts failed logins in the database and says how long a name or address must still wait."""

    def __init__(
        self,
        database: Database,
        max_failures: int = 5,
        max_failures_per_address: int = 20,
        window: float = 900.0,
        lockout: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address
        self.window = window
        self.lockout = lockout
        self.clock = clock  # wall-clock seconds: the processes share it, unlike a monotonic clock

    def wait(self, name: str, address: str) -> float:
        """Seconds until ``name`` from ``address`` may try again; 0 when it may now."""
        now = self.clock()
        with self.database.sessions() as session:
            until = session.scalar(select(func.max(LoginLock.until)).where(LoginLock.key.in_(_keys(name, address))))
        return max(0.0, (until or 0.0) - now)

    def failed(self, name: str, address: str) -> None:
        """Record one wrong password; lock the name or address when its count is reached."""
        now = self.clock()
        cutoff = now - self.window
        with self.database.sessions.begin() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at <= cutoff))
            session.execute(delete(LoginLock).where(LoginLock.until <= now))
            for key, limit in zip(
                _keys(name, address), (self.max_failures, self.max_failures_per_address), strict=True
            ):
                session.add(LoginFailure(key=key, at=now))
                session.flush()
                count = session.scalar(
                    select(func.count())
                    .select_from(LoginFailure)
                    .where(LoginFailure.key == key, LoginFailure.at > cutoff)
                )
                if (count or 0) >= limit:
                    session.merge(LoginLock(key=key, until=now + self.lockout))
                    session.execute(delete(LoginFailure).where(LoginFailure.key == key))

    def succeeded(self, name: str) -> None:
        """A right password (while not locked): the name's count starts again."""
        with self.database.sessions.begin() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == _keys(name, "")[0]))


def _keys(name: str, address: str) -> tuple[str, str]:
    return ("name:" + name)[:KEY_CHARS], ("address:" + address)[:KEY_CHARS]
