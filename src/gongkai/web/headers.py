"""Security headers on every response.

* ``Content-Security-Policy``: scripts, styles, images, fonts and requests from this
  site only; no inline ``<script>``/``<style>``, no ``eval``, no plugins, no framing,
  forms post only here. Style *attributes* stay allowed (``style-src-attr``): two
  templates place a progress bar and a cell's box on a page image with them, and an
  attribute cannot run code. The API docs page gets its own, wider policy (see app.py).
* ``X-Frame-Options: DENY`` (older browsers; ``frame-ancestors 'none'`` for the rest),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``Cross-Origin-Opener-Policy: same-origin``.

A header a route set itself is kept (the docs page's policy).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response that does not set them already."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                headers.extend((key, value) for key, value in SECURITY_HEADERS if key not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
