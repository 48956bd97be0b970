"""The register's files in the workbench: its XLSX export, the import of an Excel 台账, the letters of an
application as DOCX, and the working-day calendar an admin keeps.

Pages: ``/register/export.xlsx`` (personal data only for the roles that see them), ``/register/import``
(registrar or admin; a workbook with any bad row stores nothing and lists every bad row),
``/register/{agency}/{number}/letters/{kind}.docx`` and ``/register/calendar`` (the stored exception days;
an admin enters the State Council's notice text and confirms a year). JSON: ``/api/register/calendar``.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...errors import GongkaiError, NotFound
from ...export.register import import_register_workbook, register_workbook
from ...register.calendar import DayStatus
from ...register.letters import LetterKind, render_letter
from ...register.notice import parse_notice
from ...store.roles import Role
from ..access import CalendarAdmin, CurrentAccount, YearWriter, can_see_personal
from ..deps import Repo
from ..errors import WebError
from ..register_view import work_calendar
from ..templating import render
from .versions import content_disposition

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["register"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_WORKBOOK_BYTES = 20 * 2**20
MAX_NOTICE_CHARS = 20_000

AgencyQ = Annotated[str | None, Query(max_length=200, description="机关名称")]
YearQ = Annotated[int | None, Query(ge=2000, le=2100, description="年度")]


def _attachment(name: str, fallback: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition(name, fallback)}


@pages.get("/register/export.xlsx")
def export_workbook(repo: Repo, account: CurrentAccount, agency: AgencyQ = None, year: YearQ = None) -> Response:
    """The register as XLSX; names and contacts only for a role that sees them (ID numbers never: only hashed)."""
    personal = can_see_personal(account)
    apps = repo.applications(agency or None, years=[year] if year else None, personal=personal)
    data = register_workbook(apps, personal=personal, calendar=work_calendar(repo))
    name = f"申请登记簿-{agency or '全部机关'}{f'-{year}' if year else ''}.xlsx"
    return Response(data, media_type=XLSX, headers=_attachment(name, "register.xlsx"))


@pages.get("/register/import", response_class=HTMLResponse)
def import_form(request: Request, repo: Repo, account: CurrentAccount) -> Response:
    return render(request, "register/import.html", _import_context(repo, account))


@pages.post("/register/import", response_class=HTMLResponse)
async def import_workbook(
    request: Request,
    repo: Repo,
    account: YearWriter,
    file: Annotated[UploadFile, File(description="Excel 台账（XLSX）")],
    agency: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    name = PurePosixPath(file.filename or "台账.xlsx").name
    if PurePosixPath(name).suffix.lower() != ".xlsx":
        return _import_refused(request, repo, account, 400, f"{name}：台账只支持 XLSX 文件")
    data = await file.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        return _import_refused(request, repo, account, 413, f"{name}：台账文件超过 {MAX_WORKBOOK_BYTES // 2**20} MB")
    try:
        outcome = import_register_workbook(repo, data, agency=agency.strip() or None, by=account.name)
    except GongkaiError as exc:
        return _import_refused(request, repo, account, 400, f"{name}：{exc}")
    status = 200 if outcome.ok else 400
    context = _import_context(repo, account, file=name, outcome=outcome)
    return render(request, "register/import.html", context, status_code=status)


def _import_context(repo: Repo, account: Any, **extra: Any) -> dict[str, Any]:
    return {
        "account": account,
        "personal": can_see_personal(account),
        "agencies": repo.register_agencies(),
        "agency": "",
        "outcome": None,
        "refused": None,
        **extra,
    }


def _import_refused(request: Request, repo: Repo, account: Any, status: int, message: str) -> Response:
    context = _import_context(repo, account, refused=message)
    return render(request, "register/import.html", context, status_code=status)


@pages.get("/register/{agency}/{number}/letters/{kind}.docx")
def letter(repo: Repo, account: CurrentAccount, agency: str, number: str, kind: str) -> Response:
    """One standard notice of an application; the applicant's name only for a role that sees it."""
    try:
        chosen = LetterKind(kind)
    except ValueError:
        choices = "、".join(f"{k.zh}（{k.value}）" for k in LetterKind)
        raise WebError(404, f"没有“{kind}”这种文书：可选 {choices}") from None
    try:
        app = repo.application(agency, number, personal=can_see_personal(account))
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    try:
        data = render_letter(app, chosen, calendar=work_calendar(repo))
    except GongkaiError as exc:
        raise WebError(409, f"申请 {number} 不能生成{chosen.zh}：{exc}") from None
    return Response(data, media_type=DOCX, headers=_attachment(f"{chosen.zh}-{number}.docx", f"{kind}.docx"))


@pages.get("/register/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, repo: Repo, account: CurrentAccount, year: YearQ = None) -> Response:
    chosen = year or date.today().year
    days = repo.calendar_days(chosen)
    context = {
        "account": account,
        "personal": can_see_personal(account),
        "agency": "",
        "year": chosen,
        "days": days,
        "provisional": sum(1 for d in days if d.day.status is DayStatus.PROVISIONAL),
        "is_admin": account.role is Role.ADMIN,
        "message": request.query_params.get("message", "")[:200],
    }
    return render(request, "register/calendar.html", context)


@pages.post("/register/calendar/notice")
def enter_notice(
    repo: Repo, account: CalendarAdmin, text: Annotated[str, Form(max_length=MAX_NOTICE_CHARS)]
) -> Response:
    try:
        notice = parse_notice(text)
        stored = repo.import_calendar(notice.days, by=account.name, notice_year=notice.year)
    except GongkaiError as exc:
        raise WebError(400, f"放假安排通知无法导入：{exc}") from None
    message = f"已导入 {notice.year} 年放假安排 {stored.days} 天，待管理员确认后生效为正式"
    return RedirectResponse(f"/register/calendar?year={notice.year}&message={quote(message)}", status_code=303)


@pages.post("/register/calendar/confirm")
def confirm_year(repo: Repo, account: CalendarAdmin, year: Annotated[int, Form(ge=2000, le=2100)]) -> Response:
    try:
        count = repo.confirm_calendar(year, by=account.name or "")
    except GongkaiError as exc:
        raise WebError(400, str(exc)) from None
    message = f"已确认 {year} 年的 {count} 个调整日为正式"
    return RedirectResponse(f"/register/calendar?year={year}&message={quote(message)}", status_code=303)


@api.get("/register/calendar", summary="工作日历：某年的放假和调休上班日，及其来源、状态、确认人")
def calendar_api(repo: Repo, year: Annotated[int, Query(ge=2000, le=2100, description="年度")]) -> dict[str, Any]:
    return {"year": year, "days": [d.to_json() for d in repo.calendar_days(year)]}
