"""Login sessions that can be ended from the server.

The session itself is Starlette's signed cookie (itsdangerous, ``WebSettings.secret_key``);
signing stops forgery but not replay, so a login also stores the account's *session
stamp* (``store.accounts``) and :class:`SessionStampMiddleware` compares it with the
database on every request that carries a login. Logout, a password change and
``gongkai user remove`` replace or delete the stamp: every session of that account, in
every browser and server process, is signed out at its next request.
"""

from __future__ import annotations

import secrets

import anyio.to_thread
from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..store.accounts import Account, end_sessions, session_stamp
from .settings import WebSettings

USER_KEY = "user"
STAMP_KEY = "stamp"
SESSION_COOKIE = "gongkai_session"
SESSION_MAX_AGE = 14 * 24 * 3600


def session_cookie_name(settings: WebSettings) -> str:
    """``__Host-gongkai_session`` with Secure cookies (no other site or subdomain can set it), else plain."""
    return "__Host-" + SESSION_COOKIE if settings.secure_cookies else SESSION_COOKIE


def start_session(request: Request, account: Account) -> None:
    """After a right password: a fresh session (new CSRF secret too) for ``account``."""
    request.session.clear()
    request.session[USER_KEY] = account.name
    request.session[STAMP_KEY] = account.session_stamp


def end_session(request: Request) -> None:
    """Logout: end every session of the signed-in account, this one included."""
    user = request.session.get(USER_KEY)
    if isinstance(user, str):
        end_sessions(request.app.state.repo.database, user)
    request.session.clear()


class SessionStampMiddleware:
    """Drops the login from a session whose stamp is no longer its account's (inside SessionMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not str(scope.get("path", "")).startswith("/static/"):
            session = scope.get("session")
            if session and USER_KEY in session and not await _still_valid(scope, session):
                session.pop(USER_KEY, None)  # the login ends; the browser session (its CSRF secret) stays
                session.pop(STAMP_KEY, None)
        await self.app(scope, receive, send)


async def _still_valid(scope: Scope, session: dict[str, object]) -> bool:
    user, stamp = session.get(USER_KEY), session.get(STAMP_KEY)
    if not isinstance(user, str) or not isinstance(stamp, str) or not stamp:
        return False
    repo = getattr(scope["app"].state, "repo", None)
    if repo is None:  # no database (the app was not started): trust nothing
        return False
    current = await anyio.to_thread.run_sync(session_stamp, repo.database, user)
    return current is not None and secrets.compare_digest(current, stamp)
