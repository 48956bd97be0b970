"""The interactive API docs (Swagger UI) under a policy of their own.

Swagger UI is served from gongkai's own static files (static/vendor/swagger-ui-*, see
static/vendor/README.md), so the page works offline; FastAPI starts it with one inline
script, which the site-wide Content-Security-Policy (``headers``) forbids. This page
allows that one script by a nonce made for each response, and the inline styles Swagger
UI sets; nothing else on the site is loosened. ReDoc is not offered.
"""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

SWAGGER = "/static/vendor/swagger-ui-5.35.0"


def docs_policy(nonce: str) -> str:
    """The docs page's Content-Security-Policy, allowing its inline script by ``nonce``."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
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
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/api/openapi.json",
            title=f"{app.title} · 文档",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        )
        html = bytes(page.body).decode().replace("<script>", f'<script nonce="{nonce}">')
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(nonce)})
