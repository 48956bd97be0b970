"""A page of more table cells than the grids may hold is refused at once, before its elements are walked."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gongkai.batch.budget import can_isolate, run_budgeted
from gongkai.errors import LimitExceeded
from gongkai.ingest.html import html_document
from gongkai.limits import MIB, Limits
from gongkai.measure.fuzz import probe

from ..conftest import CORPUS, shared_or_skip

PAGE = CORPUS / "dev" / "015_shuyang-xian-fgj-2023.html"


def _wide_rows_bomb(page: bytes) -> bytes:
    """What the fuzzer's span bomb made of the corpus page: 400 rows of 1,000 ``colspan=1000`` cells (10 MB)."""
    row = b"<tr>" + b'<td colspan="1000">1</td>' * 1000 + b"</tr>"
    at = page.find(b"<table")
    return page[:at] + b"<table>" + row * 400 + b"</table>" + page[at:]


def test_the_fuzzers_ten_megabyte_span_bomb_is_refused_within_seconds() -> None:
    data = _wide_rows_bomb(shared_or_skip(PAGE).read_bytes())
    started = time.perf_counter()
    with pytest.raises(LimitExceeded) as refused:
        html_document(data, Path("bomb.html"))
    assert time.perf_counter() - started < 20  # it took minutes: every element walked, then the prose read
    assert refused.value.limit == "max_grid_cells" and "bomb.html" in str(refused.value)
    assert "400" in refused.value.problem and "Limits.max_grid_cells" in refused.value.problem


def test_the_count_is_checked_against_the_limit_given() -> None:
    page = b"<table>" + b"<tr><td>1</td><td>2</td></tr>" * 10 + b"</table>"
    assert html_document(page, Path("small.html"), Limits(max_grid_cells=20)).blocks
    with pytest.raises(LimitExceeded, match="超过上限 19"):
        html_document(page, Path("small.html"), Limits(max_grid_cells=19))


def test_the_corpus_page_still_reads() -> None:
    document = html_document(shared_or_skip(PAGE).read_bytes(), PAGE)
    assert any(getattr(block, "rows", None) for block in document.blocks)


def test_under_the_budget_the_bomb_is_an_expected_refusal_not_a_hang() -> None:
    if not can_isolate():
        pytest.skip("the budget forks a child")
    data = _wide_rows_bomb(shared_or_skip(PAGE).read_bytes())
    limits = Limits(max_seconds=30, max_memory=1024 * MIB)
    outcome = run_budgeted(probe, (data, "bomb.html", limits), limits)
    assert outcome.ok and outcome.value == "LimitExceeded", outcome.failure
