"""``gongkai register snapshot|snapshots|compare|calendar …``: the year's frozen tables and the calendar.

- ``snapshot --year Y``: freeze tables 三 and 四 as computed now (a new one supersedes, none is removed);
- ``snapshots [--json]``: every snapshot, the current one of each year marked;
- ``compare --year Y [--json]``: the agency's published report of that year in the corpus beside the
  current snapshot (or the live tables when there is none), cell by cell. Exit 0 when they agree,
  1 when some cell differs or is not printed, 2 when the corpus holds no report of that year;
- ``calendar list|import|confirm``: the stored working-day calendar (the State Council's notice as text,
  or a CSV/JSON file); imported days are provisional until an admin confirms the year.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import GongkaiError
from ..register.calendar import ExceptionDay, read_overrides
from ..register.notice import looks_like_notice, parse_notice
from .chinese import ChineseTyper
from .exits import ERROR_FINDINGS, UNREADABLE
from .options import DbOption, JsonOption, console, dump, errors
from .register import AgencyOption, _agency, _fail, _register, register_app

if TYPE_CHECKING:
    from ..register.compare import Comparison

YearOption = Annotated[int, typer.Option("--year", min=2004, max=2100, help="年度。")]
RegionOption = Annotated[str | None, typer.Option("--region", help="地区（只对该地区适用的调整，如民族自治地方）。")]


@register_app.command()
def snapshot(
    year: YearOption,
    agency: AgencyOption = None,
    by: Annotated[str | None, typer.Option("--by", help="取快照的人。")] = None,
    note: Annotated[str | None, typer.Option("--note", help="说明（如“报送年度报告前定稿”）。")] = None,
    db: DbOption = None,
) -> None:
    """冻结某年度的表三、表四（当前计算结果）：新快照取代旧快照，旧快照保留。"""
    from ..register.snapshot import freeze

    with _register(db) as repo:
        name = _agency(repo, agency)
        frozen = freeze(repo.applications(name), year, name, repo.work_calendar())
        taken = repo.save_snapshot(frozen, by=by, note=note)
    console.print(
        f"已保存快照 {taken.id}：{name} {year} 年度，{taken.applications} 件申请"
        + (f"（{'、'.join(map(str, taken.provisional_years))} 年期限为暂定）" if taken.provisional else "")
    )


@register_app.command()
def snapshots(
    agency: Annotated[str | None, typer.Option("--agency", help="只列该机关（默认全部）。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只列该年度。")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出年度快照（每个年度最新的一份为现行快照）。"""
    with _register(db) as repo:
        found = repo.snapshots(agency, year)
    if as_json:
        dump({"snapshots": [s.to_json() for s in found]})
        return
    if not found:
        console.print("还没有年度快照：用 gongkai register snapshot --year 年度 生成")
        return
    out = Table(title=f"年度快照（{len(found)} 份）")
    for head in ("编号", "机关", "年度", "状态", "申请件数", "期限", "取于", "取快照人", "说明"):
        out.add_column(head)
    for s in found:
        out.add_row(
            str(s.id),
            s.agency,
            str(s.year),
            "现行" if s.current else "已被取代",
            str(s.applications),
            "暂定" if s.provisional else "正式",
            s.taken_at.strftime("%Y-%m-%d %H:%M"),
            s.taken_by or "",
            s.note or "",
        )
    console.print(out)


