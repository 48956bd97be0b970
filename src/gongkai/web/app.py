"""The application factory: ``create_app(WebSettings(...))`` gives a ready FastAPI app.

    uvicorn "gongkai.web.app:create_app" --factory        (or: gongkai serve)

Without settings the app reads them from the environment (``WebSettings.from_env``:
GONGKAI_DB, GONGKAI_SECRET, GONGKAI_WORKERS, …), so every worker process started
from the import string gets the same ones. Nothing a request needs lives only in
one process: upload jobs and the corpus generation are in the database, the
dashboard cache follows that generation, rendered pages sit beside the originals.
"""

from __future__ import annotations

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
from ..store.generation import corpus_generation
from ..store.jobs import fail_abandoned
from ..store.originals import Originals, default_root
from ..store.repository import Repository
from . import errors
from .cache import RequestScope, TtlCache
from .docs import install_docs
from .headers import SecurityHeadersMiddleware
from .hosts import HostCheckMiddleware
from .jobs import Jobs
from .routes import (
    agencies,
    auth,
    compare,
    corrections,
    dashboard,
    docs,
    export,
    findings,
    register,
    register_files,
    register_year,
    reports,
    review,
    upload,
    versions,
    write,
)
from .security import BodyLimitMiddleware
from .sessions import SESSION_MAX_AGE, SessionStampMiddleware, session_cookie_name
from .settings import WebSettings
from .sources import PageRenderer
from .throttle import throttle_for

STATIC = Path(__file__).parent / "static"


def page_cache_beside(originals_root: Path) -> Path:
    """Where rendered PDF pages go by default: ``<originals root>.pages``, shared by every process."""
    root = originals_root.absolute()
    return root.with_name(root.name + ".pages")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The workbench app; ``settings`` default to ``WebSettings.from_env()``."""
    settings = settings or WebSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Route bodies run on worker threads; a few keep the CPU busy, forty only fight over the GIL.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        database = open_database(settings.database_url)
        fail_abandoned(database)  # jobs left running by a process that is gone
        repo = Repository(database)
        cache = TtlCache(settings.stats_cache_seconds, source_generation=lambda: corpus_generation(database))
        originals_root = settings.originals_root or default_root(database.url)
        app.state.repo = repo
        app.state.login_throttle = throttle_for(settings, database)
        app.state.cache = cache
        app.state.originals = Originals(originals_root)
        app.state.pages = PageRenderer(settings.page_cache_dir or page_cache_beside(originals_root))
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
        "in `X-CSRF-Token` (bound to the session: `POST /api/login` answers with the new one), and a login "
        "(`POST /api/login`) when the server is not on loopback. Five wrong passwords lock a name for a while (429).",
        lifespan=lifespan,
        docs_url=None,  # web/docs.py: local Swagger UI under its own Content-Security-Policy
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    errors.install(app)
    # each add_middleware wraps the ones before it: the last added runs first. From the outside in:
    # security headers on every answer, the Host check, the body limit on the raw stream, the
    # signed session cookie, then the check that the session's login has not been ended.
    app.add_middleware(SessionStampMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        same_site="lax",
        https_only=settings.secure_cookies,
        session_cookie=session_cookie_name(settings),
        max_age=SESSION_MAX_AGE,
    )
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_upload_bytes)
    app.add_middleware(RequestScope)
    app.add_middleware(HostCheckMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware)
    install_docs(app, "/api/docs")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        versions,
        reports,
        findings,
        review,
        corrections,
        upload,
        compare,
        dashboard,
        export,
        auth,
        docs,
        agencies,
        register_year,  # before register: their fixed paths first
        register_files,
        register,
        write,
    ):
        app.include_router(module.pages)
        app.include_router(module.api, prefix="/api")

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/reports", status_code=303)

    return app
