"""Read the three statistical tables by walking the format declaration.

For each block the reader finds every row label in order inside the block's
region, cuts the text up to the next label into fields (``fields.py``) and
places the fields into the block's columns: by position where the layout
keeps positions, by count where it does not. Glued digit runs go through
``glued.py``. Nothing is invented: a cell not found is ``absent``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..document import SourcePlace
from ..formats import Block, BlockLayout, Format, IdentityKind, Row, Table
from ..formats.narrative import vocabulary
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Cell, CellState, PlacedBy, Placement, Statement
from .fields import Field, drop_text, space_tokens, split_row, tab_fields
from .glued import Piece, solve, splits
from .labels import LabelMatch, find_label, find_text
from .linear import LinearText, normalize_label
from .orphans import ORDER_EVIDENCE, RowChunks, fits, number_lines, placements, trim
from .settings import ReaderSettings
from .values import MAX_CELL_DIGITS, Kind

_ROW_EVIDENCE = "本行合计（或分组合计）只允许这一种读法"
_TABLE_EVIDENCE = "各列合计与勾稽关系只允许这一种读法"
_AGREED_EVIDENCE = "所有符合勾稽关系的读法在此格一致"
_PROSE_EVIDENCE = "正文所述数字与合计只允许这一种读法"


@dataclass(slots=True)
class TableRead:
    cells: dict[str, Cell] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)  # linear ranges the tables use
    # rows whose glued digits allow several splits: cell ids → candidate value lists
    pending: dict[tuple[str, ...], list[list[Piece]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)  # the prose figures, read around the tables


_NUMBER = Kind.NUMBER
_READ, _BLANK, _ABSENT = CellState.READ, CellState.BLANK, CellState.ABSENT
_BY_MATCH = {"exact": PlacedBy.LABEL, "fuzzy": PlacedBy.FUZZY, "prefix": PlacedBy.PREFIX, "fallback": PlacedBy.FALLBACK}
_BY_POSITION = Placement(PlacedBy.POSITION)
_BY_ORDER = Placement(PlacedBy.ORDER, evidence=ORDER_EVIDENCE)
_UNPLACED = Placement(PlacedBy.ORDER, evidence="行标签缺失，无法唯一确定数字所属的行")
Assignment = list[tuple[int, list[Field]]]


_PLACED = {by: Placement(by) for by in PlacedBy}  # frozen: one for every row placed by its label


def _placement(m: LabelMatch) -> Placement:
    by = PlacedBy.VARIANT if m.variant and m.how == "exact" else _BY_MATCH[m.how]
    return Placement(by, m.score) if by in (PlacedBy.FUZZY, PlacedBy.PREFIX) else _PLACED[by]


def _cell_from_field(cell_id: str, f: Field, lt: LinearText, placement: Placement) -> Cell:
    return _cell(cell_id, f, lt.place, placement)


def _cell(cell_id: str, f: Field, places: Callable[[int, int], SourcePlace | None], placement: Placement) -> Cell:
    """The cell a placed field makes; ``places`` is the text's ``LinearText.place``, looked up once a row."""
    place = places(f.start, f.end)
    raw = f.text.strip(" \t\r\n")
    if f.kind is _NUMBER:
        if len(raw) > MAX_CELL_DIGITS and sum(map(str.isdigit, raw)) > MAX_CELL_DIGITS:
            return Cell(cell_id, None, raw, _ABSENT, place)
        parsed = f.parsed
        return Cell(cell_id, parsed.value, raw, _READ, place, parsed.unit, placement)
    return Cell(cell_id, None, raw, _BLANK, place, None, placement)


def _absent(cell_id: str, lt: LinearText, at: int | None, raw: str | None = None) -> Cell:
    place = lt.place(at, at + 1) if at is not None else None
    return Cell(cell_id, None, raw, CellState.ABSENT, place)


