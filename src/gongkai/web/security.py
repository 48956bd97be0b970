"""Who may write, and proof that a write came from our own pages.

* CSRF, double submit: every response carries a random token in the
  ``gongkai_csrf`` cookie; pages print the same token into forms and into
  ``hx-headers`` so htmx sends it as ``X-CSRF-Token``. A request that changes
  anything (POST, PUT, PATCH, DELETE) must present the cookie and the same value
  in the header or the ``csrf_token`` form field. A foreign site can make the
  browser send the cookie but cannot read it to copy it. JSON clients fetch a
  token from ``GET /api/csrf`` first.
* Login: when the server listens beyond loopback (``WebSettings.login_required``)
  every write needs a signed-in account (``gongkai user add``); sessions are
  Starlette's signed cookie (itsdangerous), signed with ``WebSettings.secret_key``.
  A cookie signed by one server process is good in every process with the same
  key (``GONGKAI_SECRET``); the settings refuse several workers without one.
* Body size: requests over ``max_upload_bytes`` are refused while they stream.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import WebError, error_body

CSRF_COOKIE = "gongkai_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset(("POST", "PUT", "PATCH", "DELETE"))
LOCAL_REVIEWER = "本机用户"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return None
            if name in jar:
                return jar[name].value
    return None


class CsrfCookieMiddleware:
    """Gives every visitor a CSRF token cookie and exposes it as ``request.state.csrf``."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie(scope, CSRF_COOKIE)
        fresh = token is None or len(token) < 20
        if fresh:
            token = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = token

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                flags = "Path=/; SameSite=Strict; HttpOnly" + ("; Secure" if self.secure else "")
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", f"{CSRF_COOKIE}={token}; {flags}".encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


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

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise WebError(413, f"上传内容超过{self.limit // (1024 * 1024)} MB的限制")
            return message

        await self.app(scope, counting, send)


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
    """Dependency: a write must echo the CSRF cookie in a header or form field."""
    if request.method not in UNSAFE:
        return
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it; the route's own form parameters reuse it
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not cookie or not sent or not secrets.compare_digest(cookie, sent):
        raise WebError(403, "请求缺少有效的CSRF令牌，请刷新页面后重试", code="csrf")


def current_user(request: Request) -> str | None:
    user = request.session.get("user")
    return user if isinstance(user, str) else None


async def writer(request: Request) -> str:
    """Dependency for every write: the CSRF check, then who writes (an account, or the local user)."""
    await verify_csrf(request)
    user = current_user(request)
    if user:
        return user
    if request.app.state.settings.login_required:
        raise WebError(401, "写入操作需要登录")
    return LOCAL_REVIEWER
