"""Figures the report states in its prose (受理申请31件, 行政复议1件, 予以公开及部分公开13件 …).

The measures, their phrasings and the cells each one equals are declared in
``formats/narrative.py``; this module only finds them. A figure is taken only
from a clause about this report's own year and organ: a clause naming another
year (去年, 同比, 2020年 in a 2021 report) or a wider scope (全市, 各部门) is
skipped, so the checker never compares unlike things.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..formats import Format
from ..formats.narrative import OTHER_SCOPE, Measure, Narrative, OutcomeName, generic_vocabulary, vocabulary
from ..model import Statement
from .linear import LinearText

Readings = tuple[tuple[str, ...], ...]

_OTHER_TIME = re.compile(r"去年|上年|上一年|同比|较上|比上|前年")
_OTHER_SCOPE = re.compile(OTHER_SCOPE)
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_FIGURE = re.compile(r"(\d+)件")
_DIGIT = re.compile(r"\d")
_SHARE = re.compile(r",?(?:占|约占|占比|占总数的?|占全部申请的?)(?:比)?(?:为|约)?(\d+(?:\.\d+)?)%")
_FILLER = r"(?:的|类|等)?(?:申请|情形|信息)?(?:的)?(?:共|为|有|数|数量)?(?:计)?"


@dataclass(frozen=True, slots=True)
class _Compiled:
    measures: tuple[tuple[Measure, re.Pattern[str]], ...]
    names: tuple[tuple[OutcomeName, re.Pattern[str]], ...]
    name_tail: re.Pattern[str] | None  # the lead of a figure ends with an outcome name
    only_names: re.Pattern[str] | None  # a comma piece that is nothing but outcome names


_COMPILED: dict[str, _Compiled] = {}


def _compile(narrative: Narrative, key: str) -> _Compiled:
    found = _COMPILED.get(key)
    if found is not None:
        return found
    names = tuple((n, re.compile(n.phrase)) for n in narrative.outcome_names)
    any_name = "|".join(f"(?:{n.phrase})" for n in narrative.outcome_names)
    tail = re.compile(f"(?:{any_name}){_FILLER}$") if any_name else None
    # a comma piece that ends with an outcome name and states no figure continues a list of names
    only = re.compile(f"^[^\\d]*(?:{any_name})(?:等原因)?$") if any_name else None
    found = _Compiled(tuple((m, re.compile(m.pattern)) for m in narrative.measures), names, tail, only)
    _COMPILED[key] = found
    return found


def _clause(sentence: str, at: int) -> str:
    """The comma-delimited clause of ``sentence`` around position ``at``."""
    start = max(sentence.rfind(",", 0, at), sentence.rfind(":", 0, at)) + 1
    ends = [i for i in (sentence.find(",", at), sentence.find(":", at)) if i >= 0]
    return sentence[start : min(ends) if ends else len(sentence)]


def _elsewhere(clause: str, year: int | None) -> bool:
    """The clause speaks of another year (去年, 同比, 2020年 in a 2021 report) or a wider scope (全市)."""
    if _OTHER_TIME.search(clause) or _OTHER_SCOPE.search(clause):
        return True
    return year is not None and any(int(y) != year for y in _YEAR.findall(clause))


def _lead(sentence: str, at: int, only_names: re.Pattern[str]) -> str:
    """The words before the figure at ``at``: back to the clause start, or across commas over pure name lists."""
    start = max(sentence.rfind(",", 0, at), sentence.rfind(":", 0, at)) + 1
    while start > 0:
        before = max(sentence.rfind(",", 0, start - 1), sentence.rfind(":", 0, start - 1)) + 1
        if not only_names.match(sentence[before : start - 1]):
            break
        start = before
    lead = sentence[start:at]
    digits = [m.end() for m in re.finditer(r"\d+(?:件|%)?", lead)]
    return lead[digits[-1] :] if digits else lead


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


LONGEST_SENTENCE = 2000
"""Characters of one sentence the figure search looks at together; a longer run (pages with no full
stop, a table repeated thousands of times) is cut at a comma, else at this length: each figure looks
at its clause, so the search would be quadratic in the sentence's length."""


def _sentences(norm: str) -> Iterator[str]:
    """The sentences of ``norm`` (ending at 。!?), none longer than ``LONGEST_SENTENCE``; they join back to ``norm``."""
    for sentence in re.split(r"(?<=[。!?])", norm):
        while len(sentence) > LONGEST_SENTENCE:
            cut = max(sentence.rfind(",", 0, LONGEST_SENTENCE), sentence.rfind(";", 0, LONGEST_SENTENCE)) + 1
            cut = cut if cut > LONGEST_SENTENCE // 2 else LONGEST_SENTENCE
            yield sentence[:cut]
            sentence = sentence[cut:]
        yield sentence


def _share(sentence: str, end: int) -> float | None:
    m = _SHARE.match(sentence, end)
    return float(m.group(1)) if m else None


def read_statements(
    lt: LinearText,
    tables: list[tuple[int, int]],
    section_starts: list[tuple[int, int]],
    year: int | None,
    fmt: Format | None = None,
) -> list[Statement]:
    """Figures stated in the report's text outside the linear ranges ``tables``."""
    compiled = _compile(vocabulary(fmt), fmt.id) if fmt is not None else _compile(generic_vocabulary(), "")
    norm, index = _prose(lt, tables)
    out: list[Statement] = []
    start = 0
    for sentence_no, sentence in enumerate(_sentences(norm)):
        for a, b, value, measure, label, readings in _figures(sentence, compiled, year):
            lin_a, lin_b = index[start + a], index[start + b - 1] + 1
            section = None
            for number, lin in section_starts:
                if lin <= lin_a:
                    section = number
            place = lt.place(lin_a, lin_b)
            share = _share(sentence, b)
            out.append(Statement(measure, float(value), sentence, sentence_no, section, place, label, readings, share))
        start += len(sentence)
    return out


def _figures(
    sentence: str, compiled: _Compiled, year: int | None
) -> Iterator[tuple[int, int, str, str, str, Readings]]:
    """(start, end, figure, measure id, label, readings) of each figure a sentence states."""
    if not _DIGIT.search(sentence):
        return
    for measure, pattern in compiled.measures:
        for m in pattern.finditer(sentence):
            if not _elsewhere(_clause(sentence, m.start()), year):
                digits = next(g for g in reversed(m.groups()) if g is not None)
                yield m.start(), m.end(), digits, measure.id, measure.label, measure.readings
    if compiled.name_tail is None or compiled.only_names is None:
        return
    for m in _FIGURE.finditer(sentence):
        lead = _lead(sentence, m.start(), compiled.only_names)
        if not compiled.name_tail.search(lead) or _elsewhere(_clause(sentence, m.start()), year):
            continue
        hits = [(name, hit) for name, p in compiled.names if (hit := p.search(lead))]
        cells = tuple(dict.fromkeys(c for name, _ in hits for c in name.cells))
        words = "及".join(dict.fromkeys(hit.group(0) for _, hit in hits))
        yield m.start() - len(lead), m.end(), m.group(1), "outcome", words, (cells,)
