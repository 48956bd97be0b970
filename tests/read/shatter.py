"""Shatter table 三 the ways PDF→Markdown conversions do (a test helper, issue 9 §3).

A conversion splits one table into many small Markdown tables, drops row labels (an
empty first cell, or no label cell at all), prints every label in one table and the
numbers in another, pushes group labels (三、本年度办理结果, （三）不予公开 …) into a
first column of their own, and leaves page footers ("— 4 —", "第4页") and header
fragments (a repeated column header, a wrong header as in dev 004) between the pieces.

``render_report`` prints a whole 2021-format Markdown report around a shattered table
三; ``replace_table_three`` puts a shattered table 三 into a real Markdown report in
place of its own. ``judge`` says what a reading got wrong that it must not.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from gongkai.check import Finding, Severity
from gongkai.formats import FORMAT_2021, WORDS, ApplicationsView, Block, BlockLayout, Row
from gongkai.model import CellState, Report

Values = dict[str, int | Decimal | None]

assert FORMAT_2021.applications is not None
T3: ApplicationsView = FORMAT_2021.applications
ROWS: tuple[Row, ...] = (T3.new, T3.carried, *T3.outcomes, T3.total, T3.carry_forward)
_BLOCK3: Block = FORMAT_2021.table(T3.table).blocks[0]
_SECTIONS = {s.number: s.numbered for s in FORMAT_2021.sections}

# where the converter broke the table, and what it left in the break
BETWEEN = ("blank", "footer", "heading", "row-heading", "applicants-header")
HEADERS = ("none", "numbers-header", "wrong-header")
# the wrong header dev 004 carries over its last piece of table 三
WRONG_HEADER = ("项目", "本年新收件数", "上年结转件数", "予以公开", "部分公开", "不予公开", "结转下年度", "总计")
NUMBERS_HEADER = ("类别", "数据1", "数据2", "数据3", "数据4", "数据5", "数据6", "总计")
ARITHMETIC = frozenset({"balance", "row-total", "column-total", "appeal-total"})
COVERING = frozenset({"unreadable-cells", "missing-cells"})


@dataclass(frozen=True, slots=True)
class Shatter:
    """One way to break table 三 (row indexes are positions in ``ROWS``)."""

    cuts: tuple[tuple[int, str, str], ...] = ()  # (row, break, header): a new Markdown table starts at the row
    dropped: frozenset[int] = frozenset()  # rows printed without their own label
    no_label_cell: bool = False  # a dropped label takes its cell with it (the row has only numbers)
    apart: bool = False  # all labels in one table, then (after the first cut's break) all numbers in another
    group_column: bool = False  # group labels in a first column of their own
    first_header: str = "none"  # the header over the first piece (over the numbers, when apart)
    footers_elsewhere: bool = False  # page footers between the blocks of tables 二 and 四 too
    seed: int = 0  # footer page numbers

    def describe(self) -> str:
        return (
            f"Shatter(cuts={self.cuts}, dropped=frozenset({sorted(self.dropped)}), no_label_cell={self.no_label_cell}, "
            f"apart={self.apart}, group_column={self.group_column}, first_header={self.first_header!r}, "
            f"footers_elsewhere={self.footers_elsewhere}, seed={self.seed})"
        )


def _group_of(row: Row) -> str | None:
    """The innermost group label printed beside ``row`` in a merged first column, on the group's first row."""
    innermost = None
    for group in _BLOCK3.groups:
        if row.id in group.rows and group.rows[0] == row.id:
            innermost = group.label
    return innermost


