"""Fuzzy label search in windows: the same match as a search over the whole text, at a fraction of the cost."""

from __future__ import annotations

import hashlib
import itertools
import random

import pytest

from gongkai.batch.budget import can_isolate, run_budgeted
from gongkai.formats import FORMAT_2021
from gongkai.limits import MIB, Limits
from gongkai.read.labels import _fuzzy_pattern, _pieces, fuzzy_search
from gongkai.read.linear import normalize_label

from ..conftest import CORPUS, shared_or_skip

LABELS = sorted({normalize_label(row.label) for table in FORMAT_2021.tables for b in table.blocks for row in b.rows})


def _whole(core: str, edits: int, norm: str, start: int, end: int) -> tuple[int, int, int] | None:
    m = _fuzzy_pattern(core, edits).search(norm, start, end)
    return None if m is None else (*m.span(), sum(m.fuzzy_counts))


def _windowed(core: str, edits: int, norm: str, start: int, end: int) -> tuple[int, int, int] | None:
    m = fuzzy_search(core, edits, norm, start, end)
    return None if m is None else (*m.span(), sum(m.fuzzy_counts))


def _damaged(label: str, rng: random.Random) -> str:
    """``label`` with a character or two changed, dropped or doubled (how OCR and typists slip)."""
    chars = list(label)
    for _ in range(rng.choice((1, 1, 2))):
        at = rng.randrange(len(chars))
        how = rng.random()
        if how < 0.4:
            chars[at] = rng.choice("的之与和或及口日")
        elif how < 0.7 and len(chars) > 4:
            del chars[at]
        else:
            chars.insert(at, chars[at])
    return "".join(chars)


def test_the_pieces_cover_the_label_in_order() -> None:
    assert _pieces("abcdefg", 3) == [(0, "ab"), (2, "cd"), (4, "efg")]
    assert _pieces("ab", 5) == [(0, "a"), (1, "b")]
    assert "".join(p for _, p in _pieces(LABELS[-1], 9)) == LABELS[-1]


def test_windowed_search_finds_what_the_whole_text_search_finds() -> None:
    rng = random.Random(11)
    texts = [normalize_label(p.read_text(encoding="utf-8")) for p in sorted(shared_or_skip(CORPUS).rglob("*.txt"))]
    checked = found = 0
    for text in texts:
        for label in LABELS:
            edits = len(label) // 4
            if not edits:
                continue
            # a label printed with a slip or two (and the exact printing gone), or not printed at all
            norm = text.replace(label, _damaged(label, rng)) if label in text else text
            if label not in norm:
                start = rng.randrange(len(norm) // 4)
                expected = _whole(label, edits, norm, start, len(norm))
                assert _windowed(label, edits, norm, start, len(norm)) == expected, (label, start)
                checked += 1
                found += expected is not None
    assert checked >= 50 and found >= 10, (checked, found)


def test_a_report_of_repeated_tables_found_by_the_fuzzer_reads_within_the_budget() -> None:
    """Fuzz input 119 of seed 2: a text report with parts repeated; its labels' fuzzy search took minutes."""
    if not can_isolate():
        pytest.skip("the budget forks a child")
    from gongkai.measure.fuzz import FORMS, _inputs, corpus_seeds, probe

    seeds = corpus_seeds(shared_or_skip(CORPUS), FORMS)
    _, name, data = next(itertools.islice(_inputs(seeds, random.Random(2)), 119, None))
    if not hashlib.sha256(data).hexdigest().startswith("2153bc267736"):
        pytest.skip("the corpus changed: the fuzzer makes other inputs now")
    limits = Limits(max_seconds=15, max_memory=1024 * MIB)
    outcome = run_budgeted(probe, (data, name, limits), limits)
    assert outcome.ok and outcome.value == "report", outcome.failure
