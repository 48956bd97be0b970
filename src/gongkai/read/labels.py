"""Find printed labels in the normalised text, tolerant of how they were printed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..document import quick_init
from .linear import normalize_label
from .settings import ReaderSettings

_CN_DIGITS = "一二三四五六七八九十"


@quick_init
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


def fuzzy_search(core: str, edits: int, norm: str, start: int, end: int) -> regex.Match[str] | None:
    """The best match of ``core`` within ``edits`` edits in ``norm[start:end]`` (fewest edits, then first).

    A fuzzy search over a whole long text costs seconds (a report of repeated tables: minutes),
    so it runs only in windows where it can match. Cut ``core`` into ``2 * edits + 1`` pieces: an
    edit spoils at most one piece, so a match with ``e`` edits holds at least ``pieces - e`` pieces
    unchanged, and lies in a window around exact occurrences of that many. The windows are
    searched in order, each for a match strictly better than the best so far (fewer edits: cheaper).
    """
    pieces = _pieces(core, 2 * edits + 1)
    reach = len(core) + edits + 1
    hits: list[tuple[int, int, int]] = []  # (window start, window end, piece)
    for number, (offset, piece) in enumerate(pieces):
        i = norm.find(piece, start, end)
        while i >= 0:
            hits.append((max(start, i - offset - edits - 1), min(end, i - offset + reach), number))
            i = norm.find(piece, i + 1, end)
    hits.sort()
    windows: list[tuple[int, int, set[int]]] = []
    for low, high, number in hits:
        if windows and low <= windows[-1][1]:
            last = windows[-1]
            windows[-1] = (last[0], max(last[1], high), last[2] | {number})
        else:
            windows.append((low, high, {number}))
    best: regex.Match[str] | None = None
    allowed = edits
    for low, high, found in windows:
        if len(found) < len(pieces) - allowed:
            continue  # too few pieces printed here for a match within ``allowed`` edits
        m = _fuzzy_pattern(core, allowed).search(norm, low, high)
        if m is not None:
            best, allowed = m, sum(m.fuzzy_counts) - 1
            if allowed < 1:  # only an exact match beats it, and ``core`` is not printed exactly here
                break
    return best


def _pieces(core: str, count: int) -> list[tuple[int, str]]:
    """``core`` cut into ``count`` pieces as even as can be, each with its offset."""
    count = max(1, min(count, len(core)))
    bounds = [len(core) * k // count for k in range(count + 1)]
    return [(bounds[k], core[bounds[k] : bounds[k + 1]]) for k in range(count)]


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
        m = fuzzy_search(core, edits, norm, start, end)
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
        m = fuzzy_search(needle, edits, norm, start, end)
        if m is not None:
            return m.span()  # type: ignore[no-any-return]
    return None
