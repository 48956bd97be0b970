"""Show a report's tables and its findings in the terminal (rich), walking the official layout.

A terminal table has one header line and no merged cells, so each layout is
flattened (``flatten``): a header row that spans the whole table (a block
caption) becomes the title; each data column is headed by its lowest header,
with the ones above it added (in their short form) only where the lowest ones
repeat; a corner header that spans several header rows (the 勾稽 note) is printed
under the table; and a group label spanning rows becomes a bold line of its own
above its first row, each level indented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.table import Table as RichTable
from rich.text import Text

from ..check import Finding, Severity
from ..model import ABSENT_MARK, BLANK_MARK, CORRECTED_MARK, INFERRED_MARK, CellState, Report, cell_text, read_text
from .layout import Cell, Layout, placed, table_parts, width

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_STATE_STYLE = {CellState.ABSENT: "dim", CellState.BLANK: "dim", CellState.INFERRED: "magenta"}
LEGEND = (
    f"{BLANK_MARK} = 原文留空；{ABSENT_MARK} = 原文未印出或无法识别；{INFERRED_MARK} = 由粘连数字唯一推得；"
    f"{CORRECTED_MARK} = 审核人更正的值"
)
INDENT = "  "


@dataclass(slots=True)
class FlatRow:
    """A line of a flattened table: a row label and its data cells, or a group label alone (``cells`` empty)."""

    label: str
    cells: list[Cell]
    group: bool = False


@dataclass(slots=True)
class FlatTable:
    """A layout (or one of its blocks) with a single header line."""

    title: str | None
    caption: str | None  # a note printed under the table
    label_header: str | None  # None: the table has no label column
    headers: list[str]
    rows: list[FlatRow] = field(default_factory=list)


_Placed = tuple[int, int, Cell]


def _bands(layout: Layout) -> list[tuple[list[list[_Placed]], list[list[_Placed]]]]:
    """The layout cut into (header lines, data lines) pairs; a header line after data starts a new pair."""
    lines: list[list[_Placed]] = [[] for _ in layout]
    for r, c, cell in placed(layout):
        lines[r].append((r, c, cell))
    bands: list[tuple[list[list[_Placed]], list[list[_Placed]]]] = []
    for line in lines:
        is_data = any(cell.cell_id is not None for _, _, cell in line)
        if not bands or (not is_data and bands[-1][1]):
            bands.append(([], []))
        bands[-1][1 if is_data else 0].append(line)
    return [band for band in bands if band[1]]


def _column_headers(stacks: list[list[Cell]]) -> tuple[list[str], str | None]:
    """One header per data column, and a title naming the upper levels where they were needed."""
    depth = max((len(s) for s in stacks), default=0)
    used = 1

    def names() -> list[str]:
        return ["\n".join([*(c.short or c.text for c in s[-used:-1]), s[-1].text]) if s else "" for s in stacks]

    shown = names()
    while len(set(shown)) < len(shown) and used < depth:
        used += 1
        shown = names()
    if used == 1:
        return shown, None
    paths = dict.fromkeys("：".join(c.text for c in s[:-1]) for s in stacks if len(s) > 1)
    return shown, " | ".join(paths)


def _stack(heads: list[_Placed], col: int) -> list[Cell]:
    """The header cells above grid column ``col``, top first (``placed`` yields them row by row)."""
    return [cell for _, c, cell in heads if c <= col < c + cell.colspan]


def flatten(layout: Layout) -> list[FlatTable]:
    """The layout as tables with one header line each (see the module docstring)."""
    full = width(layout)
    out = []
    for header_lines, data_lines in _bands(layout):
        titles = [line[0][2].text for line in header_lines if len(line) == 1 and line[0][2].colspan == full]
        heads = [p for line in header_lines if not (len(line) == 1 and line[0][2].colspan == full) for p in line]
        starts = sorted({c for line in data_lines for _, c, cell in line if cell.cell_id is not None})
        headers, path = _column_headers([_stack(heads, c) for c in starts])
        label_header: str | None = None
        caption = None
        if starts[0] > 0:
            corner = _stack(heads, 0)
            label_header = ""
            if corner and corner[-1].rowspan > 1:
                caption = corner[-1].text
            elif corner:
                label_header = corner[-1].text
        title = " | ".join([*titles, *([path] if path else [])]) or None
        table = FlatTable(title, caption, label_header, headers)
        for line in data_lines:
            data = {c: cell for _, c, cell in line if cell.cell_id is not None}
            labels = [(c, cell) for _, c, cell in line if cell.cell_id is None]
            for c, cell in labels:
                if cell.rowspan > 1:
                    table.rows.append(FlatRow(INDENT * c + cell.text, [], group=True))
            own = [(c, cell) for c, cell in labels if cell.rowspan == 1]
            label = INDENT * own[0][0] + "".join(cell.text for _, cell in own) if own else ""
            table.rows.append(FlatRow(label, [data[c] for c in starts if c in data]))
        out.append(table)
    return out


def _worst(findings: Sequence[Finding]) -> dict[str, Severity]:
    worst: dict[str, Severity] = {}
    for f in findings:
        for c in f.cells:
            if c not in worst or f.severity.rank < worst[c].rank:
                worst[c] = f.severity
    return worst


def _rich(flat: FlatTable, report: Report, worst: dict[str, Severity]) -> RichTable:
    grid = RichTable(
        title=flat.title,
        title_justify="left",
        caption=flat.caption,
        caption_justify="left",
        pad_edge=flat.label_header is None,  # labels sit flush left; a line of numbers alone keeps its padding
    )
    if flat.label_header is not None:
        grid.add_column(flat.label_header, no_wrap=False, max_width=40)
    for header in flat.headers:
        grid.add_column(header, justify="right")
    for row in flat.rows:
        labels = [] if flat.label_header is None else [Text(row.label, style="bold") if row.group else row.label]
        if row.group:
            grid.add_row(*labels, *[""] * len(flat.headers))
            continue
        cells = []
        for cell in row.cells:
            assert cell.cell_id is not None
            state = report.state(cell.cell_id)
            style = _STYLE[worst[cell.cell_id]] if cell.cell_id in worst else _STATE_STYLE.get(state, "")
            cells.append(Text(cell.text, style=style))
        grid.add_row(*labels, *cells)
    return grid


def render_report(report: Report, findings: list[Finding], console: Console) -> None:
    """The report's metadata, its tables in the official layout (flattened) and its findings."""
    published = report.published.isoformat() if report.published else "未注明"
    console.print(
        f"[bold]{report.title or report.source}[/bold]\n"
        f"机关：{report.agency or '未识别'}　类型：{report.entity_type.zh}　年度：{report.year or '未识别'}　"
        f"格式：{report.format.name if report.format else '未识别'}　发布日期：{published}"
    )
    worst = _worst(findings)
    if report.format is not None:
        for heading, layout in table_parts(report.format, lambda cid: cell_text(report.cells.get(cid))):
            console.print(f"\n[bold]{heading}[/bold]")
            console.print(Group(*(_rich(flat, report, worst) for flat in flatten(layout))))
        console.print(f"[dim]{LEGEND}[/dim]")
        render_corrections(report, console)
    render_findings(findings, console)


