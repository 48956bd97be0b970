"""What every output form prints, in order: one plan walked by the DOCX, HTML, Markdown and PDF writers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..formats import FORMAT_2021
from ..render.layout import Layout, table_layout
from .model import DRAFT_MARK, DRAFT_NOTE, AnnualReport


class Kind(Enum):
    DRAFT = "draft"  # the visible 草稿 marker
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str = ""
    layout: Layout | None = None


def plan(report: AnnualReport) -> list[Block]:
    """The report as blocks: [草稿], the title, the opening paragraph, then each section's heading, prose, table."""
    blocks: list[Block] = []
    if report.draft:
        blocks.append(Block(Kind.DRAFT, f"【{DRAFT_MARK}】{DRAFT_NOTE}"))
    blocks.append(Block(Kind.TITLE, report.title))
    blocks += [Block(Kind.PARAGRAPH, p) for p in report.paragraphs(0)]
    tables = {table.section: table for table in FORMAT_2021.tables}
    values = report.values()
    for section in FORMAT_2021.sections:
        blocks.append(Block(Kind.HEADING, section.numbered))
        blocks += [Block(Kind.PARAGRAPH, p) for p in report.paragraphs(section.number)]
        table = tables.get(section.number)
        if table is not None:
            blocks.append(Block(Kind.TABLE, layout=table_layout(FORMAT_2021, table, values)))
    return blocks