def _md(cells: list[str] | tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(width: int) -> str:
    return "|" + "---|" * width


def footer(rng: random.Random) -> str:
    """A page number as conversions leave it inside a table."""
    page = rng.randint(2, 30)
    return rng.choice(
        (f"— {page} —", f"- {page} -", f"第{page}页", f"第 {page} 页 共 {page + 3} 页", f"{page} / {page + 3}")
    )


def _break(kind: str, next_row: Row | None, rng: random.Random) -> list[str]:
    """What a conversion leaves where it broke the table (a header is the next table's own first row)."""
    if kind == "footer":
        return ["", footer(rng), ""]
    if kind == "heading":
        if next_row is None:
            return ["", f"### {WORDS.applicants_header}", ""]
        group = next((g.label for g in reversed(_BLOCK3.groups) if next_row.id in g.rows), None)
        return ["", f"### {group or next_row.numbered}", ""]
    if kind == "row-heading" and next_row is not None:  # dev 004 heads each piece with its row's label
        return ["", f"### {next_row.numbered}", ""]
    if kind == "applicants-header":
        return ["", WORDS.applicants_header, ""]
    return [""]


def _header(kind: str, label_cells: int) -> list[str]:
    """A header row over a piece whose rows start with ``label_cells`` label cells."""
    words = {"numbers-header": NUMBERS_HEADER, "wrong-header": WRONG_HEADER}.get(kind)
    if words is None:
        return []
    head = [*([""] * (label_cells - 1)), *words] if label_cells else list(words[1:])
    return [_md(head), _rule(len(head))]


def _label_cells(row: Row, label: str, plan: Shatter, dropped: bool) -> list[str]:
    own = "" if dropped else label
    if not plan.group_column:
        return [] if dropped and plan.no_label_cell else [own]
    if any(row.id in g.rows for g in _BLOCK3.groups):
        return [_group_of(row) or "", own]
    return [own, ""]  # 一、本年新收 spans both label columns


def shatter_table_three(labels: list[str], cells: list[list[str]], plan: Shatter) -> list[str]:
    """Table 三's rows (printed labels and cell texts, in ``ROWS`` order) as shattered Markdown lines."""
    rng = random.Random(plan.seed)
    label_width = 2 if plan.group_column else 1
    if plan.apart:
        lines = [_md(["项目", ""][:label_width]), _rule(label_width)]
        lines += [_md(_label_cells(row, label, plan, False)) for row, label in zip(ROWS, labels)]
        lines += _break(plan.cuts[0][1] if plan.cuts else "blank", None, rng)
        head = _header(plan.first_header, 0) or [_md([c.label for c in T3.columns]), _rule(len(T3.columns))]
        return lines + head + [_md(c) for c in cells]
    cut_at = {row: (kind, header) for row, kind, header in plan.cuts}
    lines = []
    for i, (row, label, row_cells) in enumerate(zip(ROWS, labels, cells)):
        line = _md(_label_cells(row, label, plan, i in plan.dropped) + row_cells)
        if i == 0 or i in cut_at:
            kind, header_kind = cut_at[i] if i else ("blank", plan.first_header)
            if i:
                lines += _break(kind, row, rng)
            header = _header(header_kind, label_width)
            lines += header + [line] if header else [line, _rule(line.count("|") - 1)]
        else:
            lines.append(line)
    return lines


def show(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def format_rows(values: Values) -> tuple[list[str], list[list[str]]]:
    """Table 三 of ``values`` as the format prints it: numbered labels and cell texts."""
    labels = [row.numbered for row in ROWS]
    cells = [[show(values.get(T3.cell(row, col))) for col in T3.columns] for row in ROWS]
    return labels, cells


def _block_lines(table_id: str, block: Block, values: Values, footers: random.Random | None) -> list[str]:
    """A block of table 二, or table 四 one group at a time (as dev 004 prints them); a footer after each."""
    after = ["", footer(footers), ""] if footers is not None else [""]
    if block.layout is BlockLayout.FLAT:
        heads = [c.label for c in block.columns]
        out: list[str] = []
        for row in block.rows:
            title = row.label if row is block.rows[0] else f"{WORDS.litigation_header}（{row.label}）"
            cells = [show(values.get(f"{table_id}.{row.id}.{c.id}")) for c in block.columns]
            out += [f"### {title}", _md(heads), _rule(len(heads)), _md(cells), *after]
        return out
    head = [WORDS.content_header, *[c.label for c in block.columns]]
    out = [f"### {block.caption}", _md(head), _rule(len(head))]
    for row in block.rows:
        out.append(_md([row.label, *[show(values.get(f"{table_id}.{row.id}.{c.id}")) for c in block.columns]]))
    return [*out, *after]


def render_report(values: Values, plan: Shatter, agency: str = "测试县人民政府", year: int = 2022) -> str:
    """A 2021-format Markdown report (the shape of dev 004) whose table 三 is shattered by ``plan``."""
    published = date(year + 1, 1, 20)
    lines = [
        f"# {agency}{year}年政府信息公开工作年度报告",
        "",
        f"本报告由{agency}编制，数据统计期限自{year}年1月1日至{year}年12月31日。",
        "",
        f"## {_SECTIONS[1]}",
        "",
        f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续做好政府信息公开工作。",
        "",
    ]
    for table in FORMAT_2021.tables:
        lines += [f"## {_SECTIONS[table.section]}", ""]
        if table.id == T3.table:
            lines += [WORDS.balance_note, ""]
            lines += shatter_table_three(*format_rows(values), plan) + [""]
            continue
        footers = random.Random(plan.seed) if plan.footers_elsewhere else None
        for block in table.blocks:
            lines += _block_lines(table.id, block, values, footers)
    lines += [
        f"## {_SECTIONS[5]}",
        "",
        "存在的主要问题：公开内容还需细化。改进情况：加强培训。",
        "",
        _SECTIONS[6],
        "",
        "本机关未收取信息处理费。",
        "",
        agency,
        f"{published.year}年{published.month}月{published.day}日",
    ]
    return "\n".join(lines) + "\n"


_MD_NUMBER = re.compile(r"^\s*-?\d[\d,.]*\s*$")


def table_three_of(text: str) -> tuple[int, int, list[str], list[list[str]]]:
    """In a real Markdown report: where table 三 lies (line range after the 勾稽关系 note, up to section 四),
    and its data rows (label, cells) in table order."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "勾稽关系" in line) + 1
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("## 四"))
    labels: list[str] = []
    cells: list[list[str]] = []
    for line in lines[start:end]:
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if len(parts) == 8 and all(_MD_NUMBER.match(p) for p in parts[1:]):
            labels.append(parts[0])
            cells.append(parts[1:])
    return start, end, labels, cells


def replace_table_three(text: str, plan: Shatter) -> str:
    """The real report ``text`` with its table 三 printed anew, shattered by ``plan``."""
    start, end, labels, cells = table_three_of(text)
    assert len(labels) == len(ROWS), labels
    lines = text.split("\n")
    return "\n".join([*lines[:start], "", *shatter_table_three(labels, cells, plan), "", *lines[end:]])


@dataclass(slots=True)
class Verdict:
    wrong_certain: dict[str, tuple[object, object]] = field(default_factory=dict)  # cell → (true, read)
    silent_uncertain: dict[str, tuple[object, object]] = field(default_factory=dict)  # wrong, uncertain, unnamed
    uncovered_absent: list[str] = field(default_factory=list)
    false_errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.wrong_certain or self.silent_uncertain or self.uncovered_absent or self.false_errors)


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def judge(report: Report, findings: list[Finding], truth: Values) -> Verdict:
    """What the reading got wrong that it must not: a wrong value claimed certain, a wrong uncertain value
    no finding names, an absent cell that no unreadable-cells or missing-cells finding covers, an
    arithmetic error on a table whose printed values are consistent."""
    verdict = Verdict()
    covered = {c for f in findings if f.rule in COVERING for c in f.cells}
    named = {c for f in findings for c in f.cells}
    for cid, expected in truth.items():
        cell = report.cells.get(cid)
        got = cell.value if cell else None
        if _same(got, expected):
            continue
        if cell is None or cell.state is CellState.ABSENT:
            if cid not in covered:
                verdict.uncovered_absent.append(cid)
        elif cell.certain:
            verdict.wrong_certain[cid] = (expected, got)
        elif cid not in named:
            verdict.silent_uncertain[cid] = (expected, got)
    verdict.false_errors = [
        f"{f.rule}: {f.message}" for f in findings if f.rule in ARITHMETIC and f.severity is Severity.ERROR
    ]
    return verdict
