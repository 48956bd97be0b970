"""``gongkai register …``: the application register (申请登记簿) on the command line.

Three shapes are scripted against and must keep their form: ``deadline DATE [--days N] [--json]``,
``demo [--applications N] [--years 2024-2026] [--seed S]`` and ``tables --year Y [--agency NAME]
[--json]`` (JSON ``{"cells": {"<cell id>": {"value": …}}}`` with the cell ids of ``gongkai read``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import GongkaiError
from ..formats import cell_id
from ..register.calendar import WorkCalendar, read_overrides, standard_calendar
from ..register.clock import ANSWER_DAYS, State, Status, state
from ..register.events import T3, T4, Applicant, Application, Channel, EventKind
from ..register.findings import OVERDUE, register_findings
from .chinese import ChineseTyper
from .options import DbOption, JsonOption, console, dump, errors
from .register_findings import FailOverdueOption, FindingsOption, overdue_exit, print_findings

if TYPE_CHECKING:
    from ..store.register import Register
    from ..store.repository import Repository

register_app = ChineseTyper(
    help="申请登记簿：登记政府信息公开申请、计算法定期限、生成表三和表四。",
    no_args_is_help=True,
)

CalendarOption = Annotated[
    Path | None,
    typer.Option(
        "--calendar", help="本地调整的日历文件（CSV 或 JSON，列为日期（date）、类别（kind）、依据（source））。"
    ),
]
AgencyOption = Annotated[str | None, typer.Option("--agency", help="机关名称（登记簿只有一个机关时可省略）。")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="按哪一天计算，写成年-月-日（默认今天）。")]
LaterOption = Annotated[
    bool,
    typer.Option(
        "--later-entries",
        help="也计入 --as-of 那天之后才登记的事件（默认只用当日已登记的，即当日所显示的）。",
    ),
]


def _known(day: date, later: bool) -> date:
    return date.max if later else day


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]错误[/red] {message}")
    return typer.Exit(2)


def _date(text: str, what: str = "日期") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{what}应为 YYYY-MM-DD：{text!r}") from None


def _calendar(path: Path | None, reg: Register | None = None) -> WorkCalendar:
    """The package's calendar, or with a register the database's stored one (``register_year``); ``path`` on top."""
    try:
        extra = read_overrides(path) if path else ()
        if reg is None:
            return standard_calendar(extra)
        from ..store.register_calendar import RegisterCalendar

        return RegisterCalendar(reg.database).work_calendar(extra=extra)
    except (GongkaiError, OSError) as exc:
        raise _fail(str(exc)) from None


@contextmanager
def _register(db: str | None) -> Iterator[Repository]:
    """The database's repository (its register, snapshots and stored calendar), closed afterwards."""
    from ..store import open_database
    from ..store.db import database_url, shown_url
    from ..store.repository import Repository

    try:
        database = open_database(db)
    except Exception as exc:
        raise _fail(f"无法打开数据库 {shown_url(database_url(db))}：{exc}") from None
    try:
        yield Repository(database)
    finally:
        database.close()


def _agency(reg: Register, agency: str | None) -> str:
    if agency:
        return agency
    known = reg.register_agencies()
    if len(known) == 1:
        return known[0]
    if not known:
        raise _fail("登记簿为空：请先登记申请（gongkai register add）或生成演示数据（gongkai register demo）")
    raise _fail(f"登记簿有 {len(known)} 个机关，请用 --agency 指定：{'、'.join(known)}")


@register_app.command()
def deadline(
    day: Annotated[str, typer.Argument(metavar="收到之日", help="收到申请之日，写成年-月-日，如 2026-09-25。")],
    days: Annotated[int, typer.Option("--days", min=1, max=200, help="工作日数（默认 20）。")] = ANSWER_DAYS,
    calendar: CalendarOption = None,
    as_json: JsonOption = False,
    db: Annotated[
        str | None, typer.Option("--db", help="按该数据库中登记的工作日日历计算（默认用日历包的数据）。")
    ] = None,
) -> None:
    """收到申请之日起若干个工作日的期限（两种读法不同时都列出）。

    示例： gongkai register deadline 2026-09-25 --json
    """
    if db is None:
        cal = _calendar(calendar)
    else:
        with _register(db) as reg:
            cal = _calendar(calendar, reg)
    result = cal.deadline(_date(day), days)
    if as_json:
        dump(result.to_json())
        return
    console.print(f"{result.start} 起 {days} 个工作日：期限 [bold]{result.due}[/bold]")
    if result.readings_differ:
        console.print(
            f"起算日不是工作日，两种读法：顺数 {result.stepped}，先顺延再数 {result.moved}；"
            f"以较早的 {result.earlier} 预警"
        )
    if result.provisional:
        years = "、".join(str(y) for y in result.provisional_years)
        console.print(f"[yellow]暂定[/yellow]：{years} 年尚无国务院放假通知，按规则推算；通知公布后应重新计算")


