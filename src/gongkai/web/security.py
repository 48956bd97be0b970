"""Who may write, and proof that a write came from our own pages.

* CSRF, a token bound to the session and signed by the server: each session holds a
  random CSRF secret (in Starlette's signed session cookie); pages print
  ``itsdangerous``'s signature of it into forms and into ``hx-headers`` so htmx sends
  it as ``X-CSRF-Token``. A request that changes anything (POST, PUT, PATCH, DELETE)
  must present that token, signed with this server's key, for the secret of the
  session it comes with. A cookie or token made up elsewhere fails the signature; one
  fetched by another client belongs to another session. Logging in starts a new
  session, so a token from before the login no longer writes. JSON clients fetch a
  token from ``GET /api/csrf`` (and get a new one from ``POST /api/login``).
* Origin: an unsafe request whose ``Origin`` (or, without one, ``Referer``) is not this
  very site (scheme, host and port as in ``Host``) is refused before anything else,
  so a page on another port of the same machine cannot post even with a planted
  cookie. Requests with neither header (scripts, curl) rely on the token alone.
  Behind a reverse proxy, the proxy must pass the browser's Host on (nginx:
  ``proxy_set_header Host $host;``), or every write from a browser is refused.
  ``Host`` itself is checked for every request by ``hosts.HostCheckMiddleware``.
* Login: when the server listens beyond loopback (``WebSettings.login_required``)
  every write needs a signed-in account (``gongkai user add``); sessions are
  Starlette's signed cookie, signed with ``WebSettings.secret_key``, and end when the
  account's session stamp changes (``sessions``). A cookie signed by one server
  process is good in every process with the same key (``GONGKAI_SECRET``); the
  settings refuse several workers without one.
* Body size: requests over ``max_upload_bytes`` are refused while they stream.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

import anyio.to_thread
from fastapi import Request
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store.accounts import role_of
from ..store.roles import WRITES_CORPUS
from .errors import WebError, error_body
from .sessions import SESSION_MAX_AGE

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
CSRF_SESSION_KEY = "csrf"
UNSAFE = frozenset(("POST", "PUT", "PATCH", "DELETE"))
LOCAL_REVIEWER = "本机用户"
_BAD_TOKEN = "请求缺少有效的CSRF令牌，请刷新页面后重试"


@lru_cache(maxsize=8)
def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="gongkai.csrf")


def csrf_token(request: Request) -> str:
    """The CSRF token for this request's session (the session gets its secret on first use)."""
    if "session" not in request.scope:
        return ""
    secret = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(secret, str) or len(secret) < 20:
        secret = secrets.token_urlsafe(24)
        request.session[CSRF_SESSION_KEY] = secret
    token = _signer(request.app.state.settings.secret_key).dumps(secret)
    return token if isinstance(token, str) else token.decode()


def _token_matches(request: Request, sent: str | None) -> bool:
    expected = request.session.get(CSRF_SESSION_KEY)
    if not sent or not isinstance(expected, str) or not expected:
        return False
    try:
        secret = _signer(request.app.state.settings.secret_key).loads(sent, max_age=SESSION_MAX_AGE)
    except BadData:
        return False
    return isinstance(secret, str) and secrets.compare_digest(secret, expected)


def check_origin(request: Request) -> None:
    """Refuse (403) an unsafe request that a browser says comes from another site."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return
    try:
        parts = urlsplit(source) if source != "null" else None
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = None
    host = request.headers.get("host", "").lower()
    scheme_ok = parts is not None and (
        parts.scheme == "https" if request.app.state.settings.secure_cookies else parts.scheme in ("http", "https")
    )
    if parts is None or not scheme_ok or parts.netloc.lower() != host:
        raise WebError(403, "请求来自其他网站（来源与本站地址不符），已拒绝。请在本站页面中操作", code="cross_origin")


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes (413), by the declared length and while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0
        exceeded = started = False

        async def counting() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise WebError(413, f"上传内容超过{self.limit // (1024 * 1024)} MB的限制")
            return message

        async def answering(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the form parser's own answer to a cut-off body (a 400): the 413 below replaces it
            started = True
            await send(message)

        try:
            await self.app(scope, counting, answering)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    import json

    body = json.dumps(error_body(413, f"上传内容超过{limit // (1024 * 1024)} MB的限制"), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def verify_csrf(request: Request) -> None:
    """Dependency: a write must come from this site and carry this session's signed CSRF token."""
    if request.method not in UNSAFE:
        return
    check_origin(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it; the route's own form parameters reuse it
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not _token_matches(request, sent):
        raise WebError(403, _BAD_TOKEN, code="csrf")


def current_user(request: Request) -> str | None:
    user = request.session.get("user")
    return user if isinstance(user, str) else None


async def writer(request: Request) -> str:
    """Dependency for every write: the CSRF check, then who writes (an account, or the local user).

    A reader account (``store.roles``) writes nothing; the register's own writes go through ``access``.
    """
    await verify_csrf(request)
    user = current_user(request)
    if user:
        if await anyio.to_thread.run_sync(role_of, request.app.state.repo.database, user) not in WRITES_CORPUS:
            raise WebError(403, "只读账号不能写入")
        return user
    if request.app.state.settings.login_required:
        raise WebError(401, "写入操作需要登录")
    return LOCAL_REVIEWER
