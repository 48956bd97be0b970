"""申请登记簿 in the workbench: the applications, the due list, the application form, one application's
timeline with its clock drawn, and the year's tables 三 and 四 with every cell drillable; the JSON API.

Who sees what (``web.access``): an applicant's name, contact and agent only for admin, registrar
and handler; everyone else gets the applications loaded with ``personal=False``, so the data are
not there to leak. Registering needs a registrar or admin, appending events also a handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ...errors import GongkaiError, NotFound
from ...formats import FORMAT_2021, CellId
from ...register.calendar import WorkCalendar
from ...register.clock import State
from ...register.events import Applicant, Application, Channel, EventKind, RegisterError
from ...register.findings import register_findings
from ...register.letters import LetterKind, letter_context
from ...register.shapes import APPLICANT_LABELS, OUTCOME_LABELS, application_json, event_json, state_json
from ...register.tables import YearTables, table_cells, year_tables
from ...store.repository import Repository
from ..access import (
    ApplicationWriter,
    CurrentAccount,
    RegisterWriter,
    WebAccount,
    can_see_personal,
    may_append,
    may_register,
)
from ..deps import Repo
from ..errors import WebError
from ..register_view import (
    EVENT_KINDS,
    STATUS_FILTERS,
    clock_bar,
    fields_for,
    linked_table_html,
    matches,
    register_tables,
    state_of,
    timeline,
    work_calendar,
)
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/register", tags=["register"])

PAGE_SIZE = 100
CHANNELS = {c.value: c.zh for c in Channel}
_STATUS = f"^({'|'.join(STATUS_FILTERS)})?$"
_CHANNEL = f"^({'|'.join(CHANNELS)})?$"
CELLS = frozenset(table_cells())

AgencyQ = Annotated[str | None, Query(max_length=200, description="机关名称（登记簿只有一个机关时可省略）")]
YearQ = Annotated[str | None, Query(pattern="^([0-9]{4})?$", description="年度（四位数字）")]
StatusQ = Annotated[str | None, Query(pattern=_STATUS, description="状态：open 未办结，或 running、closed 等")]
ChannelQ = Annotated[str | None, Query(pattern=_CHANNEL, description="渠道，如 online、in_person")]
AsOfQ = Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$", description="按哪一天查看（默认今天）")]
DaysQ = Annotated[int, Query(ge=0, le=60, description="几个工作日内到期")]
PageQ = Annotated[int, Query(ge=1, le=100_000, description="页码")]


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the clock counts working days one by one: no day beyond these


def _day(text: str | None, what: str = "查看日") -> date:
    if not text:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise WebError(422, f"{what}不是有效日期：{text}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise WebError(422, f"{what}应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间：{text}")
    return day


def _check_dates(kind: EventKind, data: dict[str, str]) -> None:
    """A date an event carries (补正期限, 答复期限) within the years the clock counts; else a RegisterError."""
    for f in fields_for(kind):
        if f.kind == "date" and data.get(f.key):
            try:
                _day(data[f.key], f.label)
            except WebError as exc:
                raise RegisterError(exc.message) from None


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _choose_agency(repo: Repository, agency: str | None) -> tuple[str | None, list[str]]:
    """The agency asked for (which must have applications), the only one, or None; and every agency."""
    known = repo.register_agencies()
    name = (agency or "").strip()
    if name:
        if name not in known:
            raise WebError(404, f"登记簿中没有机关“{name}”的申请")
        return name, known
    return (known[0] if len(known) == 1 else None), known


def _api_agency(repo: Repository, agency: str | None) -> str:
    name, known = _choose_agency(repo, agency)
    if name is not None:
        return name
    if not known:
        raise WebError(404, "登记簿为空：请先登记申请")
    raise WebError(400, f"登记簿有 {len(known)} 个机关，请用 agency 指定：{'、'.join(known)}")


def _load(repo: Repository, agency: str, number: str, personal: bool) -> Application:
    try:
        return repo.application(agency, number, personal=personal)
    except NotFound as exc:
        raise WebError(404, str(exc)) from None


@dataclass(frozen=True, slots=True)
class Listed:
    app: Application
    state: State


def _listed(
    repo: Repository,
    agency: str,
    *,
    personal: bool,
    as_of: date,
    cal: WorkCalendar,
    year: int | None = None,
    status: str | None = None,
    channel: str | None = None,
) -> list[Listed]:
    apps = _candidates(repo, agency, personal=personal, year=year, channel=channel)
    out = [Listed(a, state_of(a, as_of, cal)) for a in apps]
    return [item for item in out if matches(item.state, status)]


def _candidates(
    repo: Repository, agency: str, *, personal: bool, year: int | None = None, channel: str | None = None
) -> list[Application]:
    apps = repo.applications(agency, years=[year] if year else None, personal=personal)
    return [a for a in apps if a.channel.value == channel] if channel else apps


def _due(items: list[Listed], within: int) -> tuple[list[Listed], list[Listed]]:
    """Overdue, and due within ``within`` working days: open applications with a due date (as ``register due``)."""
    running = [i for i in items if i.state.open and i.state.due is not None]
    key = lambda i: (i.state.due, i.app.id)  # noqa: E731
    overdue = sorted((i for i in running if i.state.overdue), key=key)
    soon = sorted(
        (i for i in running if not i.state.overdue and i.state.days_left is not None and i.state.days_left <= within),
        key=key,
    )
    return overdue, soon


def _base(account: WebAccount, **extra: Any) -> dict[str, Any]:
    return {
        "account": account,
        "personal": can_see_personal(account),
        "may_register": may_register(account),
        "may_append": may_append(account),
        "channels": CHANNELS,
        "applicant_types": APPLICANT_LABELS,
        **extra,
    }


def _detail_url(agency: str, number: str) -> str:
    from urllib.parse import quote

    return f"/register/{quote(agency, safe='')}/{quote(number, safe='')}"


# ---- pages ----


@pages.get("/register", response_class=HTMLResponse)
def list_page(
    request: Request,
    repo: Repo,
    account: CurrentAccount,
    agency: AgencyQ = None,
    year: YearQ = None,
    status: StatusQ = None,
    channel: ChannelQ = None,
    as_of: AsOfQ = None,
    page: PageQ = 1,
) -> Response:
    day = _day(as_of)
    name, known = _choose_agency(repo, agency)
    items: list[Listed] = []
    total = 0
    window = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    if name is not None:
        personal, cal = can_see_personal(account), work_calendar(repo)
        if status:  # the status needs every application's clock
            found = _listed(
                repo, name, personal=personal, as_of=day, cal=cal, year=_year(year), status=status, channel=channel
            )
            total, items = len(found), found[window]
        else:  # only the page shown needs its clocks
            apps = _candidates(repo, name, personal=personal, year=_year(year), channel=channel)
            total, items = len(apps), [Listed(a, state_of(a, day, cal)) for a in apps[window]]
    pages_total = max(1, -(-total // PAGE_SIZE))
    chosen = {"agency": name, "year": year, "status": status, "channel": channel, "as_of": as_of}
    query = {k: v for k, v in chosen.items() if v}
    context = _base(
        account,
        agency=name,
        agencies=known,
        items=items,
        total=total,
        page=page,
        pages_total=pages_total,
        chosen=chosen,
        query=query,
        page_query=lambda n: urlencode({**query, "page": n}),
        statuses=STATUS_FILTERS,
        as_of=day,
        detail_url=_detail_url,
    )
    return render(request, "register/list.html", context)


@pages.get("/register/due", response_class=HTMLResponse)
def due_page(
    request: Request,
    repo: Repo,
    account: CurrentAccount,
    days: DaysQ = 5,
    agency: AgencyQ = None,
    as_of: AsOfQ = None,
) -> Response:
    day = _day(as_of)
    name, known = _choose_agency(repo, agency)
    overdue: list[Listed] = []
    soon: list[Listed] = []
    if name is not None:
        items = _listed(repo, name, personal=can_see_personal(account), as_of=day, cal=work_calendar(repo))
        overdue, soon = _due(items, days)
    context = _base(
        account,
        agency=name,
        agencies=known,
        overdue=overdue,
        soon=soon,
        days=days,
        as_of=day,
        detail_url=_detail_url,
    )
    return render(request, "register/due.html", context)


def _new_context(account: WebAccount, repo: Repository, values: dict[str, str], errors: list[str]) -> dict[str, Any]:
    return _base(account, agencies=repo.register_agencies(), values=values, errors=errors, today=date.today())


@pages.get("/register/new", response_class=HTMLResponse)
def new_page(request: Request, repo: Repo, account: CurrentAccount, agency: AgencyQ = None) -> Response:
    values = {"agency": (agency or "").strip(), "arrived": date.today().isoformat()}
    return render(request, "register/new.html", _new_context(account, repo, values, []))


_NEW_FIELDS = ("agency", "channel", "arrived", "applicant_type", "name", "id_number", "contact", "agent")
_NEW_LIMITS = {"request": 4000, "form": 40, "agency": 200}


def _new_application(repo: Repository, values: dict[str, str], who: str | None) -> Application:
    """The application the form describes, registered under the next number; Chinese errors, nothing half-stored."""
    problems = []
    agency = values.get("agency", "").strip()
    if not agency:
        problems.append("请填写机关名称")
    channel = next((c for c in Channel if c.value == values.get("channel")), None)
    if channel is None:
        problems.append("请选择申请渠道")
    try:
        arrived = date.fromisoformat(values.get("arrived", ""))
    except ValueError:
        arrived = None
        problems.append("到达日期应为年-月-日")
    if arrived is not None and arrived.year < FIRST_YEAR:
        problems.append(f"到达日期 {arrived} 早于 {FIRST_YEAR} 年")
    if arrived is not None and arrived > date.today():
        problems.append(f"到达日期 {arrived} 晚于今天")
    column = values.get("applicant_type", "")
    if column not in APPLICANT_LABELS:
        problems.append("请选择申请人类型（表三的六列之一）")
    for key, limit in _NEW_LIMITS.items():
        if len(values.get(key, "")) > limit:
            problems.append(f"内容过长（不超过 {limit} 字）")
    if problems:
        raise RegisterError("；".join(problems))
    assert channel is not None and arrived is not None

    def kept(key: str) -> str | None:
        return values.get(key, "").strip() or None

    applicant = Applicant(column, kept("name"), kept("id_number"), kept("contact"), kept("agent"))
    app = Application(
        "", agency, channel, arrived, applicant, values.get("request", "").strip(), values.get("form", "").strip()
    )
    return repo.add_numbered(app, by=who)


async def _form_values(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {k: v for k in keys if isinstance(v := form.get(k), str)}


@pages.post("/register/new", response_class=HTMLResponse)
async def new_post(request: Request, repo: Repo, account: ApplicationWriter) -> Response:
    values = await _form_values(request, (*_NEW_FIELDS, "request", "form"))
    try:
        app = await anyio.to_thread.run_sync(partial(_new_application, repo, values, account.name))
    except GongkaiError as exc:  # RegisterError, StoreError: a sentence on the form, nothing stored
        values.pop("id_number", None)  # never echoed back
        context = await anyio.to_thread.run_sync(partial(_new_context, account, repo, values, [str(exc)]))
        return render(request, "register/new.html", context, status_code=400)
    return RedirectResponse(_detail_url(app.agency, app.id), status_code=303)


@pages.get("/register/tables", response_class=HTMLResponse)
def tables_page(
    request: Request, repo: Repo, account: CurrentAccount, year: YearQ = None, agency: AgencyQ = None
) -> Response:
    chosen_year = _year(year) or date.today().year
    name, known = _choose_agency(repo, agency)
    result = year_tables(repo.applications(name), chosen_year, name) if name is not None else None
    query = {"year": chosen_year, "agency": name or ""}
    shown = []
    if result is not None:
        link = lambda cid: "/register/tables/cell?" + urlencode({**query, "cell": cid})  # noqa: E731
        shown = [(t.heading, linked_table_html(t, link)) for t in register_tables(result)]
    context = _base(account, agency=name, agencies=known, year=chosen_year, result=result, shown=shown)
    return render(request, "register/tables.html", context)


@pages.get("/register/tables/cell", response_class=HTMLResponse)
def cell_page(
    request: Request,
    repo: Repo,
    account: CurrentAccount,
    year: YearQ = None,
    agency: AgencyQ = None,
    cell: Annotated[str | None, Query(max_length=80, description="单元格编号（与 gongkai read --json 相同）")] = None,
) -> Response:
    chosen_year = _year(year) or date.today().year
    name, known = _choose_agency(repo, agency)
    if cell and cell not in CELLS:
        raise WebError(404, f"表三、表四中没有单元格 {cell}")
    items: list[Listed] = []
    if name is not None and cell:
        apps = repo.applications(name, personal=can_see_personal(account))
        behind = set(year_tables(apps, chosen_year, name).cells.get(CellId(cell), ()))
        year_end = min(date(chosen_year, 12, 31), date.today())
        cal = work_calendar(repo)
        items = [Listed(a, state_of(a, year_end, cal)) for a in apps if a.id in behind]
    context = _base(
        account,
        agency=name,
        agencies=known,
        year=chosen_year,
        cell=cell,
        label=FORMAT_2021.label_of(cell) if cell else None,
        items=items,
        detail_url=_detail_url,
    )
    return render(request, "register/cell.html", context)


def _kind(text: str | None, default: EventKind = EventKind.CONFIRMED) -> EventKind:
    if not text:
        return default
    try:
        return EventKind(text)
    except ValueError:
        raise WebError(422, f"未知事件类型：{text}") from None


def _detail_context(
    repo: Repository,
    account: WebAccount,
    agency: str,
    number: str,
    as_of: date,
    kind: EventKind,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    app = _load(repo, agency, number, can_see_personal(account))
    cal = work_calendar(repo)
    st = state_of(app, as_of, cal)
    return _base(
        account,
        app=app,
        st=st,
        as_of=as_of,
        today=date.today(),
        entries=timeline(app, as_of),
        bar=clock_bar(app, st, cal),
        kinds=EVENT_KINDS,
        kind=kind,
        fields=fields_for(kind),
        events=app.events,
        errors=errors or [],
        values=values or {},
        url=_detail_url(app.agency, app.id),
        outcome_words=OUTCOME_LABELS.get(st.outcome or "", ""),
        letters=_letters(app, cal),
    )


def _letters(app: Application, cal: WorkCalendar) -> list[tuple[LetterKind, str | None]]:
    """Each standard notice with the reason it cannot be made for ``app`` yet (None when it can)."""
    out: list[tuple[LetterKind, str | None]] = []
    for kind in LetterKind:
        try:
            letter_context(app, kind, calendar=cal)
            out.append((kind, None))
        except RegisterError as exc:
            out.append((kind, str(exc)))
    return out


@pages.get("/register/{agency}/{number}", response_class=HTMLResponse)
def detail_page(
    request: Request,
    repo: Repo,
    account: CurrentAccount,
    agency: str,
    number: str,
    as_of: AsOfQ = None,
    kind: Annotated[str | None, Query(max_length=40, description="事件表单的类型")] = None,
) -> Response:
    context = _detail_context(repo, account, agency, number, _day(as_of), _kind(kind))
    return render(request, "register/detail.html", context)


@pages.get("/register/{agency}/{number}/event-fields", response_class=HTMLResponse)
def event_fields_page(
    request: Request,
    repo: Repo,
    account: CurrentAccount,
    agency: str,
    number: str,
    kind: Annotated[str | None, Query(max_length=40, description="事件类型")] = None,
) -> Response:
    app = _load(repo, agency, number, False)
    chosen = _kind(kind)
    context = _base(account, app=app, kind=chosen, fields=fields_for(chosen), events=app.events, values={})
    return render(request, "register/_event_fields.html", context)


_EVENT_KEYS = ("kind", "on", "corrects", "refers", *sorted({f.key for k in EventKind for f in fields_for(k)}))


def _number(text: str | None, what: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise RegisterError(f"{what}应为事件编号")
    return int(text)


def _append(repo: Repository, agency: str, number: str, values: dict[str, str], who: str | None) -> None:
    try:
        kind = EventKind(values.get("kind", ""))
    except ValueError:
        raise RegisterError("请选择事件类型") from None
    try:
        on = date.fromisoformat(values.get("on", ""))
    except ValueError:
        raise RegisterError("发生日期应为年-月-日") from None
    data = {
        f.key: values[f.key].strip() for f in fields_for(kind) if f.key != "refers" and values.get(f.key, "").strip()
    }
    _check_dates(kind, data)
    repo.append_event(
        agency,
        number,
        kind,
        on,
        data,
        corrects=_number(values.get("corrects"), "更正的事件"),
        refers=_number(values.get("refers"), "对应的事件"),
        by=who,
    )


@pages.post("/register/{agency}/{number}/events", response_class=HTMLResponse)
async def event_post(request: Request, repo: Repo, account: RegisterWriter, agency: str, number: str) -> Response:
    values = await _form_values(request, _EVENT_KEYS)
    try:
        await anyio.to_thread.run_sync(partial(_append, repo, agency, number, values, account.name))
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    except GongkaiError as exc:
        kind = EventKind(values["kind"]) if values.get("kind") in EVENT_KINDS else EventKind.CONFIRMED
        context = await anyio.to_thread.run_sync(
            partial(_detail_context, repo, account, agency, number, date.today(), kind, [str(exc)], values)
        )
        return render(request, "register/detail.html", context, status_code=400)
    return RedirectResponse(_detail_url(agency, number) + "#timeline", status_code=303)


# ---- JSON API ----


@api.get("/agencies", summary="登记簿中有申请的机关")
def agencies_api(repo: Repo) -> dict[str, Any]:
    return {"agencies": repo.register_agencies()}


@api.get("/applications", summary="一个机关的申请及其状态和期限（个人信息只给登记员、承办人、管理员）")
def applications_api(
    repo: Repo,
    account: CurrentAccount,
    agency: AgencyQ = None,
    year: YearQ = None,
    status: StatusQ = None,
    channel: ChannelQ = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    day = _day(as_of)
    name = _api_agency(repo, agency)
    personal = can_see_personal(account)
    items = _listed(
        repo,
        name,
        personal=personal,
        as_of=day,
        cal=work_calendar(repo),
        year=_year(year),
        status=status,
        channel=channel,
    )
    return {
        "agency": name,
        "as_of": day.isoformat(),
        "total": len(items),
        "applications": [application_json(i.app, i.state, personal=personal) for i in items],
    }


@api.get("/applications/{agency}/{number}", summary="一件申请：事实、事件、期限（按任一天查看）")
def application_api(
    repo: Repo, account: CurrentAccount, agency: str, number: str, as_of: AsOfQ = None
) -> dict[str, Any]:
    day = _day(as_of)
    personal = can_see_personal(account)
    app = _load(repo, agency, number, personal)
    st = state_of(app, day, work_calendar(repo))
    return application_json(app, st, personal=personal, events=[e for e in app.events if e.recorded <= day])


@api.get("/due", summary="到期提醒：已逾期和几个工作日内到期的申请（与 gongkai register due 相同）")
def due_api(
    repo: Repo, account: CurrentAccount, days: DaysQ = 5, agency: AgencyQ = None, as_of: AsOfQ = None
) -> dict[str, Any]:
    day = _day(as_of)
    name = _api_agency(repo, agency)
    overdue, soon = _due(_listed(repo, name, personal=False, as_of=day, cal=work_calendar(repo)), days)
    return {
        "agency": name,
        "as_of": day.isoformat(),
        "within": days,
        "overdue": [state_json(i.state) for i in overdue],
        "due_soon": [state_json(i.state) for i in soon],
    }


@api.get("/tables", summary="由登记簿生成的表三、表四（与 gongkai register tables --json 相同）")
def tables_api(
    repo: Repo, year: Annotated[int, Query(ge=2000, le=2100, description="年度")], agency: AgencyQ = None
) -> dict[str, Any]:
    name = _api_agency(repo, agency)
    apps = repo.applications(name)
    result: YearTables = year_tables(apps, year, name)
    checked_on = min(date(year, 12, 31), date.today())  # the self-check `gongkai register tables` prints
    found = register_findings(apps, checked_on, work_calendar(repo), known=date.max)
    return {**result.to_json(), "findings": [f.to_json() for f in found]}


class ApplicationIn(BaseModel):
    agency: str = Field(min_length=1, max_length=200, description="机关名称")
    channel: str = Field(description="渠道：" + "、".join(f"{k}（{v}）" for k, v in CHANNELS.items()))
    arrived: str = Field(description="到达日期 YYYY-MM-DD")
    applicant_type: str = Field(description="申请人类型（表三的列）：" + "、".join(APPLICANT_LABELS))
    name: str | None = Field(default=None, max_length=200, description="申请人姓名或名称")
    id_number: str | None = Field(default=None, max_length=40, description="身份证号（只保存加盐哈希）")
    contact: str | None = Field(default=None, max_length=200, description="联系方式")
    agent: str | None = Field(default=None, max_length=200, description="代理人")
    request: str = Field(default="", max_length=4000, description="所需信息的内容描述")
    form: str = Field(default="", max_length=40, description="获取信息的方式")


class EventIn(BaseModel):
    kind: str = Field(description="事件类型：" + "、".join(EVENT_KINDS))
    on: str = Field(description="发生日期 YYYY-MM-DD")
    data: dict[str, str] = Field(default_factory=dict, description='事件内容，如 {"reply_by": "2026-12-20"}')
    corrects: int | None = Field(default=None, ge=1, description="更正的事件编号")
    refers: int | None = Field(default=None, ge=1, description="对应的事件编号（意见、复议）")


@api.post("/applications", summary="登记一件新申请（登记员、管理员）", status_code=201)
def application_post_api(entry: ApplicationIn, repo: Repo, account: ApplicationWriter) -> dict[str, Any]:
    values = {k: v for k, v in entry.model_dump().items() if isinstance(v, str)}
    try:
        app = _new_application(repo, values, account.name)
    except GongkaiError as exc:
        raise WebError(400, str(exc)) from None
    stored = repo.application(app.agency, app.id, personal=True)
    return {"application": application_json(stored, state_of(stored, date.today(), work_calendar(repo)), personal=True)}


@api.post(
    "/applications/{agency}/{number}/events",
    summary="为一件申请追加事件（登记员、承办人、管理员）",
    status_code=201,
)
def event_post_api(entry: EventIn, repo: Repo, account: RegisterWriter, agency: str, number: str) -> dict[str, Any]:
    try:
        kind = EventKind(entry.kind)
    except ValueError:
        raise WebError(400, f"未知事件类型：{entry.kind}") from None
    on = _day(entry.on, "发生日期")
    try:
        _check_dates(kind, dict(entry.data))
        added = repo.append_event(
            agency, number, kind, on, dict(entry.data), corrects=entry.corrects, refers=entry.refers, by=account.name
        )
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    except GongkaiError as exc:
        raise WebError(400, str(exc)) from None
    app = repo.application(agency, number, personal=False)
    return {"event": event_json(added), "state": state_json(state_of(app, date.today(), work_calendar(repo)))}
