"""Several server processes: how many by default, and the settings each one must be handed.

``gongkai serve --workers N`` runs uvicorn's multi-process mode: a supervisor binds the
socket and starts N processes, each importing ``gongkai.web.app:create_app`` (a factory)
and reading its settings from the ``GONGKAI_*`` variables (``WebSettings.from_env``). So
the command line's settings go into the environment before the processes start
(``environment_for``), the session secret among them: processes that sign cookies with
different secrets would refuse each other's logins. What the processes share lives in
the database (jobs, the corpus generation the dashboard cache follows, session stamps,
login failures) or on disk (originals, rendered pages).
"""

from __future__ import annotations

import os
import secrets

from .settings import ENV_PREFIX, WebSettings

APP_FACTORY = "gongkai.web.app:create_app"
MAX_DEFAULT_WORKERS = 8  # beyond this a SQLite corpus gains nothing: every write waits for the one writer


def default_workers() -> int:
    """One server process per core this process may run on, at most ``MAX_DEFAULT_WORKERS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def shared_secret(environ: dict[str, str] | os._Environ[str]) -> str | None:
    """A session secret for this run when none is set (``GONGKAI_SECRET``), else None.

    One random secret handed to every process is as good as one process's own: logins
    end when the server stops. Set GONGKAI_SECRET to keep them over a restart.
    """
    if environ.get(ENV_PREFIX + "SECRET", "").strip():
        return None
    return secrets.token_urlsafe(32)


def environment_for(settings: WebSettings) -> dict[str, str]:
    """The ``GONGKAI_*`` variables from which ``WebSettings.from_env`` rebuilds ``settings``.

    Covers what ``gongkai serve`` sets; the other settings keep their defaults in every process.
    """
    env = {
        "SECRET": settings.secret_key,
        "WORKERS": str(settings.workers),
        "MAX_UPLOAD_MB": str(settings.max_upload_bytes // (1024 * 1024)),
        "READ_WORKERS": str(settings.ingest_processes),
        "LOGIN": "1" if settings.login_required else "0",
        "SECURE_COOKIES": "1" if settings.secure_cookies else "0",
    }
    if settings.database_url is not None:
        env["DB"] = settings.database_url
    if settings.originals_root is not None:
        env["SOURCES"] = str(settings.originals_root)
    if settings.page_cache_dir is not None:
        env["PAGE_CACHE"] = str(settings.page_cache_dir)
    if settings.allowed_hosts:
        env["ALLOWED_HOSTS"] = ",".join(settings.allowed_hosts)
    if settings.bind_host is not None:
        env["HOST"] = settings.bind_host
    return {ENV_PREFIX + name: value for name, value in env.items()}
