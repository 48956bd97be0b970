"""Everything the web app is configured by, in one frozen object, loadable from the environment.

``WebSettings.from_env()`` reads the ``GONGKAI_*`` variables below (for the
``uvicorn … --factory`` entry, and for worker processes that must all agree);
``gongkai serve`` passes its options over them. The session secret signs the login
cookie: one process may make up a random one, several workers must share one
(``GONGKAI_SECRET``), or each would refuse the others' cookies.

    GONGKAI_DB              database URL or SQLite file
    GONGKAI_SOURCES         where uploaded originals are kept
    GONGKAI_SECRET          session secret (required with more than one worker)
    GONGKAI_WORKERS         server processes (1)
    GONGKAI_HOST            the address served; off loopback, writes need a login
    GONGKAI_LOGIN           1: writes need a login even on loopback
    GONGKAI_SECURE_COOKIES  1: cookies only over HTTPS (the session cookie is then named __Host-gongkai_session)
    GONGKAI_ALLOWED_HOSTS   host names the server answers to, comma separated (".example.org": it and its
                            subdomains; "*": any); loopback names and IP addresses are always allowed
    GONGKAI_MAX_UPLOAD_MB   largest upload request (200)
    GONGKAI_READ_WORKERS    processes that read uploads; 0 reads in the server (1)
    GONGKAI_PAGE_CACHE      rendered PDF pages (default: beside the originals)
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import SettingsError

ENV_PREFIX = "GONGKAI_"
_TRUE = frozenset(("1", "true", "yes", "on"))
_FALSE = frozenset(("0", "false", "no", "off", ""))


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def split_hosts(value: str) -> tuple[str, ...]:
    """``"a.example, b.example"`` → ``("a.example", "b.example")`` (commas or spaces between names)."""
    return tuple(part for part in value.replace(",", " ").split() if part)


@dataclass(frozen=True, slots=True)
class WebSettings:
    database_url: str | None = None  # None: $GONGKAI_DB, else gongkai.sqlite here
    login_required: bool = False  # writes need an account (always true off loopback; see for_host)
    secret_key: str = ""  # signs the session cookie; empty: a random one for this process (one worker only)
    workers: int = 1  # server processes sharing the database; more than one needs secret_key
    originals_root: Path | None = None  # where uploaded files are kept; None: beside the database
    max_upload_bytes: int = 200 * 1024 * 1024  # one request's body
    max_upload_files: int = 500
    ingest_processes: int = 1  # 0 reads uploads in a thread of the server process
    page_cache_dir: Path | None = None  # rendered PDF pages; None: beside the originals root
    stats_cache_seconds: float = 120.0  # dashboard figures are recomputed at most this often (any write clears)
    secure_cookies: bool = False  # set the Secure flag (behind HTTPS)
    threads: int = 40  # worker threads for route bodies (database work); more only contend for the GIL
    allowed_hosts: tuple[str, ...] = ()  # Host header names answered besides loopback names (see web.hosts)
    bind_host: str | None = None  # the address served (set by for_host); None: loopback, as gongkai serve
    login_max_failures: int = 5  # wrong passwords for one account name within the window, then a lockout
    login_max_failures_per_address: int = 20  # the same, counted per client address over every name
    login_window_seconds: float = 900.0
    login_lockout_seconds: float = 900.0

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise SettingsError(f"工作进程数（workers）至少为1，而不是{self.workers}")
        if not self.secret_key:
            if self.workers > 1:
                raise SettingsError(
                    f"{self.workers}个工作进程必须使用同一个会话密钥：请设置环境变量 GONGKAI_SECRET"
                    "（例如 python -c 'import secrets; print(secrets.token_urlsafe(32))' 的输出），"
                    "否则一个进程签发的登录状态会被其他进程拒绝"
                )
            object.__setattr__(self, "secret_key", secrets.token_urlsafe(32))
        given = split_hosts(self.allowed_hosts) if isinstance(self.allowed_hosts, str) else self.allowed_hosts
        hosts = tuple(h.strip().lower().rstrip(".") for h in given if h.strip())
        object.__setattr__(self, "allowed_hosts", hosts)
        if self.login_max_failures < 1 or self.login_max_failures_per_address < 1:
            raise SettingsError("登录失败次数上限至少为1")

    @classmethod
    def for_host(cls, host: str, **kwargs: object) -> WebSettings:
        """Settings for a server bound to ``host``: off loopback, writes always need a login."""
        if not is_loopback(host):
            kwargs["login_required"] = True
        kwargs["bind_host"] = host
        return cls(**kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, host: str | None = None, **overrides: object
    ) -> WebSettings:
        """Settings from the ``GONGKAI_*`` variables (see the module docstring).

        ``overrides`` that are not ``None`` win over the environment (a command line's
        options); ``host`` over ``GONGKAI_HOST``. Bad values raise ``SettingsError``.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}

        def text(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name, "").strip()
            return value or None

        def number(name: str) -> int | None:
            value = text(name)
            if value is None:
                return None
            try:
                return int(value)
            except ValueError:
                raise SettingsError(f"环境变量 {ENV_PREFIX}{name} 应为整数，而不是 {value!r}") from None

        def flag(name: str) -> bool | None:
            value = (text(name) or "").lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return None
            raise SettingsError(f"环境变量 {ENV_PREFIX}{name} 应为 1 或 0，而不是 {value!r}")

        if (url := text("DB")) is not None:
            values["database_url"] = url
        if (secret := text("SECRET")) is not None:
            values["secret_key"] = secret
        if (workers := number("WORKERS")) is not None:
            values["workers"] = workers
        if (root := text("SOURCES")) is not None:
            values["originals_root"] = Path(root)
        if (pages := text("PAGE_CACHE")) is not None:
            values["page_cache_dir"] = Path(pages)
        if (megabytes := number("MAX_UPLOAD_MB")) is not None:
            values["max_upload_bytes"] = megabytes * 1024 * 1024
        if (readers := number("READ_WORKERS")) is not None:
            values["ingest_processes"] = readers
        if flag("LOGIN"):
            values["login_required"] = True
        if flag("SECURE_COOKIES"):
            values["secure_cookies"] = True
        if (hosts := text("ALLOWED_HOSTS")) is not None:
            values["allowed_hosts"] = split_hosts(hosts)
        values.update({k: v for k, v in overrides.items() if v is not None})
        host = host or text("HOST")
        if host is not None:
            return cls.for_host(host, **values)
        return cls(**values)  # type: ignore[arg-type]
