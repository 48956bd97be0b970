"""HTML, Word, the terminal and the web page all show the layout's cells, for the real gold reports.

(XLSX, the fifth consumer, is tested in tests/export/test_xlsx.py.)
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html
from rich.console import Console

from gongkai.model import Report, cell_text
from gongkai.render.docx import render_tables_docx
from gongkai.render.html import render_tables_html
from gongkai.render.layout import Layout, data_cells, placed, report_parts, table_parts, width
from gongkai.render.terminal import LEGEND, flatten, render_report
from gongkai.web.layout import compare_tables, report_tables, table_html

from .gold_reports import TABLED_GOLD, gold_id, gold_report

Grid = dict[tuple[int, int], tuple[str, int, int, bool]]


def _texts(report: Report):  # type: ignore[no-untyped-def]
    return lambda cid: cell_text(report.cells.get(cid))


def _layouts(report: Report) -> list[tuple[str, Layout]]:
    assert report.format is not None
    return list(table_parts(report.format, _texts(report)))


def _expected(layout: Layout) -> Grid:
    return {(r, c): (cell.text, cell.rowspan, cell.colspan, cell.header) for r, c, cell in placed(layout)}


def _html_grid(table) -> Grid:  # type: ignore[no-untyped-def]
    """The grid of an HTML table by the HTML placement rule (written here independently of ``placed``)."""
    taken: set[tuple[int, int]] = set()
    grid: Grid = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr:
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            grid[(r, c)] = (td.text_content(), rowspan, colspan, td.tag == "th")
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            c += colspan
    return grid


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_html_shows_the_layout(gold_path: Path) -> None:
    report, _ = gold_report(gold_path)
    assert report.format_id is not None
    page = lxml_html.fromstring(render_tables_html(report.format_id, _texts(report)))
    assert [h.text_content() for h in page.iter("h2")] == [p.heading for p in report_parts(report.format_id)]
    tables = list(page.iter("table"))
    layouts = _layouts(report)
    assert len(tables) == len(layouts)
    for table, (_, layout) in zip(tables, layouts, strict=True):
        assert _html_grid(table) == _expected(layout)


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_docx_shows_the_layout(gold_path: Path) -> None:
    report, _ = gold_report(gold_path)
    assert report.format_id is not None
    document = docx.Document(io.BytesIO(render_tables_docx(report.format_id, _texts(report))))
    headings = [p.text for p in document.paragraphs[1:]]
    assert headings == [p.heading for p in report_parts(report.format_id)]
    layouts = _layouts(report)
    assert len(document.tables) == len(layouts)
    for table, (_, layout) in zip(document.tables, layouts, strict=True):
        assert (len(table.rows), len(table.columns)) == (len(layout), width(layout))
        for r, c, cell in placed(layout):
            target = table.cell(r, c)
            assert target.text == cell.text
            assert target.paragraphs[0].runs[0].bold == cell.header
            corner = table.cell(r + cell.rowspan - 1, c + cell.colspan - 1)
            assert corner._tc is target._tc  # merged over exactly its span
            if c + cell.colspan < width(layout):
                assert table.cell(r, c + cell.colspan)._tc is not target._tc


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_terminal_flattens_every_cell_once(gold_path: Path) -> None:
    report, _ = gold_report(gold_path)
    for _, layout in _layouts(report):
        flat = flatten(layout)
        shown = [cell for table in flat for row in table.rows for cell in row.cells]
        assert [c.cell_id for c in shown] == [c.cell_id for c in data_cells(layout)]
        assert [c.text for c in shown] == [cell_text(report.cells.get(c.cell_id or "")) for c in shown]
        labels = [cell.text for row in layout for cell in row if cell.cell_id is None and not cell.header]
        assert [row.label.strip() for table in flat for row in table.rows if row.label] == labels
        for table in flat:
            assert all(len(row.cells) in (0, len(table.headers)) for row in table.rows)
            assert len(set(table.headers)) == len(table.headers)  # every column told apart


def test_terminal_headers_of_the_2021_tables() -> None:
    from gongkai.formats import FORMAT_2021, WORDS

    proactive, applications, appeals = (flatten(layout) for _, layout in table_parts(FORMAT_2021))
    assert [t.title for t in proactive] == [b.caption for b in FORMAT_2021.table("proactive").blocks]
    assert {t.label_header for t in proactive} == {WORDS.content_header}
    [table] = applications
    view = FORMAT_2021.applications
    assert view is not None
    assert (table.title, table.caption, table.label_header) == (None, WORDS.balance_note, "")
    assert table.headers == [c.label for c in view.columns]
    outermost, *inner = FORMAT_2021.table("applications").blocks[0].groups
    assert [row.label for row in table.rows if row.group] == [outermost.label, *("  " + g.label for g in inner)]
    [table] = appeals
    assert table.label_header is None
    assert table.title == "行政复议 | 行政诉讼：未经复议直接起诉 | 行政诉讼：复议后起诉"
    assert table.headers[:2] == ["复议\n结果维持", "复议\n结果纠正"]
    assert table.headers[5] == "直接起诉\n结果维持"


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_terminal_prints_headings_labels_and_values(gold_path: Path) -> None:
    report, findings = gold_report(gold_path)
    console = Console(record=True, width=400, file=io.StringIO())
    render_report(report, findings, console)
    out = console.export_text()
    lines = out.splitlines()
    for heading, layout in _layouts(report):
        assert heading in lines
        for row in layout:
            labels = [c.text for c in row if c.cell_id is None and not c.header]
            # a label column wraps at 40 cells, so only the short labels are whole on one line
            for label in (label for label in labels if len(label) <= 16):
                assert label in out
            values = [c.text for c in row if c.cell_id is not None]
            if values:  # some line ends with exactly this row's values
                assert any([p.strip() for p in line.split("│")[1:-1]][-len(values) :] == values for line in lines)
    assert LEGEND in out


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_web_layout_shows_each_cell_id_once(gold_path: Path) -> None:
    report, _ = gold_report(gold_path)
    assert report.format is not None
    shown = report_tables(report, [])
    layouts = _layouts(report)
    assert [t.heading for t in shown] == [h for h, _ in layouts]
    ids = [s.cell_id for t in shown for row in t.rows for s in row if s.cell_id is not None]
    assert ids == report.format.cell_ids()
    for table, (_, layout) in zip(shown, layouts, strict=True):
        assert [[(s.text, s.rowspan, s.colspan, s.header, s.cell_id) for s in row] for row in table.rows] == [
            [(c.text, c.rowspan, c.colspan, c.header, c.cell_id) for c in row] for row in layout
        ]
    page = "".join(table_html(t, "/reports/1/cells/") for t in shown)
    counts = Counter(part.split('"', 1)[0] for part in page.split('data-cell="')[1:])
    assert counts == Counter(report.format.cell_ids())


def test_web_compare_marks_the_cells_that_differ() -> None:
    if len(TABLED_GOLD) < 2:
        pytest.skip("needs two gold reports")
    a, _ = gold_report(TABLED_GOLD[0])
    b, _ = gold_report(TABLED_GOLD[1])
    assert a.format is not None and a.format_id == b.format_id
    slots = [s for t in compare_tables(a, b) for row in t.rows for s in row if s.cell_id is not None]
    assert [s.cell_id for s in slots] == a.format.cell_ids()
    for s in slots:
        assert s.cell_id is not None
        texts = (cell_text(a.cells.get(s.cell_id)), cell_text(b.cells.get(s.cell_id)))
        assert (s.text, s.extra) == texts
        assert s.css == ("diff" if texts[0] != texts[1] else "same")
