"""The annual report as Markdown: front matter, headings, prose and pipe tables.

Markdown has no merged cells: a merged cell prints its text in its first grid place and leaves
the places it covers empty, as a spreadsheet saved to text does.
"""

from __future__ import annotations

from ..render.layout import Layout, placed, width
from .model import AnnualReport
from .plan import Kind, plan
from .profiles import TEMPLATE, Profile


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(layout: Layout) -> list[str]:
    grid = [[""] * width(layout) for _ in layout]
    for r, c, cell in placed(layout):
        grid[r][c] = _escape(cell.text)
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * len(grid[0])]
    lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return lines


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(report: AnnualReport, profile: Profile) -> list[str]:
    lines = ["---", f"title: {_quoted(report.title)}", f"author: {_quoted(report.agency)}", f"year: {report.year}"]
    lines.append(f"profile: {profile.id}")
    if report.draft:
        lines.append('status: "草稿"')
    if report.override:
        lines.append(f"override: {_quoted(report.override)}")
    return [*lines, "generator: gongkai", "---", ""]


def render_markdown(report: AnnualReport, profile: Profile = TEMPLATE) -> str:
    """The report as Markdown text (front matter first)."""
    lines = front_matter(report, profile)
    for block in plan(report):
        if block.kind is Kind.DRAFT:
            lines += [f"**{block.text}**", ""]
        elif block.kind is Kind.TITLE:
            lines += [f"# {block.text}", ""]
        elif block.kind is Kind.HEADING:
            lines += [f"## {block.text}", ""]
        elif block.kind is Kind.PARAGRAPH:
            lines += [block.text, ""]
        else:
            assert block.layout is not None
            lines += [*_table(block.layout), ""]
    return "\n".join(lines)
