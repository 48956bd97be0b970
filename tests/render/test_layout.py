"""The one official layout: every cell id once in table order, a rectangular grid, words from the declaration."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest

from gongkai.formats import FORMAT_2019, FORMAT_2021, FORMATS, WORDS, Format, RowGroup
from gongkai.render.layout import (
    Layout,
    data_cells,
    placed,
    report_parts,
    report_title,
    table_layout,
    table_parts,
    width,
)

TABLED = [f for f in FORMATS.values() if f.tables]
TABLES = [(f, t) for f in TABLED for t in f.tables]


def _ids(case: object) -> str:
    fmt, table = case  # type: ignore[misc]
    return f"{fmt.id}-{table.id}"


def _texts(layout: Layout) -> list[str]:
    return [cell.text for row in layout for cell in row]


def test_every_national_format_has_tables() -> None:
    assert {f.id for f in TABLED} == {"2019", "2021"}


@pytest.mark.parametrize("case", TABLES, ids=_ids)
def test_each_cell_id_once_in_table_order(case: tuple[Format, object]) -> None:
    fmt, table = case
    layout = table_layout(fmt, table)  # type: ignore[arg-type]
    assert [c.cell_id for c in data_cells(layout)] == table.cell_ids()  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", TABLED, ids=lambda f: f.id)
def test_the_report_holds_every_cell_of_the_format_once(fmt: Format) -> None:
    ids = [c.cell_id for _, layout in table_parts(fmt) for c in data_cells(layout)]
    assert ids == fmt.cell_ids()
    assert not [cid for cid, n in Counter(ids).items() if n > 1]


@pytest.mark.parametrize("case", TABLES, ids=_ids)
def test_grid_is_rectangular_after_spans(case: tuple[Format, object]) -> None:
    fmt, table = case
    layout = table_layout(fmt, table)  # type: ignore[arg-type]
    cover: Counter[tuple[int, int]] = Counter()
    for r, c, cell in placed(layout):
        assert cell.rowspan >= 1 and cell.colspan >= 1
        cover.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
    grid = {(r, c) for r in range(len(layout)) for c in range(width(layout))}
    assert set(cover) == grid  # no hole, nothing beyond the last row or column
    assert set(cover.values()) == {1}  # no slot covered twice


def test_headers_and_labels_have_text_and_data_cells_are_not_headers() -> None:
    for fmt, table in TABLES:
        for row in table_layout(fmt, table):
            for cell in row:
                if cell.cell_id is None:
                    assert cell.text
                else:
                    assert not cell.header


@pytest.mark.parametrize("fmt", TABLED, ids=lambda f: f.id)
def test_headings_are_the_numbered_sections(fmt: Format) -> None:
    parts = list(report_parts(fmt))
    assert [p.heading for p in parts] == [s.numbered for s in fmt.sections]
    assert [p.heading for p in parts][:1] == ["一、总体情况"]
    assert [p.layout is not None for p in parts] == [False, True, True, True, False, False]
    assert [h for h, _ in table_parts(fmt.id)] == [p.heading for p in parts if p.layout is not None]


def test_a_format_without_tables_has_no_parts() -> None:
    assert list(report_parts("pre2019")) == []
    assert report_title("pre2019") == WORDS.report_title == report_title(None)


def test_template_words_come_from_the_declaration() -> None:
    words = replace(
        WORDS,
        content_header="C",
        balance_note="N",
        applicants_header="A",
        organisations_header="O",
        litigation_header="L",
        report_title="T",
    )
    fmt = replace(FORMAT_2021, words=words)
    texts = [t for _, layout in table_parts(fmt) for t in _texts(layout)]
    assert {"C", "N", "A", "O", "L"} <= set(texts)
    assert not {WORDS.content_header, WORDS.balance_note, WORDS.applicants_header} & set(texts)
    assert report_title(fmt) == "T"


def test_group_labels_come_from_the_block() -> None:
    table = FORMAT_2019.table("applications")
    [block] = table.blocks
    regrouped = replace(block, groups=(*block.groups, RowGroup("（X）新组", ("other", "total"))))
    layout = table_layout(FORMAT_2019, replace(table, blocks=(regrouped,)))
    [(_, c, cell)] = [p for p in placed(layout) if p[2].text == "（X）新组"]
    assert (cell.rowspan, c) == (2, 1)
    assert [c.cell_id for c in data_cells(layout)] == table.cell_ids()


def test_label_columns_follow_the_group_nesting() -> None:
    layout = table_layout(FORMAT_2021, FORMAT_2021.table("applications"))
    at = {cell.text: (c, cell.rowspan, cell.colspan) for _, c, cell in placed(layout)}
    view = FORMAT_2021.applications
    assert view is not None
    assert at[view.new.numbered] == (0, 1, 3)  # 一、本年新收… spans the three label columns
    assert at["三、本年度办理结果"] == (0, 22, 1)
    assert at[view.outcomes[0].numbered] == (1, 1, 2)  # （一）予以公开
    assert at[view.outcomes[2].numbered] == (2, 1, 1)  # 1.属于国家秘密, under （三）不予公开
    assert at[view.total.numbered] == (1, 1, 2)
    assert at[WORDS.balance_note] == (0, 3, 3)
    assert at[WORDS.applicants_header] == (3, 1, 7)
    assert at[WORDS.organisations_header] == (4, 1, 5)


def test_appeal_groups_carry_their_short_labels() -> None:
    layout = table_layout(FORMAT_2021, FORMAT_2021.table("appeals"))
    view = FORMAT_2021.appeals
    assert view is not None
    shorts = {cell.text: cell.short for row in layout for cell in row if cell.short}
    assert shorts == {g.label: g.short for g in view.groups}


def test_values_print_exactly_and_a_callable_decides_the_text() -> None:
    fmt = FORMAT_2021
    view = fmt.applications
    assert view is not None
    fees = fmt.table("proactive").cell("fees", "amount")
    new = view.cell(view.new, view.person)
    values = {fees: Decimal("1.2500"), new: 3}
    by_id = {c.cell_id: c.text for _, layout in table_parts(fmt, values) for c in data_cells(layout)}
    assert by_id[fees] == "1.2500" and by_id[new] == "3"
    assert {t for cid, t in by_id.items() if cid not in (fees, new)} == {""}
    asked: list[str] = []

    def text(cid: str) -> str:
        asked.append(cid)
        return f"<{cid}>"

    shown = [c.text for _, layout in table_parts(fmt, text) for c in data_cells(layout)]
    assert asked == fmt.cell_ids()
    assert shown == [f"<{cid}>" for cid in fmt.cell_ids()]