def _place(layout: str, fields: list[Field], n: int, total_index: int | None) -> list[Field | None]:
    """Put printed fields into ``n`` slots (None = not printed)."""
    if len(fields) == n:
        return fields  # type: ignore[return-value]  # every slot printed: the fields as they stand (read only)
    fields = list(fields)
    first_side, second_side = (0, -1) if layout == "tab" else (-1, 0)
    for side in (first_side, second_side):
        while len(fields) > n and fields[side].kind is Kind.BLANK:
            fields.pop(side)
    if len(fields) >= n:
        return list(fields[:n])
    numbers = [f for f in fields if f.kind is Kind.NUMBER]
    if len(numbers) == 1 and total_index is not None and fields[-1] is numbers[0]:
        # one printed number in a short row is its total ("one number is the total")
        slots: list[Field | None] = [None] * n
        slots[total_index] = numbers[0]
        blanks = [f for f in fields if f.kind is Kind.BLANK]
        for i in range(n):
            if i != total_index and blanks:
                slots[i] = blanks.pop(0) if len(blanks) > 1 else blanks[0]
        return slots
    return list(fields) + [None] * (n - len(fields))


def _glue_candidate(layout: str, fields: list[Field], n: int) -> bool:
    if layout != "spaces" or len(fields) >= n or not fields:
        return False
    if any(f.kind is not Kind.NUMBER or "," in f.text or f.parsed.negative for f in fields):
        return False
    return sum(sum(map(str.isdigit, f.text)) for f in fields) >= n


def _unplaceable(layout: str, fields: list[Field], n: int) -> bool:
    """Space-separated numbers fewer than the cells, more than one: where the blanks were is lost."""
    return layout == "spaces" and len(fields) < n and sum(f.kind is Kind.NUMBER for f in fields) > 1


def _several_rows(layout: str, fields: list[Field], n: int, before_first: str) -> bool:
    """Numbers for two rows or more, away from the label's line: other rows' numbers whose labels were lost."""
    return layout != "tab" and "\n" in before_first and sum(f.kind is Kind.NUMBER for f in fields) >= 2 * n


