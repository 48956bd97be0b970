"""Everything the web app is configured by, in one frozen object."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class WebSettings:
    database_url: str | None = None  # None: $GONGKAI_DB, else gongkai.sqlite here
    login_required: bool = False  # writes need an account (always true off loopback; see for_host)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))  # signs the session cookie
    originals_root: Path | None = None  # where uploaded files are kept; None: beside the database
    max_upload_bytes: int = 200 * 1024 * 1024  # one request's body
    max_upload_files: int = 500
    ingest_processes: int = 1  # 0 reads uploads in a thread of the server process
    page_cache_dir: Path | None = None  # rendered PDF pages; None: a temporary folder
    stats_cache_seconds: float = 120.0  # dashboard figures are recomputed at most this often (writes here clear it)
    secure_cookies: bool = False  # set the Secure flag (behind HTTPS)
    threads: int = 40  # worker threads for route bodies (database work); more only contend for the GIL

    @classmethod
    def for_host(cls, host: str, **kwargs: object) -> WebSettings:
        """Settings for a server bound to ``host``: off loopback, writes always need a login."""
        if not is_loopback(host):
            kwargs["login_required"] = True
        return cls(**kwargs)  # type: ignore[arg-type]
