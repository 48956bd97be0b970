"""detect_format on the real reports gives their gold format, and decides by the tables, not the year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.formats import FORMAT_2019, FORMAT_2021, FORMAT_PRE2019, detect_format
from gongkai.ingest import load_document
from gongkai.read.linear import LinearText, normalize_label

from ..conftest import CORPUS, GOLD

GOLD_FILES = sorted(GOLD.glob("*/*.json")) if GOLD.exists() else []


def _norm(path: Path) -> str:
    return LinearText(load_document(path)).norm


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_detected_format_is_the_golds(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    norm = _norm(CORPUS / gold_path.parent.name / gold["source"])
    found = detect_format(norm, gold["year"], normalize_label)
    assert found is not None and found.id == gold["format"]
    if found.tables:  # the tables decide, whatever year the report names
        for year in (None, 2013, 2020, 2024):
            again = detect_format(norm, year, normalize_label)
            assert again is not None and again.id == gold["format"], year


def test_the_gold_corpus_has_every_format() -> None:
    if not GOLD_FILES:
        pytest.skip("shared gold is not beside the repository")
    formats = {json.loads(p.read_text(encoding="utf-8"))["format"] for p in GOLD_FILES}
    assert formats == {"2021", "2019", "pre2019"}


def _n(text: str) -> str:
    return normalize_label(text)


def test_signals_decide_between_the_tabled_formats() -> None:
    anchors = _n("一、本年新收政府信息公开申请数量 结转下年度继续办理")
    assert detect_format(anchors + _n("本年制发件数 现行有效件数"), 2020, _n) is FORMAT_2021
    assert detect_format(anchors + _n("本年新制作数量 对外公开总数量"), 2022, _n) is FORMAT_2019


def test_anchors_without_signals_go_by_year() -> None:
    anchors = _n("一、本年新收政府信息公开申请数量 结转下年度继续办理")
    assert detect_format(anchors, 2020, _n) is FORMAT_2019
    assert detect_format(anchors, 2023, _n) is FORMAT_2021
    assert detect_format(anchors, None, _n) is FORMAT_2021  # no year: the newest
    assert detect_format(anchors, 2015, _n) is FORMAT_2019  # before all of them: the oldest


def test_without_tables() -> None:
    assert detect_format(_n("某局2013年信息公开年度报告 一、概述"), 2013, _n) is FORMAT_PRE2019
    assert detect_format(_n("回应解读情况 收费及减免"), None, _n) is FORMAT_PRE2019
    assert detect_format(_n("一、总体情况 本年度工作情况良好。"), 2022, _n) is None
