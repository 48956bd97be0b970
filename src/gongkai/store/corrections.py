"""Reviewers' corrections of cells: entered or withdrawn together with the re-check they cause.

A reviewer who finds a cell misread (or unreadable) enters its value, a reason and
who they are. Nothing read is lost:

- ``cell_corrections`` keeps every correction ever entered, keyed by the source's
  content hash and the cell id; the newest row of a cell not withdrawn is in force.
- ``cells`` holds the value in force, so every figure over the corpus counts the
  corrected value. A corrected cell's ``place`` JSON carries ``correction`` (the read
  value and state, reason, author, time), which rebuilds ``model.Cell.correction``:
  every reader of a cell can show both values and say which is a correction.
- A re-read of the same content asks ``corrections_in_force`` and puts the corrections
  back with ``apply_corrections`` before checking (``batch/pipeline.py``).

The store runs no rules. ``correct_cell`` and ``withdraw_correction`` are handed the
report's check and the cross-year check (``batch/corrections.py`` hands in
``gongkai.check``'s). The stored report before and after the change are both checked:
a stored finding the check of the stored report reproduces is replaced by the
corrected report's (kept with its review if it is still found, dropped if not); one
it cannot reproduce (a prose figure: statements are not stored) is kept as it is.
New findings get the decisions reviewers made on them before (by fingerprint). Cell,
correction and findings change in one transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..check.finding import Finding
from ..errors import NotFound, StoreError
from ..formats import Format
from ..model import ABSENT_MARK, Cell, CellState, Correction, Report
from .base import Part, chunks, findings_of, identities, load_reports, now, refresh_error_counts, refresh_figures
from .figures import WANTED_CELLS
from .links import CrossYearCheck, link_years
from .models import CellCorrection, StoredCell, StoredFinding
from .places import pack_cell
from .records import cell_row, finding_record, parse_value, value_text
from .reviews import decisions, finding_values
from .totals import refresh_totals
from .views import CorrectionResult, CorrectionRow, FindingRow

ReportCheck = Callable[[Report], Iterable[Finding]]
"""``check(report)``: a report's own findings (``gongkai.check.check``)."""

NOT_PRINTED = ABSENT_MARK
"""What a reviewer enters for a cell the source does not print (缺)."""

AUTHOR_MAX = 80  # the column's width


def correction_value(fmt: Format, cell_id: str, text: str) -> str | None:
    """The exact value text a reviewer entered for ``cell_id`` (None for 缺: not printed).

    Full-width digits and thousands separators are accepted; counts must be whole
    numbers, amounts (万元) may have decimals; only a signed column may be negative.
    Raises ``StoreError`` in Chinese.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("，", "")
    if cleaned == NOT_PRINTED:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or "e" in cleaned.lower():
        raise StoreError(f"更正值须为数字，或“{NOT_PRINTED}”（原文未印出），而不是 {text!r}")
    column = fmt.column_of(cell_id)
    if number < 0 and not column.signed:
        raise StoreError(f"更正值不能为负数：{text!r}")
    if not column.decimal:
        if number != number.to_integral_value():
            raise StoreError(f"这个单元格是件数，更正值须为整数，而不是 {text!r}")
        return str(int(number))
    return format(number, "f")


def corrected_cell(cell: Cell | None, cell_id: str, value: str | None, correction: Correction) -> Cell:
    """``cell`` holding a reviewer's value; what was read stays in its ``correction``."""
    value_ = parse_value(value)
    state = CellState.READ if value_ is not None else CellState.ABSENT
    if cell is None:
        return Cell(cell_id, value_, None, state, correction=correction)
    return Cell(cell_id, value_, cell.raw, state, cell.place, cell.unit, cell.placement, correction)


