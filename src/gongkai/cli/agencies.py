"""``gongkai agencies``: the agency registry (list, import, export, set, delete) and a year's publication status.

Every subcommand takes ``--db``; ``--parent`` scopes to an agency and everything beneath it,
``--region`` to a region's subtree (江苏省淮安市 covers its districts).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import ExportError, NotFound, StoreError
from .chinese import ChineseTyper
from .corpus import _repository
from .options import DbOption, JsonOption, console, dump, errors

app = ChineseTyper(
    help="机关名录：列出、导入、导出、编辑机关，查看某年度各机关年报的发布情况（按时、逾期、未发布）。",
    no_args_is_help=True,
    add_completion=False,
)

ParentOption = Annotated[str | None, typer.Option("--parent", help="上级机关（名称或标识）：只含它及其全部下级。")]
RegionOption = Annotated[str | None, typer.Option("--region", help="地区（含下级）：如 江苏省淮安市。")]
KindOption = Annotated[str | None, typer.Option("--kind", help="机关类型：人民政府、部门、乡镇、其他（或英文代码）。")]


def _kind(word: str | None) -> str | None:
    """The code of a kind word; an unknown word exits 2."""
    from ..law.kinds import KIND_WORDS, kind_of

    if word is None:
        return None
    kind = kind_of(word)
    if kind is None:
        errors.print(f"[red]错误[/red] --kind 不接受“{word}”，可选：{'、'.join(KIND_WORDS)}")
        raise typer.Exit(2)
    return kind.value


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]错误[/red] {message}")
    return typer.Exit(2)


@app.command("list")
def list_command(
    db: DbOption = None,
    parent: ParentOption = None,
    region: RegionOption = None,
    kind: KindOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出机关名录（按名称排序）。

    示例：gongkai agencies list --region 江苏省淮安市 --kind 部门
    """
    code = _kind(kind)
    with _repository(db) as repository:
        try:
            rows = repository.list_agencies(under=parent, region=region, kind=code)
        except NotFound as exc:
            raise _fail(str(exc)) from None
    if as_json:
        dump([r.to_json() for r in rows])
        return
    table = Table(title=f"机关名录（{len(rows)}个）")
    for name in ("机关名称", "标识", "类型", "上级机关", "地区", "来源", "备注"):
        table.add_column(name)
    for r in rows:
        table.add_row(r.name, r.key, r.kind_zh, r.parent_name or "", r.region or "", r.origin_zh, r.note or "")
    console.print(table)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(metavar="文件", help="XLSX 或 CSV 文件；第1行为列名，至少有“机关名称”列。")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """从 XLSX 或 CSV 导入机关名录；有问题的行逐行报告（文件名与行号），其余照常导入。

    列名：机关名称、标识、类型、上级机关、地区、备注（标识缺省时由名称算出；上级机关可填名称或标识）。
    示例：gongkai agencies import 名录.xlsx
    """
    from ..export.agencies import import_agency_file

    if not file.is_file():
        raise _fail(f"文件不存在：{file}")
    with _repository(db) as repository:
        try:
            outcome = import_agency_file(repository, file)
        except (ExportError, StoreError, OSError) as exc:
            raise _fail(str(exc)) from None
    if as_json:
        dump(outcome.to_json())
        return
    for problem in outcome.problems:
        errors.print(f"[yellow]注意[/yellow] {problem}")
    problems = f"，{len(outcome.problems)} 处问题" if outcome.problems else ""
    console.print(f"已导入 {outcome.imported} 个机关{problems}")


@app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(metavar="文件", help="要写入的文件：.xlsx 或 .csv。")],
    db: DbOption = None,
    parent: ParentOption = None,
    region: RegionOption = None,
    kind: KindOption = None,
) -> None:
    """把机关名录导出为 XLSX 或 CSV（按文件扩展名），可再导入。

    示例：gongkai agencies export 名录.xlsx --region 江苏省
    """
    from ..export.agencies import write_agencies

    code = _kind(kind)
    with _repository(db) as repository:
        try:
            count = write_agencies(repository.list_agencies(under=parent, region=region, kind=code), file)
        except (ExportError, NotFound, OSError) as exc:
            raise _fail(str(exc)) from None
    errors.print(f"已写入 {file}（{count}个机关）")


