"""Find printed labels in the normalised text, tolerant of how they were printed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .linear import normalize_label
from .settings import ReaderSettings

_CN_DIGITS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class LabelMatch:
    start: int  # normalised offset where the label (with its numbering) begins
    end: int  # normalised offset just past the label
    how: str  # exact | fuzzy | prefix | fallback
    score: float = 100.0  # similarity of the printed label to the declared one (fuzzy and prefix matches)
    variant: bool = False  # matched a declared variant or abbreviation, not the label itself


@lru_cache(maxsize=512)
def number_forms(number: str) -> tuple[str, ...]:
    """Printed variants of a row numbering, normalised: "1." → ("1.", "(1)", "1,"…)."""
    core = number.strip("（）()、.．,， ")
    if not core:
        return ()
    forms = [f"{core}.", f"({core})", f"{core},", f"{core}:"]
    if core[0] in _CN_DIGITS:
        forms.append(f"第{core}")
    return tuple(dict.fromkeys(normalize_label(f) for f in forms))


@lru_cache(maxsize=512)
def _fuzzy_pattern(label: str, edits: int) -> regex.Pattern[str]:
    return regex.compile(f"(?:{regex.escape(label)}){{e<={edits}:[^0-9]}}", regex.BESTMATCH)


def numbering_before(norm: str, pos: int, number: str) -> int:
    """Start of the numbering printed just before ``pos``, or ``pos`` if none."""
    for form in number_forms(number):
        if norm.startswith(form, pos - len(form)) and pos - len(form) >= 0:
            return pos - len(form)
    return pos


def find_label(
    norm: str,
    label: str,
    number: str,
    start: int,
    end: int,
    settings: ReaderSettings,
    *,
    allow_fuzzy: bool = True,
) -> LabelMatch | None:
    """First occurrence of a row label in ``norm[start:end]``.

    Exact text first; short labels need their numbering. Then a fuzzy match
    (OCR slips, a dropped character), then a long-enough prefix (a label
    printed around its own cells).
    """
    core = normalize_label(label)
    if not core:
        return None
    if len(core) < settings.short_label:
        best: LabelMatch | None = None
        for form in number_forms(number) or ("",):
            needle = form + core
            i = norm.find(needle, start, end)
            if i >= 0 and (best is None or i < best.start):
                best = LabelMatch(i, i + len(needle), "exact")
        return best
    i = norm.find(core, start, end)
    if i >= 0:
        return LabelMatch(numbering_before(norm, i, number), i + len(core), "exact")
    if not allow_fuzzy:
        return None
    edits = len(core) // settings.chars_per_edit
    if edits:
        m = _fuzzy_pattern(core, edits).search(norm, start, end)
        if m is not None:
            s, e = m.span()
            score = 100.0 * (1 - sum(m.fuzzy_counts) / len(core))
            return LabelMatch(numbering_before(norm, s, number), e, "fuzzy", score)
    if len(core) >= settings.prefix_min_label:
        shortest = max(settings.short_label + 2, int(len(core) * settings.prefix_share))
        for length in range(len(core) - 1, shortest - 1, -1):
            i = norm.find(core[:length], start, end)
            if i >= 0:
                return LabelMatch(numbering_before(norm, i, number), i + length, "prefix", 100.0 * length / len(core))
    return None


def find_text(norm: str, text: str, start: int = 0, end: int | None = None, edits: int = 0) -> tuple[int, int] | None:
    """Find free text (a caption, a heading) exactly or within ``edits`` edits."""
    needle = normalize_label(text)
    end = len(norm) if end is None else end
    i = norm.find(needle, start, end)
    if i >= 0:
        return i, i + len(needle)
    if edits:
        m = _fuzzy_pattern(needle, edits).search(norm, start, end)
        if m is not None:
            return m.span()
    return None
