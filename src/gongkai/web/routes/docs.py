"""/docs leads to the API 文档 at /api/docs (web/docs.py serves that page under its own policy)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(include_in_schema=False)


@pages.get("/docs")
def docs_redirect() -> RedirectResponse:
    return RedirectResponse("/api/docs", status_code=307)
