"""Show a report's three tables and its findings in the terminal (rich)."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console, Group
from rich.table import Table as RichTable
from rich.text import Text

from ..check import Finding, Severity
from ..formats import BlockLayout, Table
from ..model import CellState, Report

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _worst(findings: list[Finding]) -> dict[str, Severity]:
    worst: dict[str, Severity] = {}
    for f in findings:
        for c in f.cells:
            if c not in worst or f.severity.rank < worst[c].rank:
                worst[c] = f.severity
    return worst


def _cell_text(report: Report, cell_id: str, worst: dict[str, Severity]) -> Text:
    cell = report.cells.get(cell_id)
    style = _STYLE.get(worst[cell_id], "") if cell_id in worst else ""
    if cell is None or cell.state is CellState.ABSENT:
        return Text("缺", style=style or "dim")
    if cell.state is CellState.BLANK:
        return Text("空", style=style or "dim")
    value = cell.value
    shown = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    if cell.state is CellState.INFERRED:
        return Text(shown + "*", style=style or "magenta")
    return Text(shown, style=style)


def _rows_table(report: Report, table: Table, worst: dict[str, Severity]) -> list[RichTable]:
    out = []
    for block in table.blocks:
        if block.layout is BlockLayout.FLAT:
            continue
        grid = RichTable(title=block.caption, title_justify="left", show_lines=False, pad_edge=False)
        grid.add_column("信息内容" if block.caption else "", no_wrap=False, max_width=40)
        for col in block.columns:
            grid.add_column(col.label, justify="right")
        opened: set[str] = set()
        for row in block.rows:
            for group in block.groups:
                if group.rows and group.rows[0] == row.id and group.label not in opened:
                    opened.add(group.label)
                    depth = 0 if group is block.groups[0] else 1
                    grid.add_row(Text("  " * depth + group.label, style="bold"), *[""] * len(block.columns))
            depth = sum(row.id in g.rows for g in block.groups)
            label = "  " * depth + f"{row.number}{row.label}"
            grid.add_row(label, *[_cell_text(report, f"{table.id}.{row.id}.{c.id}", worst) for c in block.columns])
        out.append(grid)
    return out


def _appeals_table(report: Report, table: Table, worst: dict[str, Severity]) -> RichTable:
    block = table.blocks[0]
    grid = RichTable(title="行政复议 | 行政诉讼：未经复议直接起诉 | 行政诉讼：复议后起诉", title_justify="left")
    short = {"review": "复议", "suit_direct": "直接起诉", "suit_after_review": "复议后起诉"}
    for group in block.rows:
        for col in block.columns:
            grid.add_column(f"{short.get(group.id, group.label)}\n{col.label}", justify="right")
    grid.add_row(*[_cell_text(report, f"{table.id}.{g.id}.{c.id}", worst) for g in block.rows for c in block.columns])
    return grid


def render_report(report: Report, findings: list[Finding], console: Console) -> None:
    published = report.published.isoformat() if report.published else "未注明"
    console.print(
        f"[bold]{report.title or report.source}[/bold]\n"
        f"机关：{report.agency or '未识别'}　类型：{report.entity_type.zh}　年度：{report.year or '未识别'}　"
        f"格式：{report.format.name if report.format else '未识别'}　发布日期：{published}"
    )
    worst = _worst(findings)
    if report.format is not None:
        for table in report.format.tables:
            console.print(f"\n[bold]{'一二三四五六'[table.section - 1]}、{table.title}[/bold]")
            if table.blocks[0].layout is BlockLayout.FLAT:
                console.print(_appeals_table(report, table, worst))
            else:
                console.print(Group(*_rows_table(report, table, worst)))
        console.print("[dim]空 = 原文留空；缺 = 原文未印出或无法识别；* = 由粘连数字唯一推得[/dim]")
    render_findings(findings, console)


def render_findings(findings: list[Finding], console: Console, source: str | None = None) -> None:
    head = f"{source}：" if source else ""
    if not findings:
        console.print(f"{head}[green]未发现问题[/green]")
        return
    console.print(f"\n[bold]{head}发现{len(findings)}个问题[/bold]")
    for f in findings:
        console.print(Text.assemble((f"[{f.severity.zh}] ", _STYLE[f.severity]), (f"{f.rule}  ", "bold"), f.message))
