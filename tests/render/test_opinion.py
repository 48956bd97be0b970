"""The 审核意见书 from plain data: its paragraphs, the Word file read back, and LibreOffice printing it."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from gongkai import libreoffice
from gongkai.render.opinion import (
    TITLE,
    Opinion,
    OpinionCell,
    OpinionItem,
    OpinionReport,
    chinese_date,
    opinion_blocks,
    opinion_docx,
)

BALANCE = OpinionItem(
    "balance",
    "办理结果与收到申请的勾稽关系",
    "错误",
    "“自然人”列：上年结转 + 本年新收 ≠ 办理结果总计 + 结转下年度",
    (OpinionCell("本年新收政府信息公开申请数量·自然人", "applications.new.person", "36"),),
)
FEE = OpinionItem("fee-statement-missing", "未说明收费情况", "警告", "报告未说明信息处理费收取情况")


def _opinion(*reports: OpinionReport, office: str | None = "某市人民政府办公室") -> Opinion:
    return Opinion("阳泉市人民政府", reports, date(2026, 3, 5), office)


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_one_report_numbered_with_cells_and_signature() -> None:
    blocks = opinion_blocks(
        _opinion(OpinionReport(7, "阳泉市人民政府2021年政府信息公开工作年度报告", 2021, (BALANCE, FEE)))
    )
    texts = [b.text for b in blocks]
    assert texts[0] == TITLE and texts[1] == "阳泉市人民政府："
    assert "《阳泉市人民政府2021年政府信息公开工作年度报告》（2021年度）" in texts[2] and "发现以下2个问题" in texts[2]
    items = [b for b in blocks if b.kind == "item"]
    assert [b.number for b in items] == [1, 2]
    assert items[0].text.startswith("1. 【办理结果与收到申请的勾稽关系】（错误）“自然人”列")
    assert "涉及单元格：本年新收政府信息公开申请数量·自然人：36。" in texts
    assert texts[-2:] == ["某市人民政府办公室", "2026年3月5日"]
    assert chinese_date(date(2026, 12, 2)) == "2026年12月2日"


def test_several_reports_number_on_and_a_clean_one_says_so() -> None:
    blocks = opinion_blocks(
        _opinion(OpinionReport(1, "A 2023", 2023, (BALANCE,)), OpinionReport(2, "A 2024", 2024, ()), office=None)
    )
    texts = [b.text for b in blocks]
    assert "以下2份年度报告" in texts[2] and "发现以下1个问题" in texts[2]
    assert "《A 2023》（2023年度）：" in texts and "《A 2024》（2024年度）：未发现需要整改的问题。" in texts
    assert texts[-2] == "（审核单位）"  # no office given: a place for it, nothing invented
    nothing = [b.text for b in opinion_blocks(_opinion(OpinionReport(1, "A", None, ())))]
    assert "经审核你单位发布的《A》，未发现需要整改的问题。" in nothing
    assert not any(b.startswith("1.") for b in nothing)


def test_the_word_file_says_what_the_blocks_say() -> None:
    opinion = _opinion(OpinionReport(7, "阳泉市人民政府2021年政府信息公开工作年度报告", 2021, (BALANCE, FEE)))
    data = opinion_docx(opinion)
    assert _paragraphs(data) == [b.text for b in opinion_blocks(opinion)]
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert document.core_properties.title == f"{TITLE}（阳泉市人民政府）"


@pytest.mark.skipif(libreoffice.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_prints_it() -> None:
    pdfium = pytest.importorskip("pypdfium2")
    opinion = _opinion(OpinionReport(7, "阳泉市人民政府2021年政府信息公开工作年度报告", 2021, (BALANCE, FEE)))
    (pdf,) = libreoffice.convert([("opinion.docx", opinion_docx(opinion))], "pdf")
    assert pdf is not None and pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 1
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    flat = "".join(text.split())
    assert TITLE in flat and "阳泉市人民政府：" in flat
    assert "1.【办理结果与收到申请的勾稽关系】" in flat and "2.【未说明收费情况】" in flat
