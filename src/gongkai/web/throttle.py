"""Login throttling for the web: the database-backed counts (``store/login_throttle.py``) and the refusal.

The counts are shared by every server process (``gongkai serve --workers N``) and survive a restart;
see the store module for the rules (5 failures a name, 20 an address, within 15 minutes, lock 15 minutes).
"""

from __future__ import annotations

import math

from ..store.db import Database
from ..store.login_throttle import LoginThrottle
from .settings import WebSettings

__all__ = ["LoginThrottle", "throttle_for", "wait_message"]


def throttle_for(settings: WebSettings, database: Database) -> LoginThrottle:
    """The throttle the settings ask for, counting in ``database``."""
    return LoginThrottle(
        database,
        settings.login_max_failures,
        settings.login_max_failures_per_address,
        settings.login_window_seconds,
        settings.login_lockout_seconds,
    )


def wait_message(seconds: float) -> str:
    """The Chinese refusal, with the wait rounded up to whole seconds."""
    total = max(1, math.ceil(seconds))
    minutes, rest = divmod(total, 60)
    shown = f"{minutes}分{rest}秒" if minutes and rest else f"{minutes}分钟" if minutes else f"{rest}秒"
    return f"登录失败次数过多，请在{shown}后再试"
