"""Document → Report: find the format, the sections, the tables and the metadata."""

from __future__ import annotations

from ..document import REPLACEMENT, Document
from ..formats import Format
from ..formats.detect import detect_format as detect_by_declaration
from ..limits import DEFAULT_LIMITS, Limits
from ..model import CellState, Report, Statement, TextSection
from .linear import LinearText, normalize_label
from .metadata import read_metadata, strip_signature
from .narrative import read_statements
from .sections import SectionHit, find_sections, generic_sections
from .settings import DEFAULT_SETTINGS, ReaderSettings
from .tables import read_tables

__all__ = ["ReaderSettings", "detect_format", "read_document"]


def detect_format(norm: str, year: int | None) -> Format | None:
    """Decide the format from what the tables print, not from the year."""
    return detect_by_declaration(norm, year, normalize_label)


def _regions(lt: LinearText, hits: dict[int, SectionHit]) -> dict[int, tuple[int, int]]:
    numbers = sorted(hits)
    out = {}
    for i, n in enumerate(numbers):
        end = hits[numbers[i + 1]].start if i + 1 < len(numbers) else len(lt.norm)
        out[n] = (hits[n].end, end)
    # a table whose heading was not found is looked for between its neighbours
    for n in range(1, 7):
        if n not in out:
            before = [out[m][1] for m in numbers if m < n]
            after = [hits[m].start for m in numbers if m > n]
            out[n] = (
                hits[max(m for m in numbers if m < n)].end if before else 0,
                min(after) if after else len(lt.norm),
            )
    return out


def _looks_like_a_report(report: Report, fmt: Format, hits: dict[int, SectionHit], settings: ReaderSettings) -> bool:
    """Section headings, or a report's title with a heading or some cells, or most of the tables' cells."""
    if len(hits) >= settings.report_min_sections:
        return True
    share = sum(1 for c in report.cells.values() if c.state is not CellState.ABSENT) / len(fmt.cell_ids())
    titled = report.title is not None and len(report.title) <= settings.report_title_max
    if titled and (hits or share >= settings.report_titled_cell_share):
        return True
    return share >= settings.report_min_cell_share


def _damaged_lines(lt: LinearText) -> list[int]:
    """The source line of every U+FFFD (a character the decoding replaced) in the text."""
    out: list[int] = []
    at = lt.text.find(REPLACEMENT)
    while at != -1:
        place = lt.place(at, at + 1)
        out.append(place.line if place is not None and place.line is not None else 0)
        at = lt.text.find(REPLACEMENT, at + 1)
    return out


def read_document(
    document: Document, settings: ReaderSettings = DEFAULT_SETTINGS, limits: Limits = DEFAULT_LIMITS
) -> Report:
    lt = LinearText(document)
    meta = read_metadata(lt, settings)
    fmt = detect_format(lt.norm, meta.year)
    report = Report(
        source=document.name,
        format=fmt,
        agency=meta.agency,
        entity_type=meta.entity_type,
        year=meta.year,
        published=meta.published,
        title=meta.title,
    )
    report.damaged_lines = _damaged_lines(lt)
    hits = find_sections(lt, fmt.sections) if fmt is not None and fmt.sections else generic_sections(lt)
    numbers = sorted(hits)
    section_starts = [(n, lt.lin(hits[n].start)) for n in numbers]

    def prose(spans: list[tuple[int, int]]) -> list[Statement]:
        return read_statements(lt, spans, section_starts, report.year, fmt)

    if fmt is not None and fmt.tables:
        tables = read_tables(lt, fmt, _regions(lt, hits), settings, prose, limits)
        report.cells = tables.cells
        report.notes += tables.notes
        report.statements = tables.statements
    else:
        report.statements = prose([])
    if fmt is not None and fmt.tables and not _looks_like_a_report(report, fmt, hits, settings):
        report.notes.append(f"{len(hits)} section headings and few table cells: not taken for a {fmt.id} report")
        report.format, report.cells = None, {}
    for i, n in enumerate(numbers):
        start = lt.lin(hits[n].start)
        end = lt.lin(hits[numbers[i + 1]].start) if i + 1 < len(numbers) else len(lt.text)
        body_start = lt.lin_end(hits[n].end)
        body = lt.text[body_start:end]
        if i + 1 == len(numbers):
            body = strip_signature(body, report.agency)
        report.sections[n] = TextSection(n, hits[n].heading, body, lt.place(start, body_start))
    return report
