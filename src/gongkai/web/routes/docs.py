"""API 文档 (/api/docs, also /docs): Swagger UI served from gongkai's own static files, so it works offline.

FastAPI's default page loads Swagger UI from a CDN; the vendored copy (static/vendor/swagger-ui-*,
see static/vendor/README.md) is used instead. ReDoc is not offered.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(include_in_schema=False)

SWAGGER = "/static/vendor/swagger-ui-5.35.0"


@api.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/api/openapi.json",
        title=f"{request.app.title} · 文档",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
    )


@pages.get("/docs")
def docs_redirect() -> RedirectResponse:
    return RedirectResponse("/api/docs", status_code=307)
