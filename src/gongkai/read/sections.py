"""Find the numbered sections of a report (一、总体情况 … 六、其他需要报告的事项)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..formats import Section
from .labels import find_text
from .linear import LinearText, normalize_label

CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class SectionHit:
    number: int
    start: int  # normalised offset of the heading (with its numeral)
    end: int  # just past the heading text
    heading: str


def _at_line_start(lt: LinearText, norm_pos: int) -> bool:
    lin = lt.lin(norm_pos)
    before = lt.text[max(0, lin - 40) : lin]
    tail = before.rsplit("\n", 1)[-1] if "\n" in before else (before if lin < 40 else None)
    return tail is not None and not tail.strip(" \t\u3000\u00a0#*>")


def _candidates(lt: LinearText, section: Section) -> list[SectionHit]:
    numeral = CN_NUMERALS[section.number - 1]
    out: list[SectionHit] = []
    for fuzzy in (False, True):
        for heading in (section.heading, *section.variants):
            edits = 2 if fuzzy and len(normalize_label(heading)) >= 10 else 0
            if fuzzy and not edits:
                continue
            out += _hits(lt, section, heading, numeral, edits)
        if out:
            break
    return sorted(out, key=lambda h: h.start)


def _hits(lt: LinearText, section: Section, heading: str, numeral: str, edits: int) -> list[SectionHit]:
    norm = lt.norm
    out = []
    pos = 0
    while (hit := find_text(norm, heading, pos, None, edits=edits)) is not None:
        s, e = hit
        pos = e
        for form in (f"{numeral},", f"{numeral}.", f"({numeral})", f"第{numeral}部分"):
            if norm.startswith(form, s - len(form)):
                out.append(SectionHit(section.number, s - len(form), e, heading))
                break
        else:
            if _at_line_start(lt, s):
                out.append(SectionHit(section.number, s, e, heading))
    return out


def find_sections(lt: LinearText, sections: tuple[Section, ...]) -> dict[int, SectionHit]:
    """Headings in order; where one is printed twice, the later one before the next heading wins."""
    found: dict[int, SectionHit] = {}
    pos = 0
    all_candidates = {s.number: _candidates(lt, s) for s in sections}
    for section in sections:
        after = [h for h in all_candidates[section.number] if h.start >= pos]
        if after:
            found[section.number] = after[0]
            pos = after[0].end
    numbers = sorted(found)
    for i, number in enumerate(numbers):
        bound = found[numbers[i + 1]].start if i + 1 < len(numbers) else len(lt.norm)
        later = [h for h in all_candidates[number] if found[number].start < h.start < bound]
        if later and number == 1:
            found[number] = later[-1]
    return found


_GENERIC_HEADING = re.compile(r"(?:^|[。!?:;)])([一二三四五六七八九十]{1,2}),")


def generic_sections(lt: LinearText) -> dict[int, SectionHit]:
    """Numbered top-level headings of a report without the national format (pre-2019).

    Inline headings in one-line crawler dumps are found too, as "一、" after
    a sentence end.
    """
    norm = lt.norm
    found: dict[int, SectionHit] = {}
    expected = 1
    for m in _GENERIC_HEADING.finditer(norm):
        numeral = m.group(1)
        value = CN_NUMERALS.index(numeral[-1]) + 1 if len(numeral) == 1 else 10 + CN_NUMERALS.index(numeral[-1]) + 1
        if value == expected:
            found[value] = SectionHit(value, m.start(1), m.end(), numeral)
            expected += 1
    return found