def _years(text: str) -> tuple[int, ...]:
    try:
        if "-" in text:
            first, last = (int(p) for p in text.split("-", 1))
        else:
            first = last = int(text)
    except ValueError:
        raise _fail(f"年份应为 2024 或 2024-2026：{text!r}") from None
    if not 2004 <= first <= last <= 2100:
        raise _fail(f"年份范围无效：{text}")
    return tuple(range(first, last + 1))


@register_app.command()
def demo(
    applications: Annotated[int, typer.Option("--applications", min=1, max=100_000, help="申请件数。")] = 3000,
    years: Annotated[str, typer.Option("--years", help="年份范围，如 2024-2026。")] = "2024-2026",
    seed: Annotated[int, typer.Option("--seed", help="随机种子。")] = 2026,
    db: DbOption = None,
) -> None:
    """在登记簿中生成一个演示机关的申请（各种办理路径都有）。"""
    from ..register.demo import DemoSpec, demo_register

    spec = DemoSpec(applications, _years(years), seed)
    apps = demo_register(spec)
    with _register(db) as reg:
        try:
            n = reg.add_applications(apps, by="demo")
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
    console.print(f"已登记 {n} 件演示申请（{spec.agency}，{years} 年，种子 {seed}）")


@register_app.command()
def tables(
    year: Annotated[int, typer.Option("--year", help="年度。")],
    agency: AgencyOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    fail_on_overdue: FailOverdueOption = False,
) -> None:
    """由登记簿生成某年度的表三、表四（官方版式），并自查年末（或今天）已逾期、即将到期的申请。

    退出码：默认 0；加 --fail-on-overdue 时有逾期申请则为 1。
    示例： gongkai register tables --year 2025 --json
    """
    from ..register.tables import year_tables
    from ..render.terminal import render_tables

    with _register(db) as reg:
        name = _agency(reg, agency)
        apps = reg.applications(name)
        result = year_tables(apps, year, name)
        checked_on = min(date(year, 12, 31), date.today())
        found = register_findings(apps, checked_on, _calendar(None, reg), known=date.max)
    overdue = sum(1 for f in found if f.rule == OVERDUE)
    if as_json:
        dump({**result.to_json(), "findings": [f.to_json() for f in found]})
        overdue_exit(fail_on_overdue, overdue)
        return
    report = result.report()
    console.print(f"[bold]{name} {year} 年度（由申请登记簿生成）[/bold]")
    render_tables(report, console, sections=(T3_SECTION, T4_SECTION))
    for note in result.notes:
        console.print(f"[dim]口径：{note}[/dim]")
    for app_id, why in result.left_out.items():
        console.print(f"[yellow]未计入[/yellow] {app_id}：{why}")
    print_findings(found, f"登记簿自查（截至 {checked_on}）")
    overdue_exit(fail_on_overdue, overdue)


def _sections() -> tuple[int, int]:
    from ..formats import FORMAT_2021

    return FORMAT_2021.table(T3.table).section, FORMAT_2021.table(T4.table).section


T3_SECTION, T4_SECTION = _sections()


@register_app.command()
def add(
    arrived: Annotated[str, typer.Option("--arrived", help="申请到达之日，写成年-月-日。")],
    channel: Annotated[
        str, typer.Option("--channel", help="渠道：" + "、".join(f"{c.zh}（{c.value}）" for c in Channel))
    ],
    applicant_type: Annotated[
        str,
        typer.Option(
            "--applicant-type",
            help="申请人类型（表三的列）：" + "、".join(f"{c.label}（{c.id}）" for c in T3.applicants),
        ),
    ],
    agency: Annotated[str, typer.Option("--agency", help="机关名称。")],
    request: Annotated[str, typer.Option("--request", help="所需信息的内容描述。")] = "",
    form: Annotated[str, typer.Option("--form", help="获取信息的方式（纸质/电子）。")] = "",
    name: Annotated[str | None, typer.Option("--name", help="申请人姓名或名称。")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="身份证号（只保存加盐哈希）。")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系方式。")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="代理人（不决定申请人类型）。")] = None,
    db: DbOption = None,
) -> None:
    """登记一件新申请，给出登记号。"""
    day = _date(arrived)
    try:
        chosen = Channel(channel)
    except ValueError:
        raise _fail(f"未知渠道 {channel!r}，可选：{'、'.join(c.value for c in Channel)}") from None
    if applicant_type not in {c.id for c in T3.applicants}:
        raise _fail(f"未知申请人类型 {applicant_type!r}，可选：{'、'.join(c.id for c in T3.applicants)}")
    with _register(db) as reg:
        app = Application(
            "", agency, chosen, day, Applicant(applicant_type, name, id_number, contact, agent), request, form
        )
        try:
            number = reg.add_numbered(app).id
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
    console.print(f"已登记：{number}（{agency}，{chosen.zh}，到达 {day}）")


