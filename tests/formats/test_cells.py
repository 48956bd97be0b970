"""Cell ids: assembled and split in one place; every id of every format; labels for any of them."""

from __future__ import annotations

import pytest

from gongkai.formats import FORMAT_2019, FORMAT_2021, CellParts, cell_id, split_cell_id
from gongkai.formats.cells import all_cell_ids, cell_label, newest_first, outcome_rows


def test_cell_id_and_split_cell_id_round_trip() -> None:
    assert cell_id("applications", "granted", "person") == "applications.granted.person"
    assert split_cell_id("appeals.suit_direct.total") == CellParts("appeals", "suit_direct", "total")
    for cid in all_cell_ids():
        parts = split_cell_id(cid)
        assert cell_id(*parts) == cid
        assert (parts.table, parts.row, parts.column) == tuple(cid.split("."))


def test_split_keeps_dots_beyond_the_second_in_the_column() -> None:
    assert split_cell_id("a.b.c.d") == CellParts("a", "b", "c.d")
    with pytest.raises(ValueError):
        split_cell_id("applications.granted")


def test_all_cell_ids_cover_every_format_once_newest_first() -> None:
    ids = all_cell_ids()
    assert len(ids) == len(set(ids))
    assert set(FORMAT_2021.cell_ids()) | set(FORMAT_2019.cell_ids()) == set(ids)
    assert list(ids[: len(FORMAT_2021.cell_ids())]) == FORMAT_2021.cell_ids()
    assert [f.id for f in newest_first()] == ["2021", "2019"]
    # the 2019-only cells follow: 上一年项目数量, 政府集中采购 …
    assert "proactive.procurement.amount" in ids[len(FORMAT_2021.cell_ids()) :]


def test_cell_label_in_chinese_for_any_format() -> None:
    assert cell_label("appeals.review.total") == "行政复议·总计"
    assert cell_label("applications.granted.person") == "予以公开·自然人"
    assert cell_label("proactive.procurement.amount") == "政府集中采购·采购总金额"  # 2019 only
    assert cell_label("applications.other.total") == "其他处理·总计"  # 2019's single （六） row
    assert cell_label("nothing.like.this") == "nothing.like.this"
    assert all("·" in cell_label(cid) for cid in all_cell_ids())
    assert all(cell_label(cid) == FORMAT_2021.label_of(cid) for cid in FORMAT_2021.cell_ids())


def test_outcome_rows_over_all_formats() -> None:
    ids = [r.id for r in outcome_rows()]
    assert len(ids) == len(set(ids))
    t21, t19 = FORMAT_2021.applications, FORMAT_2019.applications
    assert t21 is not None and t19 is not None
    assert ids[: len(t21.outcomes)] == [r.id for r in t21.outcomes]
    assert set(ids) == {r.id for r in t21.outcomes} | {r.id for r in t19.outcomes}


def test_cell_ids_worked_out_once_are_handed_out_as_fresh_lists() -> None:
    table = FORMAT_2021.tables[0]
    first = table.cell_ids()
    first.append("changed.by.caller")
    assert "changed.by.caller" not in table.cell_ids()
    assert table.cell_ids() == [
        cell_id(table.id, row.id, col.id) for block in table.blocks for row in block.rows for col in block.columns
    ]
    ids = FORMAT_2021.cell_ids()
    ids.clear()
    assert FORMAT_2021.cell_ids() == [cid for t in FORMAT_2021.tables for cid in t.cell_ids()]


def test_row_cell_ids_of_each_block_row_by_row() -> None:
    for fmt in (FORMAT_2019, FORMAT_2021):
        for table in fmt.tables:
            for block in table.blocks:
                rows = table.row_cell_ids(block)
                assert rows == tuple(tuple(table.cell(r.id, c.id) for c in block.columns) for r in block.rows)
                assert table.row_cell_ids(block) is rows  # worked out once


def test_a_table_built_again_works_its_ids_out_afresh() -> None:
    from dataclasses import replace

    table = FORMAT_2021.tables[0]
    table.cell_ids()
    other = replace(table, id="renamed")
    assert other.cell_ids()[0].startswith("renamed.")
    assert other.row_cell_ids(other.blocks[0])[0][0].startswith("renamed.")
