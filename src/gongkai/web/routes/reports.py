"""报告列表 and 报告: the filtered list, one report in the official layout, where a cell came from."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...store.report_page import ReportPage
from ...store.views import SORTS
from ..deps import Repo, ReportPath, Selected
from ..errors import WebError
from ..layout import report_tables_html, shown_value
from ..order import pinyin_key
from ..security import writer
from ..shared_reads import facets, next_in_queue
from ..sources import decoded_text, source_kind, text_excerpt
from ..templating import is_htmx, render
from ._common import load, load_page
from .versions import version_context

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["reports"])

PAGE_SIZE = 50
Sort = Annotated[str, Query(pattern="^-?(" + "|".join(SORTS) + ")$", description="排序字段，前加 - 为降序")]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def _listing(request: Request, repo: Repo, selected: Selected, sort: str, page: int) -> dict[str, Any]:
    flt = selected.to_filter()
    counts = facets(request, repo, selected)
    descending = sort.startswith("-")
    if sort.lstrip("-") == "agency":  # pinyin order, which the database cannot sort by: kept until the next write
        ordered = request.app.state.cache.get_or_compute(
            ("reports-by-pinyin", selected.cache_key()),
            lambda: sorted(repo.list_reports(flt), key=lambda r: (pinyin_key(r.agency), r.year or 0, r.id)),
        )
        rows = (ordered[::-1] if descending else ordered)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    else:
        rows = repo.page_reports(flt, sort.lstrip("-"), descending, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages_total = max(1, math.ceil(counts.total / PAGE_SIZE))
    return {"rows": rows, "facets": counts, "sort": sort, "page": page, "pages": pages_total, "selected": selected}


@pages.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, repo: Repo, selected: Selected, sort: Sort = "agency", page: PageNumber = 1
) -> Response:
    context = _listing(request, repo, selected, sort, page)
    template = "reports/_results.html" if is_htmx(request) else "reports/list.html"
    return render(request, template, context)


@api.get("/reports", summary="报告列表（可筛选、排序、分页）")
def reports_api(
    request: Request, repo: Repo, selected: Selected, sort: Sort = "agency", page: PageNumber = 1
) -> dict[str, Any]:
    context = _listing(request, repo, selected, sort, page)
    f = context["facets"]
    return {
        "total": f.total,
        "with_errors": f.with_errors,
        "page": page,
        "pages": context["pages"],
        "facets": {
            "years": {str(k): v for k, v in f.years.items()},
            "formats": {str(k): v for k, v in f.formats.items()},
            "levels": f.levels,
        },
        "reports": [row.to_json() for row in context["rows"]],
    }


@pages.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, repo: Repo, selected: Selected, report_id: ReportPath) -> Response:
    """One report; a queue's filter in the query string decides which report is 下一份待审."""
    page = load_page(repo, report_id)
    review = {
        "next_report": next_in_queue(request, repo, report_id, selected),
        "queue_query": selected.query(),
    }
    context = {**_detail(page), **version_context(repo, page.row, page.versions), **review}
    return render(request, "reports/detail.html", context)


def _detail(page: ReportPage) -> dict[str, Any]:
    """The report workspace's context (``reports/_workspace.html``): its tables, findings and their history."""
    counts = {
        s: sum(1 for f in page.findings if f.severity == s and f.status != "dismissed")
        for s in ("error", "warning", "info")
    }
    return {
        "row": page.row,
        "report": page.report,
        "findings": page.findings,
        "history": page.history,
        "tables": report_tables_html(page.report, page.findings, f"/reports/{page.row.id}/cells/"),
        "counts": counts,
    }


@api.get("/reports/{report_id}", summary="一份报告：元数据、全部单元格及其来源位置、问题与审核状态")
def report_api(repo: Repo, report_id: ReportPath) -> dict[str, Any]:
    loaded = load(repo, report_id)
    report = loaded.report
    order = report.format.cell_ids() if report.format else list(report.cells)
    return {
        "report": loaded.row.to_json(),
        "cells": {cid: report.cells[cid].to_json() for cid in order if cid in report.cells},
        "findings": [f.to_json() for f in loaded.findings],
    }


