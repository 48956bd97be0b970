"""Report tables as a complete HTML page in the official layout."""

from __future__ import annotations

from html import escape

from .layout import CellTexts, Layout, report_parts, report_title

_STYLE = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;line-height:1.6}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #333;padding:4px 6px;text-align:center}"
)


def table_html(layout: Layout, opening: str = '<table border="1">') -> str:
    """One official-layout table as HTML, merged cells as rowspan/colspan, every text escaped."""
    lines = [opening]
    for row in layout:
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            spans = "".join(
                f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1
            )
            cells.append(f"<{tag}{spans}>{escape(cell.text)}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def render_tables_html(format_id: str, values: CellTexts, title: str | None = None) -> str:
    """A UTF-8 page with the six section headings and the tables; None values print blank.

    ``values`` maps cell ids to numbers, or is a function giving each cell's text.
    """
    title = title or report_title(format_id)
    body = [f"<h1>{escape(title)}</h1>"]
    for heading, layout in report_parts(format_id, values):
        body.append(f"<h2>{escape(heading)}</h2>")
        if layout is not None:
            body.append(table_html(layout))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
