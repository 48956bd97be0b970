"""The interactive API docs (Swagger UI) under a policy of their own.

FastAPI's page loads Swagger UI from the jsDelivr CDN and starts it with one inline
script, which the site-wide Content-Security-Policy (``headers``) forbids. This page
allows that CDN and that one script, by a nonce made for each response; nothing else
on the site is loosened.
"""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net"
FAVICON = "https://fastapi.tiangolo.com"


def docs_policy(nonce: str) -> str:
    """The docs page's Content-Security-Policy, allowing its inline script by ``nonce``."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {CDN} 'nonce-{nonce}'",
            f"style-src 'self' {CDN} 'unsafe-inline'",
            f"img-src 'self' data: {FAVICON}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def install_docs(app: FastAPI, path: str) -> None:
    """Serve Swagger UI for ``app.openapi_url`` at ``path``."""

    @app.get(path, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        page = get_swagger_ui_html(openapi_url=app.openapi_url or "/api/openapi.json", title=f"{app.title} · 文档")
        html = bytes(page.body).decode().replace("<script>", f'<script nonce="{nonce}">')
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(nonce)})
