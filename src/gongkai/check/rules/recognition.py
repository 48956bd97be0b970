"""Cells whose reading is uncertain (OCR confidence, the reader's inference) inside a broken identity.

A broken identity around such a cell may be the reader's defect, not the publisher's: it is
reported here, as a warning asking for a look at the source, and never as an arithmetic error.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Report
from ..finding import Finding, Severity
from ..registry import rule
from .arithmetic import broken_identities
from .certainty import LOW_CONFIDENCE, inferred, ocr_doubtful
from .common import label, make

__all__ = ["LOW_CONFIDENCE", "ocr_uncertain", "reading_uncertain", "text_damaged"]

_LINES_SHOWN = 8


@rule("text-damaged", Severity.WARNING, "文本含无法解码的字符", "Characters of the source could not be decoded")
def text_damaged(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The source text holds characters that could not be decoded, shown as “�”.

    A stray byte or a line in another encoding (GBK inside UTF-8) is read around, not refused:
    the rest of the report is read, and this finding says how many characters were lost and on
    which lines, so a number or word there is checked against the original.

    Failing: one byte 0xFF in a UTF-8 text report: 1 character on line 31.

    Passing: a text that decodes cleanly.
    """
    if not report.damaged_lines:
        return
    lines = sorted(set(report.damaged_lines))
    where = "、".join(str(n) for n in lines[:_LINES_SHOWN] if n) + ("等" if len(lines) > _LINES_SHOWN else "")
    yield make(
        "text-damaged",
        [],
        f"源文件有 {len(report.damaged_lines)} 个字符无法解码，已显示为“�”"
        + (f"（第 {where} 行）" if where else "")
        + "；这些位置的文字和数字无法确认，请对照原件。",
        characters=len(report.damaged_lines),
        lines=lines,
    )


@rule("ocr-uncertain", Severity.WARNING, "识别存疑的单元格", "OCR-read cell of low confidence in a broken identity")
def ocr_uncertain(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A cell read by OCR with low confidence takes part in an arithmetic identity that does not hold.

    A scan can turn 8 into 3; when the arithmetic fails around an uncertain cell, the
    defect may be the recognition, not the report. Such a cell is never silently accepted.

    Failing: 行政复议·总计 recognised as "3" with confidence 0.55 where 1 + 0 + 0 + 1 = 2.

    Passing: the same cell at confidence 0.99, or an uncertain cell whose identities hold.
    """
    reported: set[str] = set()
    for identity, _left, _right in broken_identities(report):
        doubtful = [c for c in identity.cells if ocr_doubtful(report, c) and c not in reported]
        for cell_id in doubtful:
            reported.add(cell_id)
            cell = report.cells[cell_id]
            confidence = cell.place.confidence if cell.place else None
            yield make(
                "ocr-uncertain",
                [cell_id],
                f"“{label(report, cell_id)}”由图像识别为“{cell.raw}”（置信度{confidence:.2f}），"
                f"且所在的{identity.where}算式不成立，请对照原件核实。",
            )


@rule(
    "reading-uncertain",
    Severity.WARNING,
    "读取存疑，算式不成立",
    "A broken identity rests on cells the reader inferred",
)
def reading_uncertain(report: Report, previous: Report | None) -> Iterator[Finding]:
    """An identity does not hold, and some of its cells were placed by inference, not by their own label.

    A converted table may lose row labels, and glued digits may split in more ways than the reader can
    tell apart. Where the arithmetic fails around such cells the fault may be the reading; gongkai says
    so and names the cells instead of blaming the publisher. Confirm against the source.

    Failing: 新收 read by row order after its label was lost, and the 勾稽关系 of its column fails.

    Passing: the same identity failing with every cell read at its own label (that is a ``balance`` error).
    """
    reported: set[frozenset[str]] = set()
    for identity, left, right in broken_identities(report, certain=False):
        doubtful = [c for c in identity.cells if inferred(report, c)]
        if not doubtful or frozenset(doubtful) in reported:
            continue
        reported.add(frozenset(doubtful))
        names = "、".join(f"“{label(report, c)}”" for c in doubtful[:4]) + ("等" if len(doubtful) > 4 else "")
        how = "；".join(dict.fromkeys(_how(report, c) for c in doubtful))
        yield make(
            "reading-uncertain",
            doubtful,
            f"{identity.where}算式不成立（{left} ≠ {right}），但{names}系推断读取（{how}），"
            "可能是读取问题而非报告错误，请对照原文核实。",
        )


def _how(report: Report, cell_id: str) -> str:
    cell = report.cells[cell_id]
    assert cell.placement is not None
    return cell.placement.by.zh + (f"：{cell.placement.evidence}" if cell.placement.evidence else "")
