"""Login throttling: after too many wrong passwords, refuse logins for a while.

Failures are counted per account name (``login_max_failures``, 5) and per client
address over every name (``login_max_failures_per_address``, 20) within
``login_window_seconds`` (15 min). When either count is reached, that name or address
is locked for ``login_lockout_seconds`` (15 min): every login for it is refused, the
right password too, without checking it. A successful login clears its name's count.

The counts live in the memory of each server process: with several workers
(GONGKAI_WORKERS) an attacker gets the allowance once per worker, and a restart
forgets them. Behind a reverse proxy every client has the proxy's address (the server
does not trust forwarded headers), so the per-address count then covers everyone.
A lockout of one name can be caused by anyone who knows the name; it ends by itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from .settings import WebSettings

MAX_KEYS = 20_000  # names and addresses remembered; the oldest are forgotten beyond this


class LoginThrottle:
    """Counts failed logins and says how long a name or address must still wait."""

    def __init__(
        self,
        max_failures: int = 5,
        max_failures_per_address: int = 20,
        window: float = 900.0,
        lockout: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: WebSettings) -> LoginThrottle:
        return cls(
            settings.login_max_failures,
            settings.login_max_failures_per_address,
            settings.login_window_seconds,
            settings.login_lockout_seconds,
        )

    def wait(self, name: str, address: str) -> float:
        """Seconds until ``name`` from ``address`` may try again; 0 when it may now."""
        now = self.clock()
        with self._lock:
            waits = [self._locked_until.get(key, 0.0) - now for key in _keys(name, address)]
        return max(0.0, *waits)

    def failed(self, name: str, address: str) -> None:
        """Record one wrong password; lock the name or address when its count is reached."""
        now = self.clock()
        with self._lock:
            for key, limit in zip(
                _keys(name, address), (self.max_failures, self.max_failures_per_address), strict=True
            ):
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while times and times[0] <= now - self.window:
                    times.popleft()
                if len(times) >= limit:
                    self._locked_until[key] = now + self.lockout
                    times.clear()
            if len(self._failures) + len(self._locked_until) > MAX_KEYS:
                self._forget(now)

    def succeeded(self, name: str) -> None:
        """A right password (while not locked): the name's count starts again."""
        with self._lock:
            self._failures.pop(_keys(name, "")[0], None)

    def _forget(self, now: float) -> None:
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]
        for key in [k for k, times in self._failures.items() if not times or times[-1] <= now - self.window]:
            del self._failures[key]
        if len(self._failures) > MAX_KEYS // 2:  # still too many live counts: drop the oldest half
            oldest = sorted(self._failures, key=lambda k: self._failures[k][-1])
            for key in oldest[: len(oldest) // 2]:
                del self._failures[key]


def _keys(name: str, address: str) -> tuple[str, str]:
    return "name:" + name, "address:" + address


def wait_message(seconds: float) -> str:
    """The Chinese refusal, with the wait rounded up to whole seconds."""
    total = max(1, math.ceil(seconds))
    minutes, rest = divmod(total, 60)
    shown = f"{minutes}分{rest}秒" if minutes and rest else f"{minutes}分钟" if minutes else f"{rest}秒"
    return f"登录失败次数过多，请在{shown}后再试"
