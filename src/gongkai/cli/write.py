"""``gongkai write``: the annual report from the register and a small input, checked, in one of four forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import GongkaiError
from ..model import EntityType, Report
from ..write.inputs import KINDS
from .options import DbOption, console, errors

if TYPE_CHECKING:
    from ..store.repository import Repository
    from ..write.model import AnnualReport
    from ..write.profiles import Profile

FORMS = (".docx", ".html", ".md", ".pdf")
INPUT_FORMS = (".yaml", ".yml")  # the generated draft as an input file to edit


def _fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"[red]错误[/red] {message}")
    return typer.Exit(code)


def _agency(repo: Repository, agency: str | None) -> str:
    known = repo.register_agencies()
    if not known:
        raise _fail("登记簿为空：请先登记申请（gongkai register add）或生成演示数据（gongkai register demo）")
    if agency:
        if agency not in known:
            raise _fail(f"登记簿中没有机关“{agency}”；登记簿中的机关：{'、'.join(known)}")
        return agency
    if len(known) == 1:
        return known[0]
    raise _fail(f"登记簿有 {len(known)} 个机关，请用 --agency 指定：{'、'.join(known)}")


def _previous(repo: Repository, agency: str, year: int) -> Report | None:
    """The agency's report on the year before, where the corpus holds it (for 内容雷同)."""
    found = repo.report_for(agency, year - 1)
    if found is None:
        return None
    loaded = repo.load_report(found)
    return loaded[0] if loaded else None


def _save(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"无法写入 {output}：{exc.strerror or exc}") from None


def render(report: AnnualReport, suffix: str, profile: Profile) -> bytes:
    """The report in the form named by ``suffix`` (.docx, .html, .md, .pdf)."""
    if suffix == ".docx":
        from ..write.docx_out import render_docx

        return render_docx(report, profile)
    if suffix == ".html":
        from ..write.html_out import render_html

        return render_html(report, profile).encode("utf-8")
    if suffix == ".md":
        from ..write.markdown_out import render_markdown

        return render_markdown(report, profile).encode("utf-8")
    from ..write.pdf_out import render_pdf

    return render_pdf(report, profile)


