"""The application factory: ``create_app(WebSettings(...))`` gives a ready FastAPI app.

uvicorn "gongkai.web.app:create_app" --factory        (or: gongkai serve)
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from .._version import __version__
from ..store import open_database
from ..store.originals import Originals, default_root
from ..store.repository import Repository
from . import errors
from .cache import TtlCache
from .jobs import Jobs
from .routes import auth, compare, dashboard, export, findings, reports, upload
from .security import BodyLimitMiddleware, CsrfCookieMiddleware
from .settings import WebSettings
from .sources import PageRenderer

STATIC = Path(__file__).parent / "static"


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Route bodies run on worker threads; a few keep the CPU busy, forty only fight over the GIL.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        database = open_database(settings.database_url)
        repo = Repository(database)
        cache = TtlCache(settings.stats_cache_seconds)
        page_dir = settings.page_cache_dir or Path(tempfile.mkdtemp(prefix="gongkai-pages-"))
        app.state.repo = repo
        app.state.cache = cache
        app.state.originals = Originals(settings.originals_root or default_root(database.url))
        app.state.pages = PageRenderer(page_dir)
        app.state.jobs = Jobs(repo, app.state.originals, settings.ingest_processes, cache.clear)
        try:
            yield
        finally:
            app.state.jobs.shutdown()
            database.close()

    app = FastAPI(
        title="gongkai 工作台 API",
        version=__version__,
        description="政府信息公开工作年度报告：报告、问题审核、对比、统计、上传与导出。Errors: "
        '`{"error": {"status", "code", "message"}}`. Writes need the CSRF token from `GET /api/csrf` '
        "in `X-CSRF-Token`, and a login (`POST /api/login`) when the server is not on loopback.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    errors.install(app)
    # outermost first: the body limit sees the raw stream, the CSRF cookie is set on every answer
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        same_site="lax",
        https_only=settings.secure_cookies,
        session_cookie="gongkai_session",
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(CsrfCookieMiddleware, secure=settings.secure_cookies)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_upload_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (reports, findings, upload, compare, dashboard, export, auth):
        app.include_router(module.pages)
        app.include_router(module.api, prefix="/api")

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/reports", status_code=303)

    return app