def read_cell(cell: Cell) -> Cell | None:
    """A corrected cell as it was read (None: the reader had no cell there)."""
    c = cell.correction
    if c is None:
        return cell
    if c.read_state is None:
        return None
    return Cell(cell.id, c.read_value, cell.raw, c.read_state, cell.place, cell.unit, cell.placement)


def apply_corrections(report: Report, rows: Iterable[CorrectionRow]) -> Report:
    """Put the corrections in force into a report as read (in place; returns it).

    Cells outside the report's format are left alone (a re-read may see another format).
    """
    cell_ids = set(report.format.cell_ids()) if report.format else set()
    for row in rows:
        if row.cell_id not in cell_ids:
            continue
        cell = report.cells.get(row.cell_id)
        read = cell.correction if cell is not None and cell.correction else None
        correction = Correction(
            read.read_value if read else (cell.value if cell is not None else None),
            read.read_state if read else (cell.state if cell is not None else None),
            row.reason,
            row.author,
            row.at,
        )
        report.cells[row.cell_id] = corrected_cell(cell, row.cell_id, row.value, correction)
    return report


def _row(c: CellCorrection, in_force: bool) -> CorrectionRow:
    return CorrectionRow(
        id=c.id,
        sha256=c.sha256,
        agency_key=c.agency_key,
        year=c.year,
        cell_id=c.cell_id,
        value=c.value_text,
        read_value=c.read_value_text,
        reason=c.reason,
        author=c.author,
        at=c.at,
        withdrawn_at=c.withdrawn_at,
        in_force=in_force,
        withdrawn_by=c.withdrawn_by,
    )


def _history(session: Session, hashes: Sequence[str], *, standing_only: bool) -> list[CorrectionRow]:
    """The corrections of these sources, oldest first, each marked whether it is in force."""
    found: list[CellCorrection] = []
    for part in chunks(list(dict.fromkeys(hashes))):
        query = select(CellCorrection).where(CellCorrection.sha256.in_(part))
        if standing_only:
            query = query.where(CellCorrection.withdrawn_at.is_(None))
        found += session.scalars(query).all()
    found.sort(key=lambda c: (c.sha256, c.at, c.id))
    newest: dict[tuple[str, str], int] = {}
    for c in found:
        if c.withdrawn_at is None:
            newest[(c.sha256, c.cell_id)] = c.id
    return [_row(c, newest.get((c.sha256, c.cell_id)) == c.id) for c in found]


def _write_cell(session: Session, report_id: int, cell_id: str, cell: Cell | None) -> None:
    """Store ``cell`` as the report's ``cell_id`` in its row's place (None: the report has no such cell).

    The report's kept figures follow in the same transaction when the cell is one they sum.
    """
    _store_cell(session, report_id, cell_id, cell)
    if cell_id in WANTED_CELLS:
        refresh_figures(session, [report_id])


def _store_cell(session: Session, report_id: int, cell_id: str, cell: Cell | None) -> None:
    where = (StoredCell.report_id == report_id, StoredCell.cell_id == cell_id)
    if cell is None:
        session.execute(delete(StoredCell).where(*where))
        return
    _, text, raw, state, unit, place = cell_row(cell)
    stored_raw, stored_place = pack_cell(text, raw, place)
    values = {"value_text": text, "raw": stored_raw, "state": state, "unit": unit, "place": stored_place}
    if session.execute(update(StoredCell).where(*where).values(**values)).rowcount == 0:  # type: ignore[attr-defined]
        last = session.scalar(select(func.max(StoredCell.seq)).where(StoredCell.report_id == report_id))
        seq = 0 if last is None else last + 1  # after the cells read, as a new row always came
        session.execute(insert(StoredCell).values(report_id=report_id, cell_id=cell_id, seq=seq, **values))


def _key(f: FindingRow) -> tuple[str, bool]:
    return f.fingerprint, f.cross_year


