"""The annual report as one HTML page for the agency's website: semantic tables, no scripts."""

from __future__ import annotations

from html import escape

from ..render.html import table_html
from .model import AnnualReport
from .plan import Kind, plan
from .profiles import TEMPLATE, Profile


def _style(profile: Profile) -> str:
    top, bottom, left, right = profile.margins_mm
    return (
        f"body{{font-family:'{profile.body_font}','Noto Serif CJK SC','SimSun',serif;font-size:{profile.body_pt}pt;"
        f"max-width:{profile.text_width_mm:.0f}mm;margin:{top}mm auto {bottom}mm auto;line-height:1.8}}"
        f"h1{{font-family:'{profile.title_font}','Noto Serif CJK SC',serif;font-size:{profile.title_pt}pt;"
        "text-align:center}"
        f"h2{{font-family:'{profile.heading_font}','Noto Sans CJK SC',sans-serif;font-size:{profile.heading_pt}pt}}"
        f"p{{text-indent:{profile.first_line_chars}em;margin:0}}"
        ".draft{color:#c00000;font-weight:bold;text-indent:0}"
        f"table{{border-collapse:collapse;margin:1em auto;font-size:{profile.table_pt}pt;width:100%}}"
        "td,th{border:1px solid #000;padding:2px 4px;text-align:center}"
        f"@page{{size:A4;margin:{top}mm {right}mm {bottom}mm {left}mm}}"
    )


def _meta(report: AnnualReport, profile: Profile) -> str:
    metas = [
        ("author", report.agency),
        ("generator", "gongkai"),
        ("gongkai-profile", profile.id),
    ]
    if report.draft:
        metas.append(("gongkai-draft", "草稿"))
    if report.override:
        metas.append(("gongkai-override", report.override))
    return "".join(f'<meta name="{name}" content="{escape(value)}">\n' for name, value in metas)


def render_body(report: AnnualReport) -> str:
    """The page's body: what the web preview shows too."""
    body = []
    for block in plan(report):
        if block.kind is Kind.DRAFT:
            body.append(f'<p class="draft">{escape(block.text)}</p>')
        elif block.kind is Kind.TITLE:
            body.append(f"<h1>{escape(block.text)}</h1>")
        elif block.kind is Kind.HEADING:
            body.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind is Kind.PARAGRAPH:
            body.append(f"<p>{escape(block.text)}</p>")
        else:
            assert block.layout is not None
            body.append(table_html(block.layout, "<table>"))  # borders come from the sheet
    return "\n".join(body)


def render_html(report: AnnualReport, profile: Profile = TEMPLATE) -> str:
    """A complete UTF-8 page: the title, the six sections and the three tables with their merged cells."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        + _meta(report, profile)
        + f"<title>{escape(report.title)}</title>\n<style>{_style(profile)}</style>\n</head>\n<body>\n"
        + render_body(report)
        + "\n</body>\n</html>\n"
    )
