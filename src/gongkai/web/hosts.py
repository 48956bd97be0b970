"""Which ``Host`` header names the server answers to (a defence against DNS rebinding).

A page on a name the attacker owns can make that name resolve to this server's address
(often 127.0.0.1) and then talk to the server as if it were its own site. The browser
still sends the attacker's name in ``Host``, so answering only known names stops it.

Allowed without configuration, because no attacker can own them: ``localhost``, every
IP address literal of loopback, the address the server is bound to (any IP literal when
it is bound to all interfaces, 0.0.0.0 or ::), and the bound name when ``--host`` is a
name. Anything else must be listed in ``WebSettings.allowed_hosts`` (``gongkai serve
--allowed-host``, ``GONGKAI_ALLOWED_HOSTS``): an exact name, ``.example.org`` for the
name and its subdomains, or ``*`` to answer any name (behind a proxy that checks).
"""

from __future__ import annotations

import ipaddress
import json
from html import escape

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_body
from .settings import WebSettings

LOOPBACK_NAMES = frozenset(("localhost",))
_WILDCARD_BINDS = frozenset(("0.0.0.0", "::", ""))


def host_name(header: str) -> str | None:
    """The name in a ``Host`` header without its port, lower case; ``None`` when malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        if end < 0 or (header[end + 1 :] and not header[end + 1 :].startswith(":")):
            return None
        name = header[1:end]
    elif header.count(":") == 1:
        name, _, port = header.partition(":")
        if not port.isdigit():
            return None
    elif ":" in header:
        return None
    else:
        name = header
    name = name.rstrip(".")
    if not name or any(c in name for c in "/\\@ \t?#"):
        return None
    return name


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


class HostPolicy:
    """Decides whether a ``Host`` name is one this server answers to."""

    def __init__(self, settings: WebSettings) -> None:
        self.names = frozenset(h for h in settings.allowed_hosts if not h.startswith(".")) | LOOPBACK_NAMES
        self.suffixes = tuple(h for h in settings.allowed_hosts if h.startswith("."))
        self.any = "*" in settings.allowed_hosts
        bind = (settings.bind_host or "127.0.0.1").strip("[]").lower()
        self.any_ip = bind in _WILDCARD_BINDS
        bound_ip = _ip(bind)
        self.bound_ip = bound_ip
        if bound_ip is None and bind not in _WILDCARD_BINDS:
            self.names |= {bind.rstrip(".")}

    def allows(self, name: str) -> bool:
        """Whether ``name`` (from :func:`host_name`) may be served."""
        if self.any or name in self.names:
            return True
        ip = _ip(name)
        if ip is not None:
            return ip.is_loopback or self.any_ip or ip == self.bound_ip
        return any(name == suffix[1:] or name.endswith(suffix) for suffix in self.suffixes)


class HostCheckMiddleware:
    """Answers 400 (in Chinese) to a request whose ``Host`` header names a host not allowed."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.policy = HostPolicy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None)
        name = host_name(header) if header is not None else None
        if name is not None and self.policy.allows(name):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        shown = name if name is not None else (header or "")
        message = (
            f"主机名“{shown[:100]}”不在本服务允许的主机名之列，请求已拒绝。"
            "管理员可用 gongkai serve --allowed-host 或环境变量 GONGKAI_ALLOWED_HOSTS 添加。"
        )
        await refuse(scope, send, 400, message, "bad_host")


async def refuse(scope: Scope, send: Send, status: int, message: str, code: str) -> None:
    """Answer from a middleware, before any route: JSON under /api/, a small Chinese page elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps(error_body(status, message, code), ensure_ascii=False).encode()
        kind = b"application/json; charset=utf-8"
    else:
        body = (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求被拒绝 · gongkai</title>'
            f"</head><body><h1>{status}</h1><p>{escape(message)}</p></body></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
