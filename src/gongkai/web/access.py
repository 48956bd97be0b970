"""Who is asking, with which role, and what that role may see and write in the application register.

The login itself is ``sessions``' (a signed cookie whose stamp the database confirms); the role
is read from the account on every request, so an admin's change applies at once. Personal data
of applicants (name, ID number, contact, agent) go only to the roles of ``SEES_PERSONAL``:
anonymous visitors, overseers and readers read the register without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request

from ..store.accounts import role_of
from ..store.roles import ADMINS, APPENDS_EVENTS, REGISTERS, SEES_PERSONAL, Role
from .errors import WebError
from .security import current_user, verify_csrf


@dataclass(frozen=True, slots=True)
class WebAccount:
    """The signed-in account and its role; ``name`` None for an anonymous visitor."""

    name: str | None = None
    role: Role | None = None

    @property
    def role_zh(self) -> str:
        return self.role.zh if self.role is not None else "未登录"


ANONYMOUS = WebAccount()


async def current_account(request: Request) -> WebAccount:
    """Dependency: the signed-in account with its role as the database has it now, or ``ANONYMOUS``."""
    name = current_user(request)
    if not name:
        return ANONYMOUS
    role = await anyio.to_thread.run_sync(role_of, request.app.state.repo.database, name)
    return WebAccount(name, role) if role is not None else ANONYMOUS


CurrentAccount = Annotated[WebAccount, Depends(current_account)]


def can_see_personal(account: WebAccount) -> bool:
    """Whether ``account`` may see an applicant's name, ID number, contact and agent."""
    return account.role in SEES_PERSONAL


def may_register(account: WebAccount) -> bool:
    """Whether ``account`` may register a new application."""
    return account.role in REGISTERS


def may_append(account: WebAccount) -> bool:
    """Whether ``account`` may append events to an application."""
    return account.role in APPENDS_EVENTS


def _allowed_words(roles: frozenset[Role]) -> str:
    return "、".join(r.zh for r in Role if r in roles)


async def _gate(request: Request, roles: frozenset[Role], what: str) -> WebAccount:
    await verify_csrf(request)
    account = await current_account(request)
    if account.name is None:
        raise WebError(401, f"{what}需要以{_allowed_words(roles)}账号登录")
    if account.role not in roles:
        raise WebError(403, f"{account.role_zh}账号不能{what}：需要{_allowed_words(roles)}账号")
    return account


async def register_writer(request: Request) -> WebAccount:
    """Dependency for every event written to the register: CSRF, a login, and registrar, handler or admin."""
    return await _gate(request, APPENDS_EVENTS, "登记办理事件")


async def application_writer(request: Request) -> WebAccount:
    """Dependency for a new application: CSRF, a login, and registrar or admin (a handler only appends events)."""
    return await _gate(request, REGISTERS, "登记新申请")


RegisterWriter = Annotated[WebAccount, Depends(register_writer)]
ApplicationWriter = Annotated[WebAccount, Depends(application_writer)]


async def year_writer(request: Request) -> WebAccount:
    """Dependency for a year's snapshot and a register import: CSRF, a login, and registrar or admin."""
    return await _gate(request, REGISTERS, "冻结年度快照或导入台账")


async def calendar_admin(request: Request) -> WebAccount:
    """Dependency for the working-day calendar (entering a notice, confirming a year): CSRF, login, admin."""
    return await _gate(request, ADMINS, "维护工作日历")


YearWriter = Annotated[WebAccount, Depends(year_writer)]
CalendarAdmin = Annotated[WebAccount, Depends(calendar_admin)]
