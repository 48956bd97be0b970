"""One error shape for the whole app.

The JSON API answers every error as ``{"error": {"status", "code", "message"}}``
(validation errors add ``details``); pages show the same message in Chinese on an
error page, or as a small fragment when htmx asked for a partial.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store.problems import database_problem

_CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_attempts",
    500: "internal",
    503: "database_unavailable",
}
_MESSAGES = {
    401: "请先登录",
    403: "没有权限",
    404: "未找到",
    405: "不支持的请求方法",
    413: "上传内容超过大小限制",
    422: "请求参数有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
}


class WebError(Exception):
    """An error a route raises on purpose; its message is shown to the user (Chinese)."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")


def error_body(status: int, message: str, code: str | None = None, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "code": code or _CODES.get(status, "error"), "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _respond(request: Request, status: int, message: str, code: str | None = None, details: Any = None) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(status, message, code, details), status_code=status)
    from .templating import render

    headers = {}
    if status == 401 and request.headers.get("HX-Request"):
        headers["HX-Redirect"] = f"/login?next={request.url.path}"
    template = "errors/fragment.html" if request.headers.get("HX-Request") else "errors/page.html"
    response = render(request, template, {"status": status, "message": message}, status_code=status)
    response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one shape."""

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return _respond(request, exc.status, exc.message, exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # the framework's own details are English and may name internals: show a Chinese sentence instead
        message = _MESSAGES.get(exc.status_code) or ("请求有误，无法处理" if exc.status_code < 500 else _MESSAGES[500])
        return _respond(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        return _respond(request, 422, _MESSAGES[422], details=details)

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> Response:
        # read-only, disk full, locked: the CLI's sentence, never the driver's English or the SQL
        return _respond(request, 503, database_problem(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        return _respond(request, 500, _MESSAGES[500])


__all__ = ["HTMLResponse", "WebError", "error_body", "install"]
