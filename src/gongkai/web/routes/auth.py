"""登录: sign in with an account made by ``gongkai user add``; logout; the CSRF token for JSON clients.

A right password starts a fresh session (``sessions.start_session``); logout ends every
session of the account (``sessions.end_session``). Too many wrong passwords lock the name
or the client address for a while (``throttle``): 429 with the wait, in Chinese.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ...store.accounts import Account, verify
from ..deps import Repo
from ..errors import WebError, error_body
from ..security import csrf_token, verify_csrf
from ..sessions import end_session, start_session
from ..templating import render
from ..throttle import LoginThrottle, wait_message

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["auth"])

BAD_CREDENTIALS = "账户名或密码不正确"


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme), so a login link cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/reports"


class _Locked(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def _attempt(request: Request, repo: Repo, name: str, password: str) -> Account | None:
    """Check the password unless the name or address is locked (then raise ``_Locked``)."""
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    wait = throttle.wait(name, address)
    if wait > 0:
        raise _Locked(wait)
    account = verify(repo.database, name, password)
    if account is None:
        throttle.failed(name, address)
    else:
        throttle.succeeded(name)
    return account


def _retry_after(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "auth/login.html", {"next": _safe_next(next), "error": None})


@pages.post("/login", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
def login_post(
    request: Request,
    repo: Repo,
    name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/reports",
) -> Response:
    try:
        account = _attempt(request, repo, name, password)
    except _Locked as locked:
        context = {"next": _safe_next(next), "error": wait_message(locked.seconds)}
        response = render(request, "auth/login.html", context, status_code=429)
        response.headers.update(_retry_after(locked.seconds))
        return response
    if account is None:
        return render(request, "auth/login.html", {"next": _safe_next(next), "error": BAD_CREDENTIALS}, 401)
    start_session(request, account)
    return RedirectResponse(_safe_next(next), status_code=303)


@pages.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/reports", status_code=303)


class Credentials(BaseModel):
    name: str = Field(max_length=80)
    password: str = Field(max_length=200)


@api.get("/csrf", summary="取得CSRF令牌（写入请求放在 X-CSRF-Token 头中）")
def csrf_api(request: Request) -> dict[str, Any]:
    return {"csrf_token": csrf_token(request), "header": "X-CSRF-Token"}


@api.post(
    "/login",
    summary="登录（会话Cookie）；回答中的 csrf_token 是登录后写入要用的新令牌",
    dependencies=[Depends(verify_csrf)],
    response_model=None,
)
def login_api(request: Request, repo: Repo, credentials: Credentials) -> dict[str, Any] | JSONResponse:
    try:
        account = _attempt(request, repo, credentials.name, credentials.password)
    except _Locked as locked:
        body = error_body(429, wait_message(locked.seconds), "too_many_attempts")
        return JSONResponse(body, status_code=429, headers=_retry_after(locked.seconds))
    if account is None:
        raise WebError(401, BAD_CREDENTIALS, code="bad_credentials")
    start_session(request, account)
    return {"user": account.name, "csrf_token": csrf_token(request)}


@api.post("/logout", summary="退出：结束该账户的所有会话", dependencies=[Depends(verify_csrf)])
def logout_api(request: Request) -> dict[str, Any]:
    end_session(request)
    return {"user": None, "csrf_token": csrf_token(request)}


@api.get("/me", summary="当前用户，以及写入是否需要登录")
def me_api(request: Request) -> dict[str, Any]:
    return {"user": request.session.get("user"), "login_required": request.app.state.settings.login_required}
