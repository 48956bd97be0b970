"""The 审核意见书: the letter that tells an agency which problems its annual report(s) have, as DOCX.

It takes plain data (``Opinion``), gathered elsewhere from the store, and knows nothing of
databases. ``opinion_blocks`` is the letter as a sequence of typed paragraphs; the Word
file and the web print view both lay out the same blocks, so they say the same words.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE = "政府信息公开工作年度报告审核意见书"
FONT = "宋体"
TITLE_FONT = "黑体"


@dataclass(frozen=True, slots=True)
class OpinionCell:
    """A cell a finding names: its Chinese label, its id, and the value as read (or 未印出 / 空白)."""

    label: str
    cell_id: str
    value: str


@dataclass(frozen=True, slots=True)
class OpinionItem:
    """One confirmed finding, in plain Chinese."""

    rule: str
    rule_zh: str
    severity_zh: str
    message: str
    cells: tuple[OpinionCell, ...] = ()


@dataclass(frozen=True, slots=True)
class OpinionReport:
    """A report concerned and its confirmed findings."""

    report_id: int
    title: str
    year: int | None
    items: tuple[OpinionItem, ...]

    @property
    def named(self) -> str:
        """``《title》（2024年度）``."""
        return f"《{self.title}》" + (f"（{self.year}年度）" if self.year else "")


@dataclass(frozen=True, slots=True)
class Opinion:
    """A 审核意见书: addressed to one agency, about one or more of its reports."""

    agency: str
    reports: tuple[OpinionReport, ...]
    issued: date
    office: str | None = None  # the reviewing office that signs it; blank line when not given

    @property
    def items(self) -> list[OpinionItem]:
        return [item for report in self.reports for item in report.items]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the letter: ``kind`` is title, address, text, report, item, cells, sign or date."""

    kind: str
    text: str
    number: int | None = None  # an item's number


def chinese_date(day: date) -> str:
    """``2026年12月2日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def opinion_blocks(opinion: Opinion) -> list[Block]:
    """The letter, paragraph by paragraph, items numbered 1, 2, … across its reports."""
    blocks = [Block("title", TITLE), Block("address", f"{opinion.agency}：")]
    reports = opinion.reports
    items = opinion.items
    concerned = f"你单位发布的{reports[0].named}" if len(reports) == 1 else f"你单位发布的以下{len(reports)}份年度报告"
    if items:
        blocks.append(Block("text", f"经审核{concerned}，发现以下{len(items)}个问题，请逐项核实并整改："))
    else:
        blocks.append(Block("text", f"经审核{concerned}，未发现需要整改的问题。"))
    number = 0
    for report in reports:
        if len(reports) > 1:
            blocks.append(Block("report", report.named + ("：" if report.items else "：未发现需要整改的问题。")))
        for item in report.items:
            number += 1
            blocks.append(Block("item", f"{number}. 【{item.rule_zh}】（{item.severity_zh}）{item.message}", number))
            if item.cells:
                shown = "；".join(f"{c.label}：{c.value}" for c in item.cells)
                blocks.append(Block("cells", f"涉及单元格：{shown}。"))
    if items:
        blocks.append(Block("text", "请对照以上问题更正年度报告，并将整改情况反馈我单位。"))
    blocks.append(Block("sign", opinion.office or "（审核单位）"))
    blocks.append(Block("date", chinese_date(opinion.issued)))
    return blocks


def _fonts(run, name: str = FONT) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    # python-docx sets only the Latin font; Chinese text needs w:eastAsia
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def opinion_docx(opinion: Opinion) -> bytes:
    """The 审核意见书 as a Word file (A4), its paragraphs those of ``opinion_blocks``."""
    document = docx.Document()
    document.core_properties.title = f"{TITLE}（{opinion.agency}）"
    document.core_properties.author = opinion.office or "gongkai"
    document.core_properties.created = document.core_properties.modified = datetime.now(UTC)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.font.name = FONT
    for block in opinion_blocks(opinion):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        _fonts(run)
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.font.size = Pt(20)
            run.bold = True
            _fonts(run, TITLE_FONT)
        elif block.kind in ("text", "item"):
            paragraph.paragraph_format.first_line_indent = Pt(28)
        elif block.kind == "cells":
            paragraph.paragraph_format.left_indent = Pt(28)
            run.font.size = Pt(12)
        elif block.kind == "report":
            run.bold = True
        elif block.kind in ("sign", "date"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if block.kind == "sign":
                paragraph.paragraph_format.space_before = Pt(36)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
