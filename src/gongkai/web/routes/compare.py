"""对比: two reports side by side, or one agency's years, differences marked.

The agency may be typed as part of its name: the page suggests the stored agencies (a datalist,
in pinyin order) and resolves what was typed to one agency, or lists the agencies it matches.
Each year after the first has its difference and change in per cent; "只看变化" keeps only the
cells that changed; a trend chart draws chosen cells over the years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from ...errors import NotFound
from ...model import Report
from ...store.repository import Repository
from ...store.views import ReportFilter
from .. import charts
from ..changes import Change, change
from ..deps import MAX_ID, Repo
from ..errors import WebError
from ..layout import compare_tables, shown_value
from ..order import pinyin_key
from ..shared_reads import cached
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["compare"])

ReportId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="报告编号")]
AgencyPart = Annotated[str | None, Query(max_length=100, description="机关：规范化名称，或名称的一部分")]
ChangesOnly = Annotated[str | None, Query(pattern="^[01]?$", description="1：只看有变化的单元格")]
TrendCells = Annotated[list[str] | None, Query(max_length=20, description="趋势图中的单元格编号")]
SUGGESTIONS = 2000  # agencies offered in the datalist


@dataclass(frozen=True, slots=True)
class Agency:
    key: str
    name: str
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class YearRow:
    cell_id: str
    label: str
    values: list[str]
    changed: list[bool]  # differs from the year before
    changes: list[Change | None]  # from the year before (None for the first year)

    @property
    def any_change(self) -> bool:
        return any(self.changed)


def agencies(repo: Repository, part: str | None = None, limit: int | None = None) -> list[Agency]:
    """The agencies of current reports whose name or key holds ``part`` (all without it), in pinyin order."""
    found: dict[str, tuple[str, set[int]]] = {}
    for row in repo.list_reports(ReportFilter(agency=part or None)):
        if not row.agency_key:
            continue
        _, years = found.setdefault(row.agency_key, (row.agency or row.agency_key, set()))
        if row.year is not None:
            years.add(row.year)
    out = [Agency(key, name, tuple(sorted(years))) for key, (name, years) in found.items()]
    out.sort(key=lambda a: pinyin_key(a.name))
    return out[:limit] if limit else out


def suggestion_options(repo: Repository) -> Markup:
    """The datalist's options (every agency, pinyin order, its years), built once per corpus generation."""
    return Markup("").join(
        Markup('<option value="{}">{}年</option>').format(a.name, "、".join(map(str, a.years)))
        for a in agencies(repo, limit=SUGGESTIONS)
    )


def resolve_agency(repo: Repository, typed: str) -> tuple[str | None, list[Agency]]:
    """The agency key ``typed`` names (a key, a full name, or a part matching one agency), and the candidates.

    Returns ``(key, [])`` when one agency is meant, ``(None, matches)`` when the part matches
    several or none.
    """
    typed = typed.strip()
    if repo.agency_years(typed):
        return typed, []
    matches = agencies(repo, typed)
    exact = [a for a in matches if typed in (a.name, a.key)]
    if len(exact) == 1:
        return exact[0].key, []
    if len(matches) == 1:
        return matches[0].key, []
    return None, matches


def _pair(repo: Repo, a: int, b: int) -> dict[str, Any]:
    try:
        ra, rb, diffs = repo.compare(a, b)
    except NotFound:
        raise WebError(404, "要对比的报告不存在") from None
    changed = [(d, change(d.a, d.b)) for d in diffs if d.differs]
    return {
        "a": repo.report_row(a),
        "b": repo.report_row(b),
        "tables": compare_tables(ra, rb),
        "diffs": diffs,
        "changed_cells": changed,
        "changed": len(changed),
    }


