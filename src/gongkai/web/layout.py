"""The report tables as the page shows them: the official layout with a live cell in each slot.

The official layout (merged headers, group labels such as 三、本年度办理结果) is
``gongkai.render.layout``'s, the one HTML, Word, XLSX and the terminal print. Its
skeleton (each data slot holding only its cell id) is built once per format and
cached; a page fills the slots with the report's cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache

from markupsafe import Markup, escape

from ..check import Severity
from ..formats import FORMATS
from ..model import CellState, Report, cell_text, correction_note
from ..render.layout import table_parts
from ..store.views import FindingRow

SEVERITY_RANK = {s.value: s.rank for s in Severity}
_STATE_CLASS = {state: state.value for state in CellState}  # Enum.value is slow in the page's hot loop


@dataclass(frozen=True, slots=True)
class Slot:
    """One cell of a shown table: a header or label, or a data cell (``cell_id`` set)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    cell_id: str | None = None
    css: str = ""  # state and severity classes of a data cell
    title: str = ""  # tooltip: the cell's label and id
    extra: str | None = None  # a second value (comparisons)


@dataclass(frozen=True, slots=True)
class ShownTable:
    heading: str
    rows: list[list[Slot]]


def shown_value(report: Report, cell_id: str) -> tuple[str, str]:
    """The text of a cell (空, 缺, * as everywhere: ``model.cell_text``) and its state class."""
    cell = report.cells.get(cell_id)
    return cell_text(cell), _STATE_CLASS[cell.state if cell is not None else CellState.ABSENT]


def worst_severity(findings: Iterable[FindingRow]) -> dict[str, str]:
    """The most severe finding not dismissed on each cell."""
    worst: dict[str, str] = {}
    for f in findings:
        if f.status == "dismissed":
            continue
        for cell in f.cells:
            if cell not in worst or SEVERITY_RANK.get(f.severity, 9) < SEVERITY_RANK.get(worst[cell], 9):
                worst[cell] = f.severity
    return worst


CellMaker = Callable[[str], Slot]


def tables(format_id: str | None, make: CellMaker) -> list[ShownTable]:
    """The format's tables in the official layout, each data slot made by ``make(cell_id)``."""
    out = []
    for heading, rows in _skeleton(format_id):
        shown = []
        for row in rows:
            line = []
            for slot in row:
                if slot.cell_id is None:
                    line.append(slot)
                    continue
                made = make(slot.cell_id)
                if slot.rowspan > 1 or slot.colspan > 1:
                    made = replace(made, rowspan=slot.rowspan, colspan=slot.colspan)
                line.append(made)
            shown.append(line)
        out.append(ShownTable(heading, shown))
    return out


@cache
def _skeleton(format_id: str | None) -> tuple[tuple[str, tuple[tuple[Slot, ...], ...]], ...]:
    """The layout of a format with each data slot holding only its cell id (the same for every report)."""
    if format_id is None or format_id not in FORMATS:
        return ()
    return tuple(
        (
            heading,
            tuple(
                tuple(Slot(cell.text, cell.rowspan, cell.colspan, cell.header, cell.cell_id) for cell in row)
                for row in layout
            ),
        )
        for heading, layout in table_parts(format_id)
    )


def report_tables(report: Report, findings: list[FindingRow]) -> list[ShownTable]:
    worst = worst_severity(findings)
    fmt = report.format

    def make(cell_id: str) -> Slot:
        text, state = shown_value(report, cell_id)
        severity = worst.get(cell_id)
        css = f"state-{state}" + (f" sev-{severity}" if severity else "")
        label = fmt.label_of(cell_id) if fmt else cell_id
        cell = report.cells.get(cell_id)
        placement = cell.placement if cell is not None else None
        if cell is not None and cell.correction is not None:
            css += " corrected"  # a reviewer's value: marked (†), the read value and why in the tooltip
            label = f"{label}（{correction_note(cell)}）"
        elif placement is not None and not placement.certain:
            css += " uncertain"  # the reader inferred it: marked, and said in the tooltip
            label = f"{label}（读取存疑：{placement.by.zh}）"
        return Slot(text, cell_id=cell_id, css=css, title=label)

    return tables(report.format_id, make)


@dataclass(frozen=True, slots=True)
class RenderedTable:
    """A shown table already as HTML (``report_tables_html``)."""

    heading: str
    html: Markup


# a data cell of a table plan: (its id, HTML before its tooltip, its label escaped, HTML between tooltip and text)
_DataCell = tuple[str, str, str, str]
_Plan = tuple[tuple[str, tuple[str | _DataCell, ...]], ...]


