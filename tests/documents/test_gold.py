"""Real reports against their hand-checked gold files (``shared/gold``)."""

from __future__ import annotations

import pytest

from gongkai.api import read_and_check
from gongkai.measure.evaluate import evaluate_file, load_gold
from gongkai.model import CellState

from ..conftest import CORPUS, GOLD

GOLD_FILES = sorted(GOLD.glob("*/*.json")) if GOLD.exists() else []


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_report_matches_gold(gold_path) -> None:  # type: ignore[no-untyped-def]
    gold = load_gold(gold_path)
    source = CORPUS / gold_path.parent.name / gold.source
    report, findings = read_and_check(source)
    result = evaluate_file(gold, report, findings)
    unreadable = {cid for cid, cell in report.cells.items() if cell.state is CellState.ABSENT and cell.raw}
    # every wrong cell is one the reader itself declares unreadable (glued digits), and nothing else
    assert {m[0] for m in result.cell_mismatches} == unreadable & set(gold.cells)
    assert not result.metadata_mismatches
    assert not result.missed, result.missed
    assert not result.false_errors, [f.to_json() for f in result.false_errors]
    if unreadable:
        assert any(f.rule == "unreadable-cells" for f in findings)


def test_the_gold_corpus_is_there() -> None:
    if not GOLD.exists():
        pytest.skip("shared/gold is not beside the repository")
    assert len(GOLD_FILES) >= 5
