"""对比: two reports side by side, or one agency's years, differences marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import NotFound
from ...model import Report
from ..deps import Repo
from ..errors import WebError
from ..layout import compare_tables, shown_value
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["compare"])

ReportId = Annotated[int | None, Query(ge=1, description="报告编号")]
AgencyKey = Annotated[str | None, Query(max_length=100, description="机关（规范化名称）")]


@dataclass(frozen=True, slots=True)
class YearRow:
    cell_id: str
    label: str
    values: list[str]
    changed: list[bool]  # differs from the year before


def _pair(repo: Repo, a: int, b: int) -> dict[str, Any]:
    try:
        ra, rb, diffs = repo.compare(a, b)
    except NotFound:
        raise WebError(404, "要对比的报告不存在") from None
    return {
        "a": repo.report_row(a),
        "b": repo.report_row(b),
        "tables": compare_tables(ra, rb),
        "diffs": diffs,
        "changed": sum(1 for d in diffs if d.differs),
    }


def _years(repo: Repo, agency_key: str) -> dict[str, Any]:
    years = repo.agency_years(agency_key)
    if not years:
        raise WebError(404, f"没有机关“{agency_key}”的报告")
    reports = repo.load_reports([rid for _, rid in years])
    ordered: list[Report] = [reports[rid] for _, rid in years if rid in reports]
    fmt = next((r.format for r in reversed(ordered) if r.format), None)
    ids = list(dict.fromkeys(cid for r in ordered if r.format for cid in r.format.cell_ids()))
    rows = []
    for cid in ids:
        values = [shown_value(r, cid)[0] if r.format and cid in r.format.cell_ids() else "—" for r in ordered]
        changed = [
            i > 0 and values[i] != values[i - 1] and "—" not in (values[i], values[i - 1]) for i in range(len(values))
        ]
        rows.append(YearRow(cid, fmt.label_of(cid) if fmt else cid, values, changed))
    return {
        "agency_key": agency_key,
        "agency": ordered[-1].agency if ordered else agency_key,
        "years": [(year, rid) for year, rid in years],
        "rows": rows,
    }


@pages.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, repo: Repo, a: ReportId = None, b: ReportId = None, agency: AgencyKey = None
) -> Response:
    context: dict[str, Any] = {"a_id": a, "b_id": b, "agency_key": agency or "", "pair": None, "series": None}
    if a and b:
        context["pair"] = _pair(repo, a, b)
    elif agency:
        context["series"] = _years(repo, agency)
    return render(request, "compare/index.html", context)


@api.get("/compare", summary="对比两份报告的全部单元格")
def compare_api(repo: Repo, a: Annotated[int, Query(ge=1)], b: Annotated[int, Query(ge=1)]) -> dict[str, Any]:
    pair = _pair(repo, a, b)
    return {
        "a": pair["a"].to_json(),
        "b": pair["b"].to_json(),
        "changed": pair["changed"],
        "cells": [d.to_json() for d in pair["diffs"]],
    }


@api.get("/compare/years", summary="一个机关各年度的单元格并列")
def years_api(repo: Repo, agency: Annotated[str, Query(max_length=100)]) -> dict[str, Any]:
    series = _years(repo, agency)
    return {
        "agency": series["agency"],
        "years": [{"year": y, "report_id": rid} for y, rid in series["years"]],
        "cells": [
            {"cell": r.cell_id, "label": r.label, "values": r.values, "changed": r.changed} for r in series["rows"]
        ],
    }