def _recheck(
    session: Session,
    report_id: int,
    before: Report,
    after: Report,
    check: ReportCheck,
    cross_year: CrossYearCheck,
) -> tuple[tuple[FindingRow, ...], tuple[FindingRow, ...], tuple[FindingRow, ...]]:
    """Replace the report's findings with those of ``after`` (see the module docstring); what changed."""
    was = findings_of(session, [report_id])[report_id]
    reproduced = {f.fingerprint for f in check(before)}
    found: dict[str, Finding] = {}
    for f in check(after):
        found.setdefault(f.fingerprint, f)
    stored = session.scalars(
        select(StoredFinding).where(StoredFinding.report_id == report_id, StoredFinding.cross_year.is_(False))
    ).all()
    kept: set[str] = set()
    for s in stored:
        if s.fingerprint in found and s.fingerprint not in kept:
            record = finding_record(found[s.fingerprint])
            s.rule, s.severity, s.cells = record["rule"], record["severity"], record["cells"]
            s.message, s.evidence = record["message"], record["evidence"]
            kept.add(s.fingerprint)
        elif s.fingerprint in reproduced or s.fingerprint in kept:
            session.delete(s)
    new = [finding_record(f) for fp, f in found.items() if fp not in kept]
    if new:
        identity = identities(session, [report_id])[report_id]
        known = decisions(session, [identity])
        session.execute(insert(StoredFinding), [finding_values(report_id, rec, False, identity, known) for rec in new])
    session.flush()
    link_years(session, [report_id], cross_year)
    refresh_error_counts(session, [report_id])
    refresh_totals(session, [report_id])  # its figures (``_write_cell``) and findings, and the year after's
    now_ = findings_of(session, [report_id])[report_id]
    before_keys = {_key(f): f for f in was}
    after_keys = {_key(f): f for f in now_}
    added = tuple(f for k, f in after_keys.items() if k not in before_keys)
    removed = tuple(f for k, f in before_keys.items() if k not in after_keys)
    changed = tuple(f for k, f in after_keys.items() if k in before_keys and before_keys[k].message != f.message)
    return added, removed, changed