@register_app.command()
def compare(
    year: YearOption,
    agency: AgencyOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """把语料库中该机关当年已公开的年度报告与登记簿的表三、表四逐格比较。

    有现行快照时与快照比较，否则与当前计算结果比较（会注明）。
    退出码：0 一致；1 有不一致或报告未印出的单元格；2 语料库中没有该年度报告。
    """
    from ..store.register_compare import compare_with_published

    with _register(db) as repo:
        name = _agency(repo, agency)
        found = compare_with_published(repo, name, year)
    if found is None:
        errors.print(f"语料库中没有 {name} {year} 年度的政府信息公开工作年度报告，无法比较")
        raise typer.Exit(UNREADABLE)
    if as_json:
        dump(found.to_json())
    else:
        _print_comparison(found.comparison, found.report_id)
    if not found.comparison.same:
        raise typer.Exit(ERROR_FINDINGS)


def _print_comparison(result: Comparison, report_id: int) -> None:
    basis = f"现行快照 {result.snapshot_id}" if result.basis == "snapshot" else "当前计算结果（尚无年度快照）"
    who = result.report_agency or "未识别机关"
    console.print(
        f"[bold]{result.agency} {result.year} 年度[/bold]：已公开报告 {report_id}（{who}）与登记簿{basis}比较"
    )
    for note in result.notes:
        console.print(f"[dim]{note}[/dim]")
    if result.same:
        console.print(f"表三、表四 {result.agreeing} 个单元格全部一致")
        return
    console.print(
        f"一致 {result.agreeing} 格，不一致 {len(result.differences)} 格，报告未印出 {len(result.not_printed)} 格"
    )
    if result.differences:
        out = Table(title="不一致的单元格")
        for head in ("单元格", "项目", "已公开", "登记簿", "差"):
            out.add_column(head)
        for d in result.differences:
            assert d.published is not None
            out.add_row(d.cell, d.label, str(d.published), str(d.register), f"{d.register - d.published:+d}")
        console.print(out)
    if result.not_printed:
        out = Table(title="报告未印出的单元格（不按 0 计）")
        for head in ("单元格", "项目", "报告中", "登记簿"):
            out.add_column(head)
        for d in result.not_printed:
            out.add_row(d.cell, d.label, "空白" if d.state == "blank" else "缺失", str(d.register))
        console.print(out)


calendar_app = ChineseTyper(help="工作日日历：国务院放假安排、地方调整，导入与确认。", no_args_is_help=True)
register_app.add_typer(calendar_app, name="calendar")


@calendar_app.command("list")
def calendar_list(
    year: YearOption,
    region: RegionOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出某年的放假和调休上班日（含来源、状态、确认人）。"""
    with _register(db) as repo:
        days = repo.calendar_days(year, region=region)
        official = repo.work_calendar(region=region).official(year)
    if as_json:
        dump({"year": year, "region": region, "official": official, "days": [d.to_json() for d in days]})
        return
    standing = "正式" if official else "暂定（尚无经确认的国务院放假安排，相关期限均为暂定）"
    if not days:
        console.print(f"{year} 年没有登记的放假安排：按规则推算，{standing}")
        return
    out = Table(title=f"{year} 年工作日日历：{standing}")
    for head in ("日期", "类别", "节日", "状态", "地区", "来源", "确认人"):
        out.add_column(head)
    for d in days:
        e = d.day
        out.add_row(
            e.day.isoformat(), e.kind.zh, e.name, e.status.zh, e.region or "全国", e.source, d.confirmed_by or ""
        )
    console.print(out)


@calendar_app.command("import")
def calendar_import(
    source: Annotated[
        str,
        typer.Argument(
            metavar="文件",
            help="国务院办公厅放假通知的文本（.txt，或 - 从标准输入读），或本地调整文件（.csv / .json）。",
        ),
    ],
    region: RegionOption = None,
    by: Annotated[str | None, typer.Option("--by", help="导入人。")] = None,
    db: DbOption = None,
) -> None:
    """导入放假安排：通知文本或文件中的正式日期在管理员确认前均为暂定。"""
    notice_year: int | None = None
    try:
        if source == "-" or Path(source).suffix.lower() not in (".csv", ".json"):
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
            if not looks_like_notice(text):
                raise _fail("不是国务院办公厅的放假通知（找不到“关于某年部分节假日安排的通知”），也不是 CSV/JSON 文件")
            notice = parse_notice(text, region=region)
            days: list[ExceptionDay] = list(notice.days)
            notice_year = notice.year
        else:
            days = [d if d.region or not region else _in_region(d, region) for d in read_overrides(Path(source))]
    except (GongkaiError, OSError, UnicodeDecodeError) as exc:
        raise _fail(str(exc)) from None
    with _register(db) as repo:
        try:
            done = repo.import_calendar(days, by=by, notice_year=notice_year)
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
    years = "、".join(map(str, done.years))
    console.print(
        f"已导入 {done.days} 个日期（{years} 年）" + (f"，其中 {done.provisional} 个待确认" if done.provisional else "")
    )
    if done.provisional:
        console.print(f"请管理员核对后确认：gongkai register calendar confirm --year {done.years[0]} --by 姓名")


def _in_region(day: ExceptionDay, region: str) -> ExceptionDay:
    return replace(day, region=region)


@calendar_app.command("confirm")
def calendar_confirm(
    year: YearOption,
    by: Annotated[str, typer.Option("--by", help="确认人（管理员）。")],
    region: RegionOption = None,
    db: DbOption = None,
) -> None:
    """管理员确认某年导入的放假安排：由暂定变为正式，涉及该年的期限随即按正式日历重算。"""
    with _register(db) as repo:
        try:
            n = repo.confirm_calendar(year, by=by, region=region)
        except GongkaiError as exc:
            raise _fail(str(exc)) from None
    console.print(f"已确认 {year} 年 {n} 个日期为正式（确认人：{by}）")
