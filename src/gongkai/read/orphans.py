"""Rows whose labels a conversion lost: place their numbers only where exactly one placement fits.

PDF→Markdown and PDF→text conversions shatter a table: a row's label may be dropped while its
numbers stay, as a line of cells under another row; or the labels of a whole table land in one
place and the numbers in another. Read naively, such numbers are taken for the labelled row's own
(or dropped), and the identities then fail through the reader's fault.

Here the lines of numbers that follow a labelled row, up to the next labelled row, are *chunks*.
A row with more than one chunk shares them with the rows around it that show no numbers of their
own (their labels were lost, or printed apart from their cells). Every way to give the chunks to
those rows in table order is tried; the one placement under which the table's identities hold is
taken, each cell marked ``PlacedBy.ORDER`` (uncertain). With none or several, the rows stay absent
and keep their printed numbers as ``raw``, so a finding can name them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..formats import Format, IdentityKind, Table
from .fields import Field, drop_text, tab_fields
from .values import Kind

Values = dict[str, int | Decimal | None]

_DIGIT = re.compile(r"\d")

ORDER_EVIDENCE = "行标签缺失，按表格行序与合计唯一确定"


@dataclass(slots=True)
class RowChunks:
    """What a block's row showed: its own fields (if any) and the numbers-only lines after them."""

    index: int  # the row's position in the block
    pinned: int | None  # which chunk is surely the row's own (it sits on the label's line), if any
    chunks: list[list[Field]]


def number_lines(text: str, offset: int, width: int) -> list[list[Field]]:
    """Tab-separated lines of ``text`` holding exactly ``width`` cells, all numbers or blanks, one a number."""
    out: list[list[Field]] = []
    pos = 0
    for line in text.split("\n"):
        at = offset + pos
        pos += len(line) + 1
        if "\t" not in line or not _DIGIT.search(line):
            continue  # a footer ("— 4 —"), a stray word, a header row, an empty line
        fields = trim(drop_text(tab_fields(line, at)), width)
        numbers = [f for f in fields if f.kind is Kind.NUMBER]
        if len(fields) == width and numbers and all(f.kind in (Kind.NUMBER, Kind.BLANK) for f in fields):
            out.append(fields)
    return out


def trim(fields: list[Field], width: int) -> list[Field]:
    """Drop blank fields at the ends beyond ``width`` (an empty label cell, a trailing bar)."""
    fields = list(fields)
    while len(fields) > width and fields[0].kind is Kind.BLANK:
        fields.pop(0)
    while len(fields) > width and fields[-1].kind is Kind.BLANK:
        fields.pop()
    return fields


def placements(
    rows: Sequence[RowChunks], empty: set[int], count: int
) -> list[tuple[RowChunks, list[tuple[int, list[Field]]]]]:
    """For each row with several chunks, every assignment of its chunks to row positions in order."""
    out = []
    for row in rows:
        k = len(row.chunks)
        if k < 2:
            continue
        before: list[int] = []
        i = row.index - 1
        while i >= 0 and i in empty:
            before.insert(0, i)
            i -= 1
        after: list[int] = []
        i = row.index + 1
        while i < count and i in empty:
            after.append(i)
            i += 1
        for a in range(0, min(k - 1, len(before)) + 1):
            if row.pinned is not None and a != row.pinned:
                continue
            b = k - 1 - a
            if b > len(after):
                continue
            positions = before[len(before) - a :] + [row.index] + after[:b]
            out.append((row, list(zip(positions, row.chunks))))
    return out


def fits(fmt: Format, table: Table, values: Values, touched: set[str]) -> bool:
    """Every identity of the table that involves a touched cell and can be evaluated holds."""
    checked = False
    for identity in fmt.identities:
        if identity.kind is IdentityKind.APPEAL_TOTAL or not touched.intersection(identity.cells):
            continue
        if not all(c.startswith(table.id + ".") for c in identity.cells):
            continue
        if any(c not in values for c in identity.cells):
            continue  # a cell of another block, or not read at all
        left = sum((values.get(c) or 0) for c in identity.left)
        right = sum((values.get(c) or 0) for c in identity.right)
        if left != right:
            return False
        checked = True
    return checked