class Corrections(Part):
    """Entering, withdrawing and listing reviewers' corrections of cells."""

    def _report(self, session: Session, report_id: int) -> tuple[Report, tuple[str, str | None, int | None]]:
        reports = load_reports(session, [report_id])
        if report_id not in reports:
            raise NotFound(f"没有编号为 {report_id} 的报告")
        return reports[report_id], identities(session, [report_id])[report_id]

    def correct_cell(
        self,
        report_id: int,
        cell_id: str,
        value: str,
        *,
        reason: str,
        author: str | None = None,
        check: ReportCheck,
        cross_year: CrossYearCheck,
    ) -> CorrectionResult:
        """Enter a reviewer's ``value`` for a cell (``缺``: not printed), check the report again, store both.

        The read value is kept (in the correction row and beside the cell). Raises
        ``NotFound`` for no such report, ``StoreError`` for a cell outside the report's
        format, a value that is no number, or no reason.
        """
        reason = reason.strip()
        if not reason:
            raise StoreError("更正须写明理由")
        author = (author or "").strip()[:AUTHOR_MAX] or None
        with self.database.sessions.begin() as session:
            before, (sha, key, year) = self._report(session, report_id)
            fmt = before.format
            if fmt is None:
                raise StoreError(f"报告 {report_id} 未识别出全国统一格式，没有可更正的单元格")
            if cell_id not in fmt.cell_ids():
                raise StoreError(f"单元格 {cell_id} 不在这份报告的格式（{fmt.name}）中")
            text = correction_value(fmt, cell_id, value)
            at = now()
            cell = before.cells.get(cell_id)
            read = read_cell(cell) if cell is not None else None
            entry = CellCorrection(
                sha256=sha,
                agency_key=key,
                year=year,
                cell_id=cell_id,
                value_text=text,
                number=float(text) if text is not None else None,
                read_value_text=_text(read),
                reason=reason,
                author=author,
                at=at,
            )
            session.add(entry)
            session.flush()
            row = _row(entry, True)
            after = apply_corrections(self._report(session, report_id)[0], [row])
            _write_cell(session, report_id, cell_id, after.cells[cell_id])
            added, removed, changed = _recheck(session, report_id, before, after, check, cross_year)
        fixed = after.cells[cell_id]
        return CorrectionResult(
            report_id, cell_id, row, False, text, added, removed, changed, fixed.state.value, _state(read)
        )

    def withdraw_correction(
        self, report_id: int, cell_id: str, *, check: ReportCheck, cross_year: CrossYearCheck, by: str | None = None
    ) -> CorrectionResult:
        """Withdraw the cell's correction (and any older one still standing): the read value is back in force.

        ``by`` names who withdrew it; it is kept with the withdrawn rows.

        The report is checked again as in ``correct_cell``. Raises ``NotFound`` when
        there is no such report or the cell has no correction in force.
        """
        with self.database.sessions.begin() as session:
            before, (sha, _, _) = self._report(session, report_id)
            standing = session.scalars(
                select(CellCorrection)
                .where(
                    CellCorrection.sha256 == sha,
                    CellCorrection.cell_id == cell_id,
                    CellCorrection.withdrawn_at.is_(None),
                )
                .order_by(CellCorrection.at, CellCorrection.id)
            ).all()
            if not standing:
                raise NotFound(f"报告 {report_id} 的单元格 {cell_id} 没有生效的更正")
            at = now()
            session.execute(
                update(CellCorrection)
                .where(CellCorrection.id.in_([c.id for c in standing]))
                .values(withdrawn_at=at, withdrawn_by=by)
            )
            session.flush()
            newest = standing[-1]
            session.refresh(newest)
            after = self._report(session, report_id)[0]
            cell = after.cells.get(cell_id)
            if cell is not None and cell.correction is not None:
                restored = read_cell(cell)
            else:  # the stored cell lost its mark (should not happen): the row still says what was read
                value = parse_value(newest.read_value_text)
                state = CellState.READ if value is not None else CellState.ABSENT
                restored = Cell(cell_id, value, cell.raw if cell else None, state) if value is not None else None
            if restored is None:
                after.cells.pop(cell_id, None)
            else:
                after.cells[cell_id] = restored
            _write_cell(session, report_id, cell_id, restored)
            added, removed, changed = _recheck(session, report_id, before, after, check, cross_year)
        shown = _state(restored)
        return CorrectionResult(
            report_id, cell_id, _row(newest, False), True, _text(restored), added, removed, changed, shown, shown
        )

    def corrections(self, report_id: int) -> list[CorrectionRow]:
        """Every correction entered on the report's source, newest first, withdrawn ones included.

        Raises ``NotFound`` when there is no such report.
        """
        with self.database.sessions() as session:
            found = identities(session, [report_id])
            if report_id not in found:
                raise NotFound(f"没有编号为 {report_id} 的报告")
            return list(reversed(_history(session, [found[report_id][0]], standing_only=False)))

    def corrections_in_force(self, hashes: Iterable[str]) -> dict[str, dict[str, CorrectionRow]]:
        """sha256 → cell id → the correction in force, for the sources that have any."""
        out: dict[str, dict[str, CorrectionRow]] = {}
        with self.database.sessions() as session:
            for row in _history(session, list(hashes), standing_only=True):
                if row.in_force:
                    out.setdefault(row.sha256, {})[row.cell_id] = row
        return out


def _state(cell: Cell | None) -> str | None:
    return cell.state.value if cell is not None else None


def _text(cell: Cell | None) -> str | None:
    return value_text(cell.value) if cell is not None else None


__all__ = [
    "NOT_PRINTED",
    "Corrections",
    "ReportCheck",
    "apply_corrections",
    "corrected_cell",
    "correction_value",
    "read_cell",
]