def _row_fits(block: Block):  # type: ignore[no-untyped-def]
    """The identity a single row's values must satisfy, if any."""
    if block.layout is BlockLayout.FLAT:
        width = len(block.columns)

        def fits_flat(values: list[int | Decimal]) -> bool:
            return all(
                sum(values[g * width : g * width + width - 1]) == values[g * width + width - 1]
                for g in range(len(values) // width)
            )

        return fits_flat
    if block.total_column is not None:

        def fits_row(values: list[int | Decimal]) -> bool:
            return sum(values[:-1]) == values[-1]

        return fits_row
    return lambda values: True


class TableReader:
    def __init__(self, lt: LinearText, fmt: Format, settings: ReaderSettings, limits: Limits) -> None:
        self.lt = lt
        self.fmt = fmt
        self.settings = settings
        self.limits = limits
        self.out = TableRead()
        self.labels = _printed_labels(fmt)

    # --- rows ------------------------------------------------------------------

    def _find_row(self, row: Row, start: int, end: int) -> LabelMatch | None:
        norm = self.lt.norm
        m = find_label(norm, row.label, row.number, start, end, self.settings)
        while m is not None:
            if self._header_line(row, m):  # a header row naming the row: look again after that line
                m = find_label(norm, row.label, row.number, self.lt.norm_at(self._line_end(m)), end, self.settings)
            elif m.how in ("fuzzy", "prefix") and self._another_label(row, m):
                # a near match that is in truth another row's (or group's) label: look further on
                m = find_label(norm, row.label, row.number, m.end, end, self.settings)
            else:
                break
        if m is None:
            for variant in row.variants:
                m = find_label(norm, variant, row.number, start, end, self.settings, allow_fuzzy=False)
                if m is not None:
                    m = replace(m, variant=True)
                    break
        if m is None:
            for short in row.abbreviations:
                m = find_label(norm, short, row.number, start, end, self.settings, allow_fuzzy=False)
                if m is not None and self._strong(m):
                    m = replace(m, variant=True)
                    break
                m = None
        if m is None:
            for fallback in row.fallbacks:
                hit = find_text(norm, fallback, start, end)
                if hit is not None:
                    return LabelMatch(hit[0], hit[1], "fallback")
        return m

    def _another_label(self, row: Row, m: LabelMatch) -> bool:
        """The near match overlaps the exact printing of another row's or group's label."""
        norm = self.lt.norm
        for owner, text in self.labels:
            if owner == row.id:
                continue
            i = norm.find(text, max(0, m.start - len(text)), m.end + len(text))
            while 0 <= i < m.end:
                if i + len(text) > m.start:
                    return True
                i = norm.find(text, i + 1, m.end + len(text))
        return False

    def _line_end(self, m: LabelMatch) -> int:
        lin = self.lt.lin(m.start)
        end = self.lt.text.find("\n", lin)
        return len(self.lt.text) if end < 0 else end

    def _header_line(self, row: Row, m: LabelMatch) -> bool:
        """The label stands in a header row (cells of words, no number, other rows' labels among them)."""
        lin = self.lt.lin(m.start)
        start = self.lt.text.rfind("\n", 0, lin) + 1
        line = self.lt.text[start : self._line_end(m)]
        if line.count("\t") < 2 or any(map(str.isdigit, line.replace("数据", ""))):
            return False
        norm_line = normalize_label(line)
        return any(owner != row.id and text in norm_line for owner, text in self.labels)

    def _strong(self, m: LabelMatch) -> bool:
        """A match that cannot be a header word: printed with its numbering, or long."""
        core = self.lt.norm[m.start : m.end]
        return m.how == "exact" and (
            len(core) >= self.settings.strong_label or core[:1] in "(0123456789一二三四五六七八九"
        )

    def _locate_rows(self, rows: tuple[Row, ...], start: int, end: int) -> list[LabelMatch | None]:
        """Find each row label in order; a label found beyond a later row's label is missing."""
        found: list[LabelMatch | None] = []
        pos = start
        for i, row in enumerate(rows):
            m = self._find_row(row, pos, end)
            if m is not None:
                for later in rows[i + 1 : i + 1 + self.settings.lookahead_rows]:
                    nxt = find_label(
                        self.lt.norm, later.label, later.number, pos, m.start, self.settings, allow_fuzzy=False
                    )
                    if nxt is not None and self._strong(nxt):
                        m = None
                        break
            found.append(m)
            if m is not None:
                pos = m.end
        return found

    def read_rows(self, table: Table, block: Block, start: int, end: int) -> None:
        lt = self.lt
        text = lt.text
        cells = self.out.cells
        spans = self.out.spans
        matches = self._locate_rows(block.rows, start, end)
        n = len(block.columns)
        total_index = None
        if block.total_column is not None:
            total_index = [c.id for c in block.columns].index(block.total_column)
        # where the next label found after each row starts (the block's end after the last)
        following = [end] * len(matches)
        after = end
        for i in range(len(matches) - 1, -1, -1):
            following[i] = after
            found = matches[i]
            if found is not None:
                after = found.start
        shown: list[RowChunks] = []
        empty: set[int] = set()
        for i, (row, m, row_ids) in enumerate(zip(block.rows, matches, table.row_cell_ids(block))):
            ids: list[str] = list(row_ids)
            if m is None:
                empty.add(i)
                for cid in ids:
                    cells[cid] = Cell(cid, None, None, CellState.ABSENT, None)
                continue
            nxt = following[i]
            layout, fields, m = self._row_fields(row, m, nxt)
            lin_a = lt.lin_end(m.end)
            label_at = lt.lin(m.start)
            if not any(f.kind is _NUMBER for f in fields):
                orphans = number_lines(text[lin_a : lt.lin(nxt)], lin_a, n)
                if orphans:  # the label stands apart from lines of numbers (a table split by a converter)
                    shown.append(RowChunks(i, None, orphans))
                    spans.append((label_at, orphans[-1][-1].end))
                else:
                    empty.add(i)
            elif layout == "tab":
                own_line_end = text.find("\n", fields[-1].end)
                own_line_end = lt.lin(nxt) if own_line_end < 0 else own_line_end
                below = text[own_line_end : lt.lin(nxt)]
                extra = number_lines(below, own_line_end, n) if "\t" in below else []  # only tab lines count
                on_label_line = "\n" not in text[lin_a : fields[0].start]
                # a stand-in label (（六）其他处理 for its rows) does not pin its line to one row
                pinned = 0 if on_label_line and m.how != "fallback" else None
                shown.append(RowChunks(i, pinned, [trim(fields, n), *extra]))
                if extra:
                    fields_end = extra[-1][-1].end
                    spans.append((label_at, fields_end))
            spans.append((label_at, max(lin_a, fields[-1].end if fields else lin_a)))
            if layout == "spaces" and _glue_candidate(layout, fields, n):
                self._read_glued(block, ids, fields, label_at)
                continue
            if layout == "spaces" and _unplaceable(layout, fields, n):
                self._read_sparse(block, ids, fields, label_at)
                continue
            if layout != "tab" and _several_rows(layout, fields, n, text[lin_a : fields[0].start] if fields else ""):
                raw = " ".join(f.text.strip() for f in fields if f.kind is _NUMBER)
                for cid in ids:
                    cell = _absent(cid, lt, fields[0].start, raw)
                    cell.placement = _UNPLACED
                    cells[cid] = cell
                continue
            placement = _placement(m)
            place = lt.place
            absent_place: SourcePlace | None = None
            for cid, slot in zip(ids, _place(layout, fields, n, total_index)):
                if slot is not None:
                    cells[cid] = _cell(cid, slot, place, placement)
                else:
                    if absent_place is None:
                        absent_place = lt.place(label_at, label_at + 1)
                    cells[cid] = Cell(cid, None, None, CellState.ABSENT, absent_place)
        if block.total_column is not None:
            self._leading_lines(block, matches, start, shown, empty)
        if self.settings.orphan_rows and any(len(r.chunks) > 1 for r in shown):
            self._place_orphans(table, block, shown, empty)

    def _leading_lines(
        self, block: Block, matches: list[LabelMatch | None], start: int, shown: list[RowChunks], empty: set[int]
    ) -> None:
        """Lines of numbers before the first row label found belong to the rows above it whose labels were lost."""
        first = next((i for i, m in enumerate(matches) if m is not None), None)
        if not first:  # no label found, or the first row's own label found
            return
        m = matches[first]
        assert m is not None
        lin_start, lin_label = self.lt.lin(start), self.lt.lin(m.start)
        leading = number_lines(self.lt.text[lin_start:lin_label], lin_start, len(block.columns))
        if not leading:
            return
        row = next((r for r in shown if r.index == first), None)
        if row is None:
            empty.discard(first)
            shown.append(RowChunks(first, None, leading))
        else:
            row.chunks[:0] = leading
            row.pinned = None if row.pinned is None else row.pinned + len(leading)
        self.out.spans.append((leading[0][0].start, lin_label))

    def _place_orphans(self, table: Table, block: Block, shown: list[RowChunks], empty: set[int]) -> None:
        """Give the numbers-only lines of a shattered table to the rows that lost their labels (``orphans.py``)."""
        by_row: dict[int, list[Assignment]] = {}
        for row, assignment in placements(shown, empty, len(block.rows)):
            by_row.setdefault(row.index, []).append(assignment)
        values: dict[str, int | Decimal | None] = {cid: c.value for cid, c in self.out.cells.items()}
        fitting: list[tuple[Assignment, ...]] = []
        combos = itertools.islice(itertools.product(*by_row.values()), self.settings.max_glued_candidates)
        for combo in combos:
            trial = dict(values)
            touched: set[str] = set()
            for assignment in combo:
                for position, chunk in assignment:
                    for cid, f in zip(self._row_ids(table, block, position), chunk):
                        trial[cid] = f.parsed.value if f.kind is Kind.NUMBER else 0
                        touched.add(cid)
            if fits(self.fmt, table, trial, touched):
                fitting.append(combo)
                if len(fitting) > 1:
                    break
        rows = {r.index: r for r in shown}
        if len(fitting) == 1:
            for index, assignment in zip(by_row, fitting[0]):
                for position, chunk in assignment:
                    if not (position == index and rows[index].pinned is not None):
                        self._set_chunk(table, block, position, chunk, _BY_ORDER)
            self.out.notes.append(f"{len(by_row)} rows with lines of numbers without labels: placed by order")
            return
        for index, assignments in by_row.items():
            row = rows[index]
            raw = " | ".join(" ".join(f.text.strip() for f in chunk) for chunk in row.chunks)
            positions = {p for assignment in assignments for p, _ in assignment}
            for position in positions - ({index} if row.pinned is not None else set()):
                for orphan in self._row_ids(table, block, position):
                    cell = _absent(orphan, self.lt, row.chunks[0][0].start, raw)
                    cell.placement = _UNPLACED
                    self.out.cells[orphan] = cell
        self.out.notes.append(f"lines of numbers without labels: {len(fitting)} placements fit")

    @staticmethod
    def _row_ids(table: Table, block: Block, position: int) -> list[str]:
        return [table.cell(block.rows[position].id, c.id) for c in block.columns]

    def _set_chunk(self, table: Table, block: Block, position: int, chunk: list[Field], placement: Placement) -> None:
        for cell_id, f in zip(self._row_ids(table, block, position), chunk):
            self.out.cells[cell_id] = _cell_from_field(cell_id, f, self.lt, placement)

    def _row_fields(self, row: Row, m: LabelMatch, bound: int) -> tuple[str, list[Field], LabelMatch]:
        """The fields after a row label. A label printed without cells (a Markdown heading
        over the table) is read again at its next printing before ``bound``."""
        lt = self.lt
        while True:
            lin_a = lt.lin_end(m.end)
            layout, fields = split_row(lt.text[lin_a : lt.lin(bound)], lin_a)
            fields = drop_text(fields)
            if any(f.kind is Kind.NUMBER for f in fields):
                return layout, fields, m
            again = self._find_row(row, m.end, bound)
            if again is None or again.how != "exact":
                return layout, fields, m
            m = again

    def _read_glued(self, block: Block, ids: list[str], fields: list[Field], label_at: int) -> None:
        raw = " ".join(f.text.strip() for f in fields)
        found = solve(fields, len(ids), _row_fits(block), self.settings.max_glued_candidates, self.limits)
        if found and len(found) == 1:
            self._set_pieces(ids, found[0], _ROW_EVIDENCE)
            return
        for cid in ids:
            self.out.cells[cid] = _absent(cid, self.lt, fields[0].start, raw)
        if found:
            self.out.pending[tuple(ids)] = found
        self.out.notes.append(f"glued digits {raw!r}: {len(found) if found is not None else 'too many'} readings")

    def _read_sparse(self, block: Block, ids: list[str], fields: list[Field], label_at: int) -> None:
        """Place a few space-separated numbers among more cells: only where exactly one
        placement satisfies the identities (the cells left over are not printed)."""
        numbers = [f for f in fields if f.kind is Kind.NUMBER]
        fits = _row_fits(block)
        found = []
        for slots in itertools.combinations(range(len(ids)), len(numbers)):
            values: list[int | Decimal] = [0] * len(ids)
            for slot, f in zip(slots, numbers):
                values[slot] = f.parsed.value or 0
            if fits(values):
                found.append(slots)
                if len(found) > 1:
                    break
        raw = " ".join(field.text.strip() for field in fields)
        placed = dict(zip(found[0], numbers)) if len(found) == 1 else {}
        for i, cid in enumerate(ids):
            number = placed.get(i)
            if number is not None:
                self.out.cells[cid] = Cell(
                    cid,
                    number.parsed.value,
                    number.text.strip(),
                    CellState.INFERRED,
                    self.lt.place(number.start, number.end),
                    number.parsed.unit,
                    Placement(PlacedBy.SPARSE, evidence=_ROW_EVIDENCE),
                )
            else:
                self.out.cells[cid] = _absent(cid, self.lt, label_at, None if placed else raw)
        self.out.notes.append(f"{len(numbers)} numbers for {len(ids)} cells {raw!r}: {len(found)} placements fit")

    def _set_pieces(self, ids: list[str], pieces: list[Piece], evidence: str) -> None:
        for cid, piece in zip(ids, pieces):
            self._set_piece(cid, piece, evidence)

    def _set_piece(self, cid: str, piece: Piece, evidence: str) -> None:
        place = self.lt.place(piece.start, piece.end)
        placement = Placement(PlacedBy.GLUED, evidence=evidence)
        self.out.cells[cid] = Cell(cid, piece.value, piece.text, CellState.INFERRED, place, placement=placement)

    # --- flat blocks (table 四) ---------------------------------------------------

    def read_flat(self, table: Table, block: Block, start: int, end: int) -> None:
        lt = self.lt
        ids = [f"{table.id}.{row.id}.{c.id}" for row in block.rows for c in block.columns]
        # the table starts at its first group label (行政复议); without it, it is not printed
        anchor = find_text(lt.norm, block.rows[0].label, start, end)
        if anchor is None:
            for cid in ids:
                self.out.cells[cid] = _absent(cid, lt, None)
            return
        start = anchor[0]
        heads = []
        for word in block.header_words:
            pos = start
            while (hit := find_text(lt.norm, word, pos, end)) is not None:
                heads.append(hit)
                pos = hit[1]
        if not heads:
            for cid in ids:
                self.out.cells[cid] = _absent(cid, lt, None)
            return
        first = lt.lin(min(h[0] for h in heads))
        last = lt.lin_end(max(h[1] for h in heads))
        lin_end = lt.lin(end)
        # Rows with positions (grid rows, or tab-separated text with several numbers on a line)
        # are collected line by line, so that a table split into several grids reads whole.
        fields: list[Field] = []
        layout = "tab"
        line_start = lt.text.rfind("\n", 0, first) + 1
        rows: list[tuple[bool, list[Field]]] = []
        for line in lt.text[line_start:lin_end].split("\n"):
            positional = "\t" in line or (line and lt.is_grid_row(line_start))
            row = tab_fields(line, line_start) if positional else []
            rows.append((lt.is_grid_row(line_start), row))
            line_start += len(line) + 1
        tabbed = any(grid or sum(f.kind is Kind.NUMBER for f in row) >= 2 for grid, row in rows)
        for grid, row in rows if tabbed else ():
            if row and not any(f.kind is Kind.TEXT for f in row) and (grid or any(f.kind is Kind.NUMBER for f in row)):
                fields += row
        if not fields:
            fields = self._flat_spaced(first, lin_end)
            layout = "spaces"
        if not fields:
            # one cell per line: only after the header, whose own blank lines are not cells
            layout, fields = split_row(lt.text[last:lin_end], last)
            fields = drop_text(fields)
        if fields:
            self.out.spans.append((first, fields[-1].end))
        if _glue_candidate(layout, fields, len(ids)):
            self._read_glued(block, ids, fields, first)
            return
        if _unplaceable(layout, fields, len(ids)):
            self._read_sparse(block, ids, fields, first)
            return
        for cid, slot in zip(ids, _place(layout, fields, len(ids), None)):
            self.out.cells[cid] = _cell_from_field(cid, slot, lt, _BY_POSITION) if slot else _absent(cid, lt, first)

    def _flat_spaced(self, first: int, end: int) -> list[Field]:
        """Space-separated numbers from the header on, when some line holds several of them:
        one data line, or a line per group ("行政复议 1 0 0 0 1")."""
        lines: list[list[Field]] = []
        at = first
        for line in self.lt.text[first:end].split("\n"):
            lines.append(drop_text(space_tokens(line, at)))
            at += len(line) + 1
        if not any(sum(f.kind is Kind.NUMBER for f in line) >= 2 for line in lines):
            return []
        return [f for line in lines for f in line]

    # --- glued rows that only the column identities can settle -----------------------

    def settle_pending(self, stated: list[Stated]) -> None:
        """Settle glued rows with several splits by the column identities and the prose figures."""
        if not self.out.pending:
            return
        keys = list(self.out.pending)
        known = {cid: c.value for cid, c in self.out.cells.items()}
        narrowed = False
        options = []
        for key in keys:
            agreeing = [p for p in self.out.pending[key] if _agrees({**known, **dict(zip(key, _values(p)))}, stated)]
            narrowed |= 0 < len(agreeing) < len(self.out.pending[key])
            options.append(agreeing or self.out.pending[key])
        evidence = _PROSE_EVIDENCE if narrowed else _TABLE_EVIDENCE
        combos = 1
        for o in options:
            combos *= len(o)
        consistent: list[tuple[list[Piece], ...]] = []
        if combos <= self.settings.max_glued_candidates:
            for combo in itertools.product(*options):
                values = {cid: c.value for cid, c in self.out.cells.items()}
                pending_ids: set[str] = set()
                for key, pieces in zip(keys, combo):
                    for cid, piece in zip(key, pieces):
                        values[cid] = piece.value
                        pending_ids.add(cid)
                if self._identities_hold(values, pending_ids) and _agrees(values, stated):
                    consistent.append(combo)
        if len(consistent) == 1:
            for key, pieces in zip(keys, consistent[0]):
                self._set_pieces(list(key), pieces, evidence)
            self.out.pending.clear()
            return
        # cells on which every remaining reading agrees are settled; the rest stay absent
        for k, key in enumerate(keys):
            readings = [c[k] for c in consistent] if consistent else options[k]
            for j, cid in enumerate(key):
                vals = {r[j].value for r in readings}
                texts = {(r[j].start, r[j].end) for r in readings}
                if len(vals) == 1 and len(texts) == 1:
                    self._set_piece(cid, readings[0][j], _AGREED_EVIDENCE)

    def _identities_hold(self, values: dict[str, int | Decimal | None], pending_ids: set[str]) -> bool:
        for identity in self.fmt.identities:
            if identity.kind not in (IdentityKind.COLUMN_TOTAL, IdentityKind.BALANCE):
                continue
            if not pending_ids.intersection(identity.cells):
                continue
            left = sum((values.get(c) or 0) for c in identity.left)
            right = sum((values.get(c) or 0) for c in identity.right)
            if left != right:
                return False
        return True


def read_tables(
    lt: LinearText,
    fmt: Format,
    regions: dict[int, tuple[int, int]],
    settings: ReaderSettings,
    prose: Callable[[list[tuple[int, int]]], list[Statement]] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> TableRead:
    """Read every table of ``fmt``; ``regions`` maps a section number to its normalised range.

    ``prose`` reads the text's figures outside the given table ranges; they are kept on the
    result and used as evidence for glued digits that split more than one way.
    """
    reader = TableReader(lt, fmt, settings, limits)
    for table in fmt.tables:
        start, end = regions.get(table.section, (0, len(lt.norm)))
        blocks = table.blocks
        hits: list[tuple[int, int] | None] = []
        pos = start
        for block in blocks:
            hit = find_text(lt.norm, block.caption, pos, end, edits=1) if block.caption else None
            hits.append(hit)
            if hit:
                pos = hit[1]
        for i, block in enumerate(blocks):
            own = hits[i]
            earlier = [h for h in hits[:i] if h]
            b_start = own[1] if own else (earlier[-1][1] if earlier else start)
            b_end = next((h[0] for h in hits[i + 1 :] if h), end)
            if block.layout is BlockLayout.FLAT:
                reader.read_flat(table, block, b_start, b_end)
            else:
                reader.read_rows(table, block, b_start, b_end)
    reader.out.statements = prose(reader.out.spans) if prose is not None else []
    reader.settle_pending(_stated(fmt, reader.out.statements) if settings.prose_evidence else [])
    return reader.out


def _printed_labels(fmt: Format) -> list[tuple[str, str]]:
    """(owner, normalised label) of every row and row group of the format: what a near match must not be."""
    out: list[tuple[str, str]] = []
    for table in fmt.tables:
        for block in table.blocks:
            for r in block.rows:
                out += [(r.id, normalize_label(text)) for text in (r.label, *r.variants)]
            for group in block.groups:
                core = normalize_label(group.label.split("）")[-1].split("、")[-1])
                out.append((f"group:{group.label}", core))
    return [(owner, text) for owner, text in out if len(text) >= 4]


Stated = tuple[tuple[tuple[str, ...], ...], float]  # the cell sums a figure may state, and the figure


def _stated(fmt: Format, statements: list[Statement]) -> list[Stated]:
    narrative = vocabulary(fmt)
    out: list[Stated] = []
    for s in statements:
        readings = narrative.readings(s.measure, s.readings)
        if readings:
            out.append((readings, s.value))
    return out


def _values(pieces: list[Piece]) -> list[int | Decimal]:
    return [p.value for p in pieces]


def _agrees(values: dict[str, int | Decimal | None], stated: list[Stated]) -> bool:
    """No prose figure contradicts ``values``: each equals one of its readings that can be summed."""
    for readings, figure in stated:
        sums = [
            sum(v for c in r if (v := values.get(c)) is not None)
            for r in readings
            if all(values.get(c) is not None for c in r)
        ]
        if sums and figure not in sums:
            return False
    return True


__all__ = ["TableRead", "read_tables", "splits"]