@register_app.command()
def event(
    number: Annotated[str, typer.Argument(metavar="登记号", help="登记号。")],
    kind: Annotated[
        str,
        typer.Argument(metavar="事件类型", help="事件类型：" + "、".join(f"{k.zh}（{k.value}）" for k in EventKind)),
    ],
    on: Annotated[str, typer.Option("--on", help="发生之日，写成年-月-日。")],
    data: Annotated[list[str] | None, typer.Option("--set", help="事件内容，写成“名称=值”（可重复）。")] = None,
    corrects: Annotated[int | None, typer.Option("--corrects", help="更正的事件编号。")] = None,
    refers: Annotated[int | None, typer.Option("--refers", help="对应的事件编号（意见、复议）。")] = None,
    agency: AgencyOption = None,
    db: DbOption = None,
) -> None:
    """为一件申请追加一个事件（事件只能追加；更正是指向原事件的新事件）。"""
    try:
        chosen = EventKind(kind)
    except ValueError:
        raise _fail(f"未知事件类型 {kind!r}，可选：{'、'.join(k.value for k in EventKind)}") from None
    details: dict[str, str] = {}
    for item in data or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise _fail(f"--set 应为 KEY=VALUE：{item!r}")
        details[key.strip()] = value.strip()
    with _register(db) as reg:
        name = _agency(reg, agency)
        try:
            added = reg.append_event(name, number, chosen, _date(on), details, corrects=corrects, refers=refers)
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
    console.print(f"已追加事件 {added.id}：{added.label}（{added.on}）")


def _state_json(st: State) -> dict[str, object]:
    return {
        "application": st.application,
        "as_of": st.as_of.isoformat(),
        "status": st.status.value,
        "receipt": st.receipt.isoformat() if st.receipt else None,
        "start": st.start.isoformat() if st.start else None,
        "due": st.due.isoformat() if st.due else None,
        "due_earlier": st.due_earlier.isoformat() if st.due_earlier else None,
        "provisional": st.provisional,
        "days_left": st.days_left,
        "overdue": st.overdue,
        "extended": st.extended,
        "pending": [{"what": p.what, "until": p.until.isoformat() if p.until else None} for p in st.pending],
        "outcome": st.outcome,
        "outcome_cell": cell_id(T3.table, st.outcome, T3.total_column.id) if st.outcome else None,
        "closed": st.closed.isoformat() if st.closed else None,
        "answered": st.answered.isoformat() if st.answered else None,
        "appeals": [
            {"route": a.route, "filed": a.filed.isoformat(), "result": a.result, "case": a.case} for a in st.appeals
        ],
        "warnings": st.warnings,
    }


_OUTCOME_LABELS = {r.id: r.numbered for r in T3.outcomes}


def _outcome_zh(outcome: str | None) -> str:
    return _OUTCOME_LABELS.get(outcome or "", "")


