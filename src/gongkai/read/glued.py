"""Split digit runs that hold several cells ("640020470" = 64|0|0|2|0|4|70).

Crawler dumps of Word tables often lose the separators between cells. The
digits of a row can sometimes be split back, but only a split that is the
*only* one fitting the format's identities is taken; everything else stays
unread. Rules of a valid piece: no leading zero (except "0" itself); a
decimal point only in the last piece of a token; a sign only at the start of
a token.

The search is bounded twice (``gongkai.limits.Limits``): a run of more than
``max_glued_digits`` digits is not tried at all, and the search gives up after
``max_glued_work`` steps, however few splits it has found by then. Both leave
the cells unread, as an ambiguous split does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..limits import DEFAULT_LIMITS, Limits
from .fields import Field


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    start: int  # linear offsets
    end: int
    value: int | Decimal


_ASCII_DIGITS = frozenset("0123456789.")


class _OverBudget(Exception):
    """The split search took more steps than it may."""


@dataclass(slots=True)
class _Steps:
    left: int

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _OverBudget


def _valid(piece: str, last: bool) -> bool:
    body = piece.lstrip("+-")
    if not body or not _ASCII_DIGITS.issuperset(body):  # ⑤ and ² are digits to str.isdigit, not to a table
        return False
    if "." in body:
        if not last:
            return False
        whole, _, frac = body.partition(".")
        return bool(whole) and bool(frac) and (whole == "0" or not whole.startswith("0"))
    return body == "0" or not body.startswith("0")


def _number(piece: str) -> int | Decimal:
    return Decimal(piece) if "." in piece else int(piece)


def _token_splits(field: Field, parts: int, steps: _Steps) -> Iterator[list[Piece]]:
    """Every way to cut one token into ``parts`` valid pieces."""
    raw = field.text.strip()
    unit_len = 2 if raw.endswith("万元") else 1 if raw.endswith("元") else 0
    body = raw[: len(raw) - unit_len] if unit_len else raw
    base = field.start

    def go(pos: int, left: int) -> Iterator[list[Piece]]:
        if left == 1:
            piece = body[pos:]
            if _valid(piece, True):
                yield [Piece(piece, base + pos, base + len(body), _number(piece))]
            return
        for cut in range(pos + 1, len(body) - left + 2):
            steps.take()
            piece = body[pos:cut]
            if not _valid(piece, False):
                if piece.lstrip("+-").startswith("0") and piece.lstrip("+-") != "0":
                    break
                continue
            for tail in go(cut, left - 1):
                yield [Piece(piece, base + pos, base + cut, _number(piece)), *tail]

    yield from go(0, parts)


def _digit_count(field: Field) -> int:
    return sum(ch.isdigit() for ch in field.text)


def splits(tokens: list[Field], cells: int, limit: int, limits: Limits = DEFAULT_LIMITS) -> list[list[Piece]] | None:
    """All ways to cut ``tokens`` into exactly ``cells`` pieces, in order.

    Returns None when there are more than ``limit`` ways (too ambiguous to enumerate), when the
    tokens hold more than ``limits.max_glued_digits`` digits, or when the search would take more
    than ``limits.max_glued_work`` steps.
    """
    if sum(_digit_count(t) for t in tokens) > limits.max_glued_digits:
        return None
    results: list[list[Piece]] = []
    steps = _Steps(limits.max_glued_work)

    def go(i: int, left: int, acc: list[Piece]) -> bool:
        if i == len(tokens):
            if left == 0:
                results.append(list(acc))
            return len(results) <= limit
        remaining = tokens[i + 1 :]
        most_after = sum(_digit_count(t) for t in remaining)
        for parts in range(1, left - len(remaining) + 1):
            if left - parts > most_after:
                continue
            for pieces in _token_splits(tokens[i], parts, steps):
                acc.extend(pieces)
                ok = go(i + 1, left - parts, acc)
                del acc[len(acc) - parts :]
                if not ok:
                    return False
        return True

    try:
        if not go(0, cells, []):
            return None
    except _OverBudget:
        return None
    return results


def solve(
    tokens: list[Field],
    cells: int,
    fits: Callable[[list[int | Decimal]], bool],
    limit: int,
    limits: Limits = DEFAULT_LIMITS,
) -> list[list[Piece]] | None:
    """Splits of ``tokens`` into ``cells`` pieces that satisfy ``fits``; None if too many (see ``splits``)."""
    every = splits(tokens, cells, limit, limits)
    if every is None:
        return None
    return [s for s in every if fits([p.value for p in s])]
