"""The 审核意见书 of stored reports: exactly the confirmed findings (sent ones too, not false alarms, open or
rectified ones), with their cells and the numbers read; per report and per agency; the Word file read back
with python-docx and printed by LibreOffice."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest

from gongkai import RULES, libreoffice
from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.errors import NotFound
from gongkai.export.opinion import agency_opinion, agency_reports, cell_value, report_opinion
from gongkai.formats.cells import cell_label
from gongkai.law.agencies import normalise_agency_key
from gongkai.model import cell_text
from gongkai.render.opinion import opinion_blocks, opinion_docx
from gongkai.store.repository import Repository
from gongkai.store.views import FindingRow

from ..conftest import CORPUS, shared_or_skip

ANYANG = CORPUS / "seeds" / "000_6e817ece59bf6a07.txt"  # 安阳县人民政府 2021: an error and four warnings
HONGZE = [CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf", CORPUS / "dev" / "002_huaian-hongze-qu-2024.pdf"]


def _store(repository: Repository, *paths: Path) -> list[int]:
    summary = ingest([shared_or_skip(p) for p in paths], repository, InlineExecutor())
    assert not summary.failed
    by_source = {r.source: r.id for r in repository.list_reports()}
    return [by_source[str(p)] for p in paths]


def _decide(repository: Repository, rid: int) -> tuple[list[FindingRow], list[FindingRow]]:
    """Confirm two findings (send one of them), dismiss one, rectify one; leave the rest open.

    Returns the findings the letter must list (in its order: errors first) and all of them.
    """
    findings = repository.findings([rid])[rid]
    assert len(findings) >= 5
    a, b, c, d = findings[:4]
    repository.set_review(rid, a.fingerprint, "confirmed", "王")
    repository.set_review(rid, b.fingerprint, "confirmed", "王")
    repository.set_review(rid, b.fingerprint, "sent", "王")
    repository.set_review(rid, c.fingerprint, "dismissed", "王")
    repository.set_review(rid, d.fingerprint, "confirmed", "王")
    repository.send_confirmed([rid])
    repository.set_review(rid, d.fingerprint, "rectified", "王")
    rank = {"error": 0, "warning": 1, "info": 2}
    listed = sorted([a, b], key=lambda f: (rank[f.severity], f.id))
    return listed, findings


def test_a_report_opinion_lists_exactly_the_confirmed_findings(repository: Repository) -> None:
    (rid,) = _store(repository, ANYANG)
    listed, _ = _decide(repository, rid)
    opinion = report_opinion(repository, rid, date(2026, 3, 5), " 某市政务公开办 ")
    assert opinion.agency == "安阳县人民政府" and opinion.office == "某市政务公开办"
    (part,) = opinion.reports
    assert part.report_id == rid and part.year == 2021
    assert [i.message for i in part.items] == [f.message for f in listed]
    assert [i.rule_zh for i in part.items] == [RULES[f.rule].zh for f in listed]
    report, _ = repository.load_report(rid)  # type: ignore[misc]
    for item, finding in zip(part.items, listed, strict=True):
        cells = [c for c in finding.cells if c in report.format.cell_ids()]  # type: ignore[union-attr]
        assert [c.cell_id for c in item.cells] == cells
        assert [c.label for c in item.cells] == [cell_label(c) for c in cells]
        assert [c.value for c in item.cells] == [cell_value(report, c) for c in cells]
        for c in item.cells:
            cell = report.cells.get(c.cell_id)
            if cell is not None and cell.value is not None:
                assert c.value == cell_text(cell, mark_inferred=False)  # the number as read


def test_the_word_file_read_back(repository: Repository) -> None:
    (rid,) = _store(repository, ANYANG)
    listed, findings = _decide(repository, rid)
    opinion = report_opinion(repository, rid, date(2026, 3, 5), "某市政务公开办")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(opinion_docx(opinion))).paragraphs]
    assert paragraphs == [b.text for b in opinion_blocks(opinion)]
    assert paragraphs[1] == "安阳县人民政府："
    numbered = [p for p in paragraphs if p[:1].isdigit() and ". 【" in p]
    assert len(numbered) == len(listed) == 2
    for number, (text, finding) in enumerate(zip(numbered, listed, strict=True), start=1):
        assert text.startswith(f"{number}. 【{RULES[finding.rule].zh}】") and finding.message in text
    whole = "\n".join(paragraphs)
    for f in findings:
        if f not in listed:  # dismissed, rectified and open findings are not in the letter
            assert not any(f.message in p for p in paragraphs)
    assert "某市政务公开办" in paragraphs and "2026年3月5日" in paragraphs
    assert "涉及单元格：" in whole


def test_an_agency_opinion_covers_its_current_reports(repository: Repository) -> None:
    ids = _store(repository, *HONGZE)
    key = normalise_agency_key("淮安市洪泽区人民政府")
    assert [r.id for r in agency_reports(repository, key)] == ids  # oldest year first
    chosen = []
    for rid in ids:
        finding = repository.findings([rid])[rid][0]
        repository.set_review(rid, finding.fingerprint, "confirmed", "王")
        chosen.append(finding.message)
    opinion = agency_opinion(repository, "淮安市洪泽区人民政府", date(2026, 3, 5))  # a name finds its key
    assert [r.report_id for r in opinion.reports] == ids and [r.year for r in opinion.reports] == [2023, 2024]
    assert [i.message for i in opinion.items] == chosen
    texts = [b.text for b in opinion_blocks(opinion)]
    assert "以下2份年度报告" in texts[2]
    assert [b.number for b in opinion_blocks(opinion) if b.kind == "item"] == [1, 2]
    with pytest.raises(NotFound, match="没有机关"):
        agency_opinion(repository, "不存在的机关")
    with pytest.raises(NotFound, match="没有编号为 999999 的报告"):
        report_opinion(repository, 999_999)


@pytest.mark.skipif(libreoffice.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_the_opinion_of_a_stored_report(repository: Repository) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    (rid,) = _store(repository, ANYANG)
    listed, _ = _decide(repository, rid)
    opinion = report_opinion(repository, rid, date(2026, 3, 5), "某市政务公开办")
    (pdf,) = libreoffice.convert([("opinion.docx", opinion_docx(opinion))], "pdf")
    assert pdf is not None
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 1
    flat = "".join("".join(document[i].get_textpage().get_text_range() for i in range(len(document))).split())
    assert "政府信息公开工作年度报告审核意见书" in flat and "安阳县人民政府：" in flat
    for number, finding in enumerate(listed, start=1):
        assert f"{number}.【{RULES[finding.rule].zh}】" in flat
    assert f"{len(listed) + 1}.【" not in flat
    assert "某市政务公开办" in flat and "2026年3月5日" in flat


def test_an_item_names_cells_only_with_the_value_read_blank_or_not_printed(repository: Repository) -> None:
    from gongkai.export.opinion import opinion_item
    from gongkai.formats.cells import all_cell_ids
    from gongkai.model import CellState

    (rid,) = _store(repository, ANYANG)
    report, findings = repository.load_report(rid)  # type: ignore[misc]
    read = next(c for c, cell in report.cells.items() if cell.state is CellState.READ and cell.value is not None)
    blank = next((c for c, cell in report.cells.items() if cell.state is CellState.BLANK), None)
    absent = next(c for c in all_cell_ids() if c not in report.cells)  # another format's cell: not printed here
    cells = ("title", read, absent, "published") + ((blank,) if blank else ())
    finding = replace(findings[0], cells=cells)
    item = opinion_item(report, finding)
    assert [c.cell_id for c in item.cells] == [read, absent] + ([blank] if blank else [])
    assert item.cells[0].value == cell_text(report.cells[read], mark_inferred=False)
    assert item.cells[1].value == "未印出"
    if blank:
        assert item.cells[2].value == "空白"
    assert item.rule_zh == RULES[finding.rule].zh and item.severity_zh in ("错误", "警告", "提示")