@register_app.command()
def show(
    number: Annotated[str, typer.Argument(metavar="登记号", help="登记号。")],
    as_of: AsOfOption = None,
    later_entries: LaterOption = False,
    agency: AgencyOption = None,
    calendar: CalendarOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """一件申请的事件和期限（按任一天重算）。"""
    day = _date(as_of) if as_of else date.today()
    with _register(db) as reg:
        name = _agency(reg, agency)
        try:
            app = reg.application(name, number)
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
        cal = _calendar(calendar, reg)
    st = state(app, day, cal, known=_known(day, later_entries))
    if as_json:
        dump(
            {
                **_state_json(st),
                "channel": app.channel.value,
                "arrived": app.arrived.isoformat(),
                "events": [
                    {
                        "id": e.id,
                        "kind": e.kind.value,
                        "on": e.on.isoformat(),
                        "recorded": e.recorded.isoformat(),
                        "data": dict(e.data),
                        "corrects": e.corrects,
                        "refers": e.refers,
                    }
                    for e in app.events
                ],
            }
        )
        return
    console.print(f"[bold]{app.id}[/bold] {app.agency}　{app.channel.zh}　到达 {app.arrived}　{st.status.zh}")
    console.print(
        f"收到申请之日：{st.receipt or '待确认'}　答复期限：{st.due or '—'}"
        + ("（暂定）" if st.provisional else "")
        + (f"　剩余 {st.days_left} 个工作日" if st.days_left is not None else "")
    )
    if st.outcome:
        console.print(f"办理结果：{_outcome_zh(st.outcome)}（{st.closed}），答复送达：{st.answered}")
    history = Table(title=f"事件（截至 {day}）")
    for head in ("编号", "发生日", "登记日", "事件", "内容", "更正"):
        history.add_column(head)
    for e in app.events:
        details = "，".join(f"{k}={v}" for k, v in e.data.items())
        history.add_row(str(e.id), str(e.on), str(e.recorded), e.label, details, str(e.corrects or ""))
    console.print(history)
    for p in st.pending:
        console.print(f"待办：{p.what}" + (f"（至 {p.until}）" if p.until else ""))
    for w in st.warnings:
        console.print(f"[yellow]提示[/yellow] {w}")


@register_app.command("list")
def list_applications(
    year: Annotated[int | None, typer.Option("--year", help="到达年度。")] = None,
    status: Annotated[str | None, typer.Option("--status", help="未办结（open）或已办结（closed）。")] = None,
    as_of: AsOfOption = None,
    later_entries: LaterOption = False,
    agency: AgencyOption = None,
    calendar: CalendarOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出登记簿中的申请及其状态。"""
    if status not in (None, "open", "closed"):
        raise _fail(f"--status 应为 open 或 closed：{status!r}")
    day = _date(as_of) if as_of else date.today()
    with _register(db) as reg:
        name = _agency(reg, agency)
        apps = reg.applications(name, years=[year] if year else None)
        cal = _calendar(calendar, reg)
    states = [(a, state(a, day, cal, known=_known(day, later_entries))) for a in apps]
    if status == "open":
        states = [(a, s) for a, s in states if s.status is not Status.CLOSED]
    elif status == "closed":
        states = [(a, s) for a, s in states if s.status is Status.CLOSED]
    if as_json:
        dump({"agency": name, "as_of": day.isoformat(), "applications": [_state_json(s) for _, s in states]})
        return
    out = Table(title=f"{name} 申请登记簿（截至 {day}，{len(states)} 件）")
    for head in ("登记号", "渠道", "收到之日", "状态", "期限", "办理结果"):
        out.add_column(head)
    for a, s in states:
        out.add_row(
            a.id, a.channel.zh, str(s.receipt or "待确认"), s.status.zh, str(s.due or ""), _outcome_zh(s.outcome)
        )
    console.print(out)


@register_app.command()
def due(
    within: Annotated[int, typer.Option("--within", min=0, max=60, help="列出几个工作日内到期的申请。")] = 5,
    as_of: AsOfOption = None,
    later_entries: LaterOption = False,
    agency: AgencyOption = None,
    calendar: CalendarOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    findings: FindingsOption = False,
    fail_on_overdue: FailOverdueOption = False,
) -> None:
    """即将到期（几个工作日内）和已逾期的申请。

    退出码：默认 0；加 --fail-on-overdue 时有逾期申请则为 1。
    """
    day = _date(as_of) if as_of else date.today()
    with _register(db) as reg:
        name = _agency(reg, agency)
        apps = reg.applications(name)
        cal = _calendar(calendar, reg)
    known = _known(day, later_entries)
    open_states = [s for s in (state(a, day, cal, known=known) for a in apps) if s.open and s.due is not None]
    overdue = sorted((s for s in open_states if s.overdue), key=lambda s: (s.due, s.application))
    soon = sorted(
        (s for s in open_states if not s.overdue and s.days_left is not None and s.days_left <= within),
        key=lambda s: (s.due, s.application),
    )
    found = register_findings(apps, day, cal, within=within, known=known) if findings else []
    if as_json:
        dump(
            {
                "agency": name,
                "as_of": day.isoformat(),
                "within": within,
                "overdue": [_state_json(s) for s in overdue],
                "due_soon": [_state_json(s) for s in soon],
                **({"findings": [f.to_json() for f in found]} if findings else {}),
            }
        )
        overdue_exit(fail_on_overdue, len(overdue))
        return
    out = Table(title=f"{name}：已逾期 {len(overdue)} 件，{within} 个工作日内到期 {len(soon)} 件（截至 {day}）")
    for head in ("登记号", "状态", "答复期限", "剩余工作日", "待办", "提示"):
        out.add_column(head)
    for s in [*overdue, *soon]:
        out.add_row(
            s.application,
            "[red]已逾期[/red]" if s.overdue else s.status.zh,
            str(s.due) + ("（暂定）" if s.provisional else ""),
            str(s.days_left),
            "；".join(p.what for p in s.pending),
            "；".join(s.warnings),
        )
    console.print(out)
    if findings:
        print_findings(found, f"登记簿问题（截至 {day}）")
    overdue_exit(fail_on_overdue, len(overdue))


def register(app: typer.Typer) -> None:
    """Add ``gongkai register …`` to ``app``."""
    app.add_typer(register_app, name="register")


# these modules attach their commands to register_app: import, export, letter; snapshot(s), compare, calendar
from . import register_files, register_year  # noqa: E402, F401
