"""登录: sign in with an account made by ``gongkai user add``; the CSRF token for JSON clients."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ...store.accounts import verify
from ..deps import Repo
from ..errors import WebError
from ..security import verify_csrf
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["auth"])


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme), so a login link cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/reports"


@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "auth/login.html", {"next": _safe_next(next), "failed": False})


@pages.post("/login", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
def login_post(
    request: Request,
    repo: Repo,
    name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/reports",
) -> Response:
    account = verify(repo.database, name, password)
    if account is None:
        return render(request, "auth/login.html", {"next": _safe_next(next), "failed": True}, status_code=401)
    request.session.clear()
    request.session["user"] = account.name
    return RedirectResponse(_safe_next(next), status_code=303)


@pages.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/reports", status_code=303)


class Credentials(BaseModel):
    name: str = Field(max_length=80)
    password: str = Field(max_length=200)


@api.get("/csrf", summary="取得CSRF令牌（写入请求放在 X-CSRF-Token 头中）")
def csrf_api(request: Request) -> dict[str, Any]:
    return {"csrf_token": request.state.csrf, "header": "X-CSRF-Token"}


@api.post("/login", summary="登录（会话Cookie）", dependencies=[Depends(verify_csrf)])
def login_api(request: Request, repo: Repo, credentials: Credentials) -> dict[str, Any]:
    account = verify(repo.database, credentials.name, credentials.password)
    if account is None:
        raise WebError(401, "账户名或密码不正确", code="bad_credentials")
    request.session.clear()
    request.session["user"] = account.name
    return {"user": account.name}


@api.get("/me", summary="当前用户，以及写入是否需要登录")
def me_api(request: Request) -> dict[str, Any]:
    return {"user": request.session.get("user"), "login_required": request.app.state.settings.login_required}
