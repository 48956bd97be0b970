"""Build small reports by hand for rule tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gongkai.formats import FORMATS
from gongkai.model import Cell, CellState, EntityType, Report, Statement, TextSection


def make_report(
    format_id: str | None = "2021",
    values: dict[str, int | Decimal | None] | None = None,
    *,
    blank: tuple[str, ...] = (),
    absent: tuple[str, ...] = (),
    year: int | None = 2021,
    agency: str | None = "测试县人民政府",
    entity_type: EntityType = EntityType.GOVERNMENT,
    published: date | None = None,
    section6: str | None = "本机关未收取信息处理费。",
    statements: list[tuple[str, float, str]] = (),  # type: ignore[assignment]
) -> Report:
    """A report whose cells are all printed 0, except ``values``, ``blank`` and ``absent``."""
    fmt = FORMATS[format_id] if format_id else None
    report = Report(
        source="hand-made.txt", format=fmt, agency=agency, entity_type=entity_type, year=year, published=published
    )
    for cell_id in fmt.cell_ids() if fmt else []:
        if cell_id in absent:
            report.cells[cell_id] = Cell(cell_id)
        elif cell_id in blank:
            report.cells[cell_id] = Cell(cell_id, None, "", CellState.BLANK)
        else:
            value = (values or {}).get(cell_id, 0)
            report.cells[cell_id] = Cell(cell_id, value, str(value), CellState.READ)
    for number in range(1, 7):
        text = section6 if number == 6 else "正文。"
        if text is not None:
            report.sections[number] = TextSection(number, f"第{number}部分", text)
    report.statements = [Statement(m, v, q, i, 1, None) for i, (m, v, q) in enumerate(statements)]
    return report


def application_row(row: str, person: int, total: int) -> dict[str, int]:
    return {f"applications.{row}.person": person, f"applications.{row}.total": total}