def render_corrections(report: Report, console: Console) -> None:
    """One line per corrected cell: its label, the read value, the corrected one, why and by whom."""
    corrected = [cell for cell in report.cells.values() if cell.correction is not None]
    if not corrected or report.format is None:
        return
    console.print(f"\n[bold]审核人更正的单元格（{CORRECTED_MARK}）[/bold]")
    for cell in corrected:
        c = cell.correction
        assert c is not None
        read = read_text(cell)
        by = f"，{c.author}" if c.author else ""
        when = f"，{c.at:%Y-%m-%d}" if c.at else ""
        console.print(
            f"{report.format.label_of(cell.id)}（{cell.id}）：读取值 {read} → 更正值 "
            f"{cell_text(cell, mark_inferred=False)}（{c.reason}{by}{when}）"
        )


def render_findings(findings: list[Finding], console: Console, source: str | None = None) -> None:
    """The findings, one line each, coloured by severity."""
    head = f"{source}：" if source else ""
    if not findings:
        console.print(f"{head}[green]未发现问题[/green]")
        return
    console.print(f"\n[bold]{head}发现{len(findings)}个问题[/bold]")
    for f in findings:
        console.print(Text.assemble((f"[{f.severity.zh}] ", _STYLE[f.severity]), (f"{f.rule}  ", "bold"), f.message))


def render_tables(report: Report, console: Console, sections: Sequence[int] | None = None) -> None:
    """The report's tables in the official layout, only those in ``sections`` (section numbers) when given."""
    if report.format is None:
        return
    wanted = {s.numbered for s in report.format.sections if sections is None or s.number in sections}
    for heading, layout in table_parts(report.format, lambda cid: cell_text(report.cells.get(cid))):
        if heading in wanted:
            console.print(f"\n[bold]{heading}[/bold]")
            console.print(Group(*(_rich(flat, report, {}) for flat in flatten(layout))))