def _source(request: Request, repo: Repo, report_id: ReportPath, cell_id: str) -> dict[str, Any]:
    loaded = load(repo, report_id)
    report = loaded.report
    if report.format is None or cell_id not in report.format.cell_ids():
        raise WebError(404, f"报告中没有单元格 {cell_id}")
    cell = report.cells.get(cell_id)
    place = cell.place if cell else None
    data = request.app.state.originals.get(loaded.row.sha256, loaded.row.source)
    kind = source_kind(data, loaded.row.source) if data is not None else None
    excerpt = page = None
    if data is not None and place is not None:
        if place.page is not None and kind == "pdf":
            page = request.app.state.pages.view(data, place)
        elif place.line is not None and kind in ("txt", "md", "html"):
            excerpt = text_excerpt(decoded_text(data, kind), place)
    text, state = shown_value(report, cell_id)
    return {
        "row": loaded.row,
        "cell_id": cell_id,
        "label": report.format.label_of(cell_id),
        "cell": cell,
        "shown": text,
        "state": state,
        "place": place,
        "kind": kind,
        "kept": data is not None,
        "excerpt": excerpt,
        "page": page,
        "findings": [f for f in loaded.findings if cell_id in f.cells],
    }


@pages.get("/reports/{report_id}/cells/{cell_id}", response_class=HTMLResponse)
def cell_source_page(request: Request, repo: Repo, report_id: ReportPath, cell_id: str) -> Response:
    context = _source(request, repo, report_id, cell_id)
    if is_htmx(request):
        return render(request, "reports/_source.html", context)
    return render(request, "reports/source.html", context)


@api.get("/reports/{report_id}/cells/{cell_id}/source", summary="单元格的来源：原文行（文本）或页码与坐标（PDF）")
def cell_source_api(request: Request, repo: Repo, report_id: ReportPath, cell_id: str) -> dict[str, Any]:
    c = _source(request, repo, report_id, cell_id)
    excerpt = c["excerpt"]
    return {
        "cell": c["cell_id"],
        "label": c["label"],
        "value": c["cell"].to_json() if c["cell"] else None,
        "place": c["place"].to_json() if c["place"] else None,
        "kind": c["kind"],
        "original_kept": c["kept"],
        "lines": [
            {"number": ln.number, "text": ln.before + ln.marked + ln.after, "target": ln.is_target}
            for ln in (excerpt.lines if excerpt else [])
        ],
        "page_image": f"/reports/{report_id}/pages/{c['page'].page}.png" if c["page"] else None,
    }


@pages.get("/reports/{report_id}/pages/{page}.png")
def page_image(request: Request, repo: Repo, report_id: ReportPath, page: int) -> Response:
    loaded = load(repo, report_id)
    data = request.app.state.originals.get(loaded.row.sha256, loaded.row.source)
    if data is None or source_kind(data, loaded.row.source) != "pdf":
        raise WebError(404, "原文件未保存，或不是PDF")
    png = request.app.state.pages.png(loaded.row.sha256, data, page)
    if png is None:
        raise WebError(404, f"没有第{page}页")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@pages.post("/reports/{report_id}/delete")
def delete_page(request: Request, repo: Repo, report_id: ReportPath, who: Annotated[str, Depends(writer)]) -> Response:
    if not repo.delete_report(report_id):
        raise WebError(404, f"没有编号为 {report_id} 的报告")
    request.app.state.cache.clear()
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": "/reports"})
    return RedirectResponse("/reports", status_code=303)


@api.delete("/reports/{report_id}", summary="删除一份报告（审核决定保留）")
def delete_api(
    request: Request, repo: Repo, report_id: ReportPath, who: Annotated[str, Depends(writer)]
) -> dict[str, Any]:
    if not repo.delete_report(report_id):
        raise WebError(404, f"没有编号为 {report_id} 的报告")
    request.app.state.cache.clear()
    return {"deleted": report_id}
