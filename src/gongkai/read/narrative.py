"""Figures the report states in its prose (受理申请31件, 行政复议1件 …).

Only figures that measure the same thing as a table cell are taken, each
with the measure it states, so the checker can compare like with like:

``received``  applications received (收到/受理/接收 … 申请 N件): 新收, or 新收+上年结转
``handled``   "办理 … 申请 N件": loosely used for received or closed
``closed``    applications closed (办结 N件): （七）总计
``reviews``   行政复议 N件/起: table 四 行政复议·总计
``lawsuits``  行政诉讼 N件/起: both 行政诉讼 总计 together
``accepted``/``finished``/``rate``  generic 受理 N件 / 办结 N件 / 办结率 N% in one sentence,
              for a report's internal consistency
"""

from __future__ import annotations

import re

from ..model import Statement
from .linear import LinearText

_UNIT = r"(?:件|起|宗|个|次)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("received", re.compile(r"(?:收到|受理|接收|接到|收)[^。,:]{0,16}?申请[^\d。,:]{0,6}?(\d+)" + _UNIT)),
    ("handled", re.compile(r"办理[^。,:]{0,16}?申请[^\d。,:]{0,6}?(\d+)件|共办理(\d+)件")),
    ("closed", re.compile(r"办结[^\d。,:率]{0,8}?(\d+)件")),
    ("reviews", re.compile(r"行政复议(?:案件|申请)?(?:共|数|数量)?(?:为|有)?(\d+)" + _UNIT)),
    # "行政复议、行政诉讼案件5件" counts both together: not a lawsuit count
    (
        "lawsuits",
        re.compile(
            r"(?<!复议,)(?<!复议和)(?<!复议及)(?<!复议与)行政诉讼(?:案件)?(?:共|数|数量)?(?:为|有)?(\d+)" + _UNIT
        ),
    ),
    ("accepted", re.compile(r"受理[^\d。,:]{0,12}?(\d+)件")),
    ("rate", re.compile(r"办结率(\d+(?:\.\d+)?)%")),
)
_OTHER_TIME = re.compile(r"去年|上年|上一年|同比|较上|比上|前年")
_YEAR = re.compile(r"((?:19|20)\d{2})年")


def _clause(sentence: str, at: int) -> str:
    """The comma-delimited clause of ``sentence`` around position ``at``."""
    start = max(sentence.rfind(",", 0, at), sentence.rfind(":", 0, at)) + 1
    ends = [i for i in (sentence.find(",", at), sentence.find(":", at)) if i >= 0]
    return sentence[start : min(ends) if ends else len(sentence)]


def _other_period(clause: str, year: int | None) -> bool:
    """The clause speaks of another year (去年, 同比, 2020年 in a 2021 report)."""
    if _OTHER_TIME.search(clause):
        return True
    return year is not None and any(int(y) != year for y in _YEAR.findall(clause))


def _prose(lt: LinearText, tables: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The normalised text outside the linear ranges ``tables``, with its linear positions."""
    keep_from = 0
    parts: list[str] = []
    index: list[int] = []
    for a, b in sorted(tables):
        na, nb = lt.norm_at(a), lt.norm_at(b)
        if na > keep_from:
            parts.append(lt.norm[keep_from:na] + "。")  # a table ends any sentence
            index += lt.norm_to_lin[keep_from:na] + [lt.norm_to_lin[na - 1]]
        keep_from = max(keep_from, nb)
    parts.append(lt.norm[keep_from:])
    index += lt.norm_to_lin[keep_from:]
    return "".join(parts), index


def read_statements(
    lt: LinearText, tables: list[tuple[int, int]], section_starts: list[tuple[int, int]], year: int | None
) -> list[Statement]:
    """Figures stated in the report's text outside the linear ranges ``tables``."""
    norm, index = _prose(lt, tables)
    out: list[Statement] = []
    start = 0
    for sentence_no, sentence in enumerate(re.split(r"(?<=[。!?])", norm)):
        s_start = start
        start += len(sentence)
        for measure, pattern in _PATTERNS:
            for m in pattern.finditer(sentence):
                if _other_period(_clause(sentence, m.start()), year):
                    continue
                digits = next(g for g in m.groups() if g is not None)
                a = index[s_start + m.start()]
                b = index[s_start + m.end() - 1] + 1
                section = None
                for number, lin in section_starts:
                    if lin <= a:
                        section = number
                out.append(Statement(measure, float(digits), sentence, sentence_no, section, lt.place(a, b)))
    return out
