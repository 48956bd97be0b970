"""One value→text: ``model.format_value`` and ``model.cell_text``, and every consumer using them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.check.rules.common import shown
from gongkai.model import ABSENT_MARK, BLANK_MARK, INFERRED_MARK, Cell, CellState, cell_text, format_value
from gongkai.web.layout import shown_value

from .gold_reports import TABLED_GOLD, gold_id, gold_report


def test_format_value() -> None:
    assert format_value(None) == ""
    assert format_value(0) == "0"
    assert format_value(-3) == "-3"
    assert format_value(Decimal("1.2500")) == "1.2500"  # as printed
    assert format_value(Decimal("1.2500"), trim=True) == "1.25"
    assert format_value(Decimal("100"), trim=True) == "100"  # never 1E+2
    assert format_value(Decimal("1E+3")) == "1000"
    assert format_value(Decimal("0.00"), trim=True) == "0"


def test_cell_text_marks() -> None:
    assert (BLANK_MARK, ABSENT_MARK, INFERRED_MARK) == ("空", "缺", "*")
    assert cell_text(None) == "缺"
    assert cell_text(Cell("x", None, "", CellState.ABSENT)) == "缺"
    assert cell_text(Cell("x", None, "１２３４", CellState.ABSENT)) == "缺"  # printed but unreadable
    assert cell_text(Cell("x", None, "", CellState.BLANK)) == "空"
    assert cell_text(Cell("x", 12, "12", CellState.READ)) == "12"
    assert cell_text(Cell("x", Decimal("9116.360"), "9116.360", CellState.READ)) == "9116.36"
    assert cell_text(Cell("x", 7, "17", CellState.INFERRED)) == "7*"
    assert cell_text(Cell("x", 7, "17", CellState.INFERRED), mark_inferred=False) == "7"


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_rules_and_web_print_cells_as_cell_text(gold_path: Path) -> None:
    report, _ = gold_report(gold_path)
    assert report.format is not None
    for cid in report.format.cell_ids():
        cell = report.cells.get(cid)
        assert shown(report, cid) == cell_text(cell, mark_inferred=False)
        text, state = shown_value(report, cid)
        assert text == cell_text(cell)
        assert state == (cell.state.value if cell else "absent")


def test_the_gold_reports_cover_every_cell_state() -> None:
    states = set()
    for path in TABLED_GOLD:
        report, _ = gold_report(path)
        states |= {cell.state for cell in report.cells.values()}
    if not TABLED_GOLD:
        pytest.skip("shared/gold is not beside the repository")
    assert set(CellState) == states  # read, blank, absent and inferred (glued digits in 008)