def write_command(
    year: Annotated[int, typer.Option("--year", min=2008, max=2100, help="报告年度。")],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="输出文件；格式由后缀决定：.docx、.html、.md 或 .pdf；.yaml 写出可修改的输入文件（草稿）。",
        ),
    ],
    agency: Annotated[str | None, typer.Option("--agency", help="机关名称（登记簿只有一个机关时可省略）。")] = None,
    given: Annotated[
        Path | None,
        typer.Option("--input", help="表二数字和各部分文字（YAML 或 XLSX）；不给时表二空白、正文为生成的草稿。"),
    ] = None,
    profile: Annotated[
        str, typer.Option("--profile", help="版式：template（通行模板样式）或 gbt9704（GB/T 9704 公文样式）。")
    ] = "template",
    kind: Annotated[
        str | None, typer.Option("--kind", help="机关类型：人民政府、政府部门 或 乡镇/街道（决定发布期限）。")
    ] = None,
    override: Annotated[
        str | None, typer.Option("--override", help="有错误级问题仍要写出时的理由（记入输出文件的元数据）。")
    ] = None,
    published: Annotated[
        str | None, typer.Option("--date", help="拟发布日期，写成年-月-日（默认今天；晚于法定期限为错误级问题）。")
    ] = None,
    db: DbOption = None,
) -> None:
    """由申请登记簿和少量输入写出政府信息公开工作年度报告（2021年版格式），写出前先核查。

    表三、表四来自登记簿，表二和各部分文字来自 --input；第六部分总是写明信息处理费的收取情况。
    核查发现错误级问题时不写出（退出码1），除非用 --override 说明理由。

    示例： gongkai write --year 2025 -o 年报.docx
    gongkai write --year 2025 --input 输入.yaml --profile gbt9704 -o 年报.pdf
    """
    from ..api import read_bytes
    from ..store import open_database
    from ..store.db import database_url, shown_url
    from ..store.repository import Repository
    from ..write.compose import compose_from_register
    from ..write.inputs import load_input
    from ..write.profiles import PROFILES
    from ..write.verdict import verdict

    suffix = output.suffix.lower()
    if suffix not in FORMS + INPUT_FORMS:
        raise _fail(f"输出文件的后缀应为 {'、'.join(FORMS + INPUT_FORMS)} 之一：{output.name}")
    if profile not in PROFILES:
        raise _fail(f"版式应为 {'、'.join(PROFILES)} 之一：{profile}")
    if kind is not None and kind not in KINDS:
        raise _fail(f"机关类型应为 {'、'.join(KINDS)} 之一：{kind}")
    try:
        publishing = date.fromisoformat(published) if published else date.today()
    except ValueError:
        raise _fail(f"发布日期应为 YYYY-MM-DD：{published!r}") from None
    try:
        inputs = load_input(given) if given is not None else None
    except GongkaiError as exc:
        raise _fail(str(exc)) from None
    try:
        database = open_database(db)
    except Exception as exc:
        raise _fail(f"无法打开数据库 {shown_url(database_url(db))}：{exc}") from None
    try:
        repo = Repository(database)
        name = _agency(repo, agency or (inputs.agency if inputs else None))
        snapshot = repo.current_snapshot(name, year)
        frozen = snapshot.tables if snapshot is not None else None
        report = compose_from_register(repo, name, year, inputs, entity_type=KINDS.get(kind or ""), frozen=frozen)
        if not report.tables.cells or not any(report.tables.cells.values()):
            raise _fail(f"登记簿中{name}在{year}年没有任何申请可计入表三、表四：请检查年度或先登记申请")
        previous = _previous(repo, name, year)
    finally:
        database.close()
    if suffix in INPUT_FORMS:
        from ..write.inputs import input_yaml

        _save(output, input_yaml(report).encode("utf-8"))
        console.print(f"已写出输入文件 {output}：修改后用 --input {output.name} 写出年报")
        return
    result = verdict(report, read=read_bytes, previous=previous, override=override, publishing=publishing)
    chosen = PROFILES[profile]
    console.print(f"[bold]{report.title}[/bold]（{chosen.zh}）")
    console.print(result.deadline_line())
    if snapshot is not None:
        by = f"，{snapshot.taken_by}" if snapshot.taken_by else ""
        console.print(f"表三、表四取自年度快照 {snapshot.id}（{snapshot.taken_at:%Y-%m-%d %H:%M} 冻结{by}）")
    else:
        console.print("表三、表四由登记簿当前数据计算（尚无年度快照；定稿前可用 gongkai register snapshot 冻结）")
    if report.entity_type is EntityType.OTHER and kind is None:
        console.print("[yellow]提示[/yellow] 无法从机关名称判断机关类型，按较晚的期限显示；可用 --kind 指定。")
    if report.draft:
        console.print("[yellow]草稿[/yellow] 未提供 --input：表二空白，正文为按登记簿数据生成的草稿，已在文中标明。")
    for note in report.notes:
        console.print(f"[yellow]提示[/yellow] {note}")
    for finding in result.findings:
        colour = {"error": "red", "warning": "yellow"}.get(finding.severity.value, "dim")
        console.print(f"[{colour}]{finding.severity.zh}[/{colour}] {finding.message}", soft_wrap=True)
    if result.copied and previous is not None:
        console.print(f"[yellow]内容雷同[/yellow] 与语料库中{previous.year}年度报告比较（{previous.source}）。")
    if result.blocked:
        raise _fail(f"核查发现 {len(result.errors)} 个错误级问题，未写出；确需写出请用 --override 说明理由。", 1)
    try:
        data = render(report, suffix, chosen)
    except GongkaiError as exc:
        raise _fail(str(exc)) from None
    _save(output, data)
    console.print(f"已写出 {output}（{len(data)} 字节）")


def register(app: typer.Typer) -> None:
    """Add ``gongkai write`` to ``app``."""
    app.command("write")(write_command)