@cache
def _plan(format_id: str | None) -> _Plan:
    """Each table of a format as ``table_html`` writes it, less the opening tag: fixed HTML and data cells.

    What every report of the format shares (headers, labels, spans, the cells' ids and labels) is
    escaped and joined here once; a report fills in each data cell's classes, tooltip and text.
    """
    fmt = FORMATS.get(format_id) if format_id else None
    out = []
    for heading, rows in _skeleton(format_id):
        parts: list[str | _DataCell] = []
        fixed: list[str] = []
        for row in rows:
            fixed.append("<tr>")
            for slot in row:
                spans = (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "") + (
                    f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
                )
                if slot.cell_id is None:
                    tag, css = ("th", "head") if slot.header else ("td", "label")
                    fixed.append(f'<{tag} class="{css}"{spans}>{escape(slot.text)}</{tag}>')
                    continue
                fixed.append('<td class="cell ')
                parts.append("".join(fixed))
                fixed = []
                label = fmt.label_of(slot.cell_id) if fmt else slot.cell_id
                before = f'" data-cell="{escape(slot.cell_id)}" title="'
                parts.append((slot.cell_id, before, str(escape(label)), f'" tabindex="0"{spans}>'))
                fixed.append("</td>")
            fixed.append("</tr>")
        fixed.append("</table>")
        parts.append("".join(fixed))
        out.append((heading, tuple(parts)))
    return tuple(out)


def report_tables_html(report: Report, findings: list[FindingRow], source_url: str) -> list[RenderedTable]:
    """``table_html(t, source_url)`` of each of ``report_tables(report, findings)``, the same HTML, made faster.

    A report page's hottest loop: the format's fixed HTML comes from ``_plan``, and each data
    cell costs one string, without the slots in between.
    """
    worst = worst_severity(findings)
    cells = report.cells
    opening = f'<table class="official" data-source="{escape(source_url)}">'
    out = []
    for heading, parts in _plan(report.format_id):
        html = [opening]
        for part in parts:
            if isinstance(part, str):
                html.append(part)
                continue
            cell_id, before, label, after = part
            cell = cells.get(cell_id)
            text = cell_text(cell)
            css = "state-" + _STATE_CLASS[cell.state if cell is not None else CellState.ABSENT]
            severity = worst.get(cell_id)
            if severity:
                css += f" sev-{severity}"
            title = label
            if cell is not None:
                placement = cell.placement
                if cell.correction is not None:
                    css += " corrected"
                    title = label + str(escape(f"（{correction_note(cell)}）"))
                elif placement is not None and not placement.certain:
                    css += " uncertain"
                    title = label + str(escape(f"（读取存疑：{placement.by.zh}）"))
            html.append(f"{escape(css)}{before}{title}{after}{escape(text)}")
        out.append(RenderedTable(heading, Markup("".join(html))))
    return out


def compare_tables(a: Report, b: Report) -> list[ShownTable]:
    """Both reports in the first one's layout; a slot whose values differ is marked."""
    fmt = a.format or b.format

    def make(cell_id: str) -> Slot:
        text_a, _ = shown_value(a, cell_id)
        text_b, _ = shown_value(b, cell_id)
        css = "diff" if text_a != text_b else "same"
        label = fmt.label_of(cell_id) if fmt else cell_id
        return Slot(text_a, cell_id=cell_id, css=css, title=f"{label}（{cell_id}）", extra=text_b)

    return tables(a.format_id or b.format_id, make)


def table_html(table: ShownTable, source_url: str | None = None) -> Markup:
    """One shown table as HTML, every text escaped.

    Built here rather than in a template because a report page holds some two
    hundred cells and this is its hottest loop (about 5x faster than Jinja). A
    data cell carries ``data-cell``; with ``source_url`` a click shows its source.
    """
    source = f' data-source="{escape(source_url)}"' if source_url else ""
    parts = [f'<table class="official{" compare" if source_url is None else ""}"{source}>']
    for row in table.rows:
        parts.append("<tr>")
        for slot in row:
            spans = (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "") + (
                f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
            )
            if slot.cell_id is None:
                tag, css = ("th", "head") if slot.header else ("td", "label")
                parts.append(f'<{tag} class="{css}"{spans}>{escape(slot.text)}</{tag}>')
            elif slot.extra is None:
                parts.append(
                    f'<td class="cell {escape(slot.css)}" data-cell="{escape(slot.cell_id)}"'
                    f' title="{escape(slot.title)}" tabindex="0"{spans}>{escape(slot.text)}</td>'
                )
            else:
                parts.append(
                    f'<td class="cell {escape(slot.css)}" title="{escape(slot.title)}"{spans}>'
                    f'<span class="a">{escape(slot.text)}</span><span class="b">{escape(slot.extra)}</span></td>'
                )
        parts.append("</tr>")
    parts.append("</table>")
    return Markup("".join(parts))