@app.command("set")
def set_command(
    name_or_key: Annotated[str, typer.Argument(metavar="机关", help="机关名称或标识；名录中没有时新建。")],
    name: Annotated[str | None, typer.Option("--name", help="新的机关名称。")] = None,
    kind: KindOption = None,
    parent: Annotated[str | None, typer.Option("--parent", help="上级机关（名称或标识）；空字符串清除。")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="地区，如 江苏省淮安市洪泽区；空字符串：按上级机关与名称重新推定。")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注；空字符串清除。")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """新建或修改一个机关（只改给出的项）。

    示例：gongkai agencies set 洪泽区教育局 --kind 部门 --parent 洪泽区人民政府
    """
    code = _kind(kind)
    with _repository(db) as repository:
        try:
            row = repository.update_agency(name_or_key, name=name, kind=code, parent=parent, region=region, note=note)
        except StoreError as exc:
            raise _fail(str(exc)) from None
    if as_json:
        dump(row.to_json())
        return
    parts = [row.kind_zh, f"上级：{row.parent_name}" if row.parent_name else "", row.region or ""]
    console.print(f"已保存：{row.name}（{row.key}）" + "，".join(p for p in parts if p))


@app.command("delete")
def delete_command(
    name_or_key: Annotated[str, typer.Argument(metavar="机关", help="机关名称或标识。")],
    db: DbOption = None,
) -> None:
    """从名录中删除一个机关（其下级不再有上级；报告不受影响）。"""
    with _repository(db) as repository:
        if not repository.delete_agency(name_or_key):
            raise _fail(f"机关名录中没有“{name_or_key}”")
    console.print(f"已删除：{name_or_key}")


@app.command("status")
def status_command(
    year: Annotated[int, typer.Option("--year", help="报告年度（如 2023：其年报应于2024年公布）。")],
    db: DbOption = None,
    parent: ParentOption = None,
    region: RegionOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="按这一天判断是否逾期（YYYY-MM-DD，默认今天）。")] = None,
    as_json: JsonOption = False,
) -> None:
    """某年度各机关年报的发布情况：按时发布、逾期发布（条例第四十九条：部门1月31日、政府3月31日）、未发布。

    乡镇无全国统一期限：已发布的不计逾期，未发布的在次年3月31日后计为逾期；未注明日期的报告只算“已发布”。
    示例：gongkai agencies status --year 2023 --parent 洪泽区人民政府
    """
    try:
        today = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise _fail(f"--as-of 须为 YYYY-MM-DD 格式的日期，而不是“{as_of}”") from None
    with _repository(db) as repository:
        try:
            status = repository.publication_status(year, under=parent, region=region, today=today)
        except NotFound as exc:
            raise _fail(str(exc)) from None
    if as_json:
        dump(status.to_json())
        return
    table = Table(title=f"{year}年度年报发布情况（截至{status.today.isoformat()}，{len(status.rows)}个机关）")
    for name in ("机关名称", "类型", "情况", "发布日期", "期限", "报告编号"):
        table.add_column(name)
    for r in status.rows:
        table.add_row(
            r.agency.name,
            r.agency.kind_zh,
            r.state.zh,
            r.published.isoformat() if r.published else "",
            r.deadline.isoformat() if r.deadline else f"（{r.due.isoformat()}后计逾期）",
            str(r.report_id) if r.report_id else "",
        )
    console.print(table)
    data = status.to_json()
    published = f"已发布 {data['published']}（其中逾期 {data['late']}）"
    console.print(f"{published}，未发布 {data['missing']}（其中已逾期 {data['overdue']}）")


def register(main: typer.Typer) -> None:
    """Add ``gongkai agencies`` to the main command."""
    main.add_typer(app, name="agencies")