def _years(repo: Repo, agency_key: str, changes_only: bool = False) -> dict[str, Any]:
    years = repo.agency_years(agency_key)
    if not years:
        raise WebError(404, f"没有机关“{agency_key}”的报告")
    reports = repo.load_reports([rid for _, rid in years])
    ordered: list[Report] = [reports[rid] for _, rid in years if rid in reports]
    fmt = next((r.format for r in reversed(ordered) if r.format), None)
    ids = list(dict.fromkeys(cid for r in ordered if r.format for cid in r.format.cell_ids()))
    has = [frozenset(r.format.cell_ids()) if r.format else frozenset() for r in ordered]  # once, not per cell
    rows = []
    for cid in ids:
        values = [shown_value(r, cid)[0] if cid in has[i] else "—" for i, r in enumerate(ordered)]
        numbers = [r.value(cid) if cid in has[i] else None for i, r in enumerate(ordered)]
        changed = [
            i > 0 and values[i] != values[i - 1] and "—" not in (values[i], values[i - 1]) for i in range(len(values))
        ]
        steps: list[Change | None] = [None] + [
            change(_text(numbers[i - 1]), _text(numbers[i])) for i in range(1, len(numbers))
        ]
        rows.append(YearRow(cid, fmt.label_of(cid) if fmt else cid, values, changed, steps))
    shown = [r for r in rows if r.any_change] if changes_only else rows
    return {
        "agency_key": agency_key,
        "agency": ordered[-1].agency if ordered else agency_key,
        "years": [(year, rid) for year, rid in years],
        "rows": shown,
        "all_rows": len(rows),
        "changed_rows": sum(1 for r in rows if r.any_change),
        "reports": ordered,
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _trend_cells(series: dict[str, Any], wanted: list[str] | None) -> list[str]:
    """The cells the trend chart draws: those asked for, else table 三's new applications and its 总计 outcome."""
    known = {r.cell_id for r in series["rows"]} | {
        cid for r in series["reports"] if r.format for cid in r.format.cell_ids()
    }
    if wanted:
        return [c for c in wanted if c in known][:8]
    fmt = next((r.format for r in reversed(series["reports"]) if r.format and r.format.applications), None)
    if fmt is None or fmt.applications is None:
        return []
    view = fmt.applications
    return [c for c in (view.cell(view.new), view.cell(view.total)) if c in known]


@pages.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    repo: Repo,
    a: ReportId = None,
    b: ReportId = None,
    agency: AgencyPart = None,
    changes: ChangesOnly = None,
    trend: TrendCells = None,
) -> Response:
    changes_only = changes == "1"
    context: dict[str, Any] = {
        "a_id": a,
        "b_id": b,
        "agency_key": agency or "",
        "pair": None,
        "series": None,
        "matches": None,
        "changes_only": changes_only,
        "suggestions": cached(request, ("agency-suggestions",), lambda: suggestion_options(repo)),
        "trend_chart": None,
        "trend_cells": [],
    }
    if a and b:
        context["pair"] = _pair(repo, a, b)
    elif agency:
        key, matches = resolve_agency(repo, agency)
        if key is None:
            context["matches"] = matches
        else:
            series = _years(repo, key, changes_only)
            context["series"] = series
            context["agency_key"] = key
            cells = _trend_cells(series, trend)
            context["trend_cells"] = cells
            context["trend_chart"] = charts.agency_trend(series["agency"], series["years"], series["reports"], cells)
    return render(request, "compare/index.html", context)


@api.get("/compare", summary="对比两份报告的全部单元格")
def compare_api(
    repo: Repo, a: Annotated[int, Query(ge=1, le=MAX_ID)], b: Annotated[int, Query(ge=1, le=MAX_ID)]
) -> dict[str, Any]:
    pair = _pair(repo, a, b)
    return {
        "a": pair["a"].to_json(),
        "b": pair["b"].to_json(),
        "changed": pair["changed"],
        "cells": [
            {**d.to_json(), **({"difference": c.difference_text, "percent": c.percent_text} if d.differs else {})}
            for d, c in ((d, change(d.a, d.b)) for d in pair["diffs"])
        ],
    }


@api.get("/compare/agencies", summary="名称含某段文字的机关（按拼音排序），供对比页提示")
def agencies_api(
    repo: Repo, q: Annotated[str | None, Query(max_length=100, description="机关名称的一部分")] = None
) -> dict[str, Any]:
    return {
        "agencies": [
            {"agency": a.name, "agency_key": a.key, "years": list(a.years)}
            for a in agencies(repo, q, limit=SUGGESTIONS)
        ]
    }


@api.get("/compare/years", summary="一个机关各年度的单元格并列（机关可写名称的一部分）")
def years_api(repo: Repo, agency: Annotated[str, Query(max_length=100)], changes: ChangesOnly = None) -> dict[str, Any]:
    key, matches = resolve_agency(repo, agency)
    if key is None:
        names = "、".join(a.name for a in matches[:10])
        message = f"“{agency}”对应{len(matches)}个机关" + (f"：{names}" if names else "")
        raise WebError(409 if matches else 404, message)
    series = _years(repo, key, changes == "1")
    return {
        "agency": series["agency"],
        "agency_key": key,
        "years": [{"year": y, "report_id": rid} for y, rid in series["years"]],
        "cells": [
            {
                "cell": r.cell_id,
                "label": r.label,
                "values": r.values,
                "changed": r.changed,
                "differences": [c.difference_text if c else None for c in r.changes],
                "percents": [c.percent_text if c else None for c in r.changes],
            }
            for r in series["rows"]
        ],
    }
