"""审核: the queue of reports still to review, the 审核意见书 (print view and Word), "sent to the agency"
for all confirmed findings at once, and the issue list (XLSX) for tracking rectification."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from ...errors import NotFound
from ...export.issues import write_issues
from ...export.opinion import agency_opinion, report_opinion
from ...law.agencies import normalise_agency_key
from ...render.opinion import Opinion, chinese_date, opinion_blocks, opinion_docx
from ..deps import MAX_ID, Repo, ReportPath, Selected
from ..errors import WebError
from ..security import writer
from ..templating import is_htmx, render
from .findings import workspace_context

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["review"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUEUE_LIMIT = 500
Office = Annotated[str | None, Query(max_length=100, description="审核单位（落款）")]
Issued = Annotated[date | None, Query(description="意见书日期，默认今天")]


def _report_opinion(repo: Repo, report_id: ReportPath, office: str | None, issued: date | None) -> Opinion:
    try:
        return report_opinion(repo, report_id, issued, office)
    except NotFound as exc:
        raise WebError(404, str(exc)) from None


def _agency_opinion(repo: Repo, agency_key: str, office: str | None, issued: date | None) -> Opinion:
    try:
        return agency_opinion(repo, agency_key, issued, office)
    except NotFound as exc:
        raise WebError(404, str(exc)) from None


def _print_view(request: Request, opinion: Opinion) -> Response:
    return render(request, "review/opinion.html", {"opinion": opinion, "blocks": opinion_blocks(opinion)})


def _word(opinion: Opinion) -> Response:
    name = f"审核意见书-{opinion.agency}-{opinion.issued.isoformat()}.docx"
    disposition = f"attachment; filename=\"opinion.docx\"; filename*=UTF-8''{quote(name)}"
    return Response(opinion_docx(opinion), media_type=DOCX, headers={"Content-Disposition": disposition})


def _opinion_json(opinion: Opinion) -> dict[str, Any]:
    return {
        "agency": opinion.agency,
        "office": opinion.office,
        "date": opinion.issued.isoformat(),
        "date_zh": chinese_date(opinion.issued),
        "reports": [
            {
                "id": r.report_id,
                "title": r.title,
                "year": r.year,
                "findings": [
                    {
                        "rule": i.rule,
                        "rule_zh": i.rule_zh,
                        "severity_zh": i.severity_zh,
                        "message": i.message,
                        "cells": [{"cell": c.cell_id, "label": c.label, "value": c.value} for c in i.cells],
                    }
                    for i in r.items
                ],
            }
            for r in opinion.reports
        ],
        "text": [b.text for b in opinion_blocks(opinion)],
    }


@pages.get("/reports/{report_id}/opinion", response_class=HTMLResponse)
def report_opinion_page(
    request: Request, repo: Repo, report_id: ReportPath, office: Office = None, date: Issued = None
) -> Response:
    return _print_view(request, _report_opinion(repo, report_id, office, date))


@pages.get("/reports/{report_id}/opinion.docx")
def report_opinion_docx(repo: Repo, report_id: ReportPath, office: Office = None, date: Issued = None) -> Response:
    return _word(_report_opinion(repo, report_id, office, date))


@pages.get("/agencies/{agency_key}/opinion", response_class=HTMLResponse)
def agency_opinion_page(
    request: Request, repo: Repo, agency_key: str, office: Office = None, date: Issued = None
) -> Response:
    return _print_view(request, _agency_opinion(repo, agency_key, office, date))


@pages.get("/agencies/{agency_key}/opinion.docx")
def agency_opinion_docx(repo: Repo, agency_key: str, office: Office = None, date: Issued = None) -> Response:
    return _word(_agency_opinion(repo, agency_key, office, date))


@api.get(
    "/reports/{report_id}/opinion", summary="一份报告的审核意见书（确认问题，JSON；Word 见 /reports/{id}/opinion.docx）"
)
def report_opinion_api(repo: Repo, report_id: ReportPath, office: Office = None, date: Issued = None) -> dict[str, Any]:
    return _opinion_json(_report_opinion(repo, report_id, office, date))


@api.get("/agencies/{agency_key}/opinion", summary="一个机关全部现行报告的审核意见书（JSON）")
def agency_opinion_api(repo: Repo, agency_key: str, office: Office = None, date: Issued = None) -> dict[str, Any]:
    return _opinion_json(_agency_opinion(repo, agency_key, office, date))


class Sent(BaseModel):
    reason: str | None = Field(default=None, max_length=2000, description="例如意见书文号")


def _send(
    request: Request,
    repo: Repo,
    who: str,
    reason: str | None,
    *,
    report_id: ReportPath | None = None,
    agency_key: str | None = None,
) -> list[Any]:
    try:
        moved = repo.send_confirmed(
            [report_id] if report_id is not None else [],
            normalise_agency_key(agency_key) if agency_key is not None else None,
            who,
            (reason or "").strip() or None,
        )
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    request.app.state.cache.clear()
    return moved


@pages.post("/reports/{report_id}/sent", response_class=HTMLResponse)
def report_sent_page(
    request: Request,
    repo: Repo,
    report_id: ReportPath,
    who: Annotated[str, Depends(writer)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _send(request, repo, who, reason, report_id=report_id)
    if is_htmx(request):
        return render(request, "reports/_workspace.html", workspace_context(repo, report_id))
    return Response(status_code=303, headers={"Location": f"/reports/{report_id}"})


@api.post("/reports/{report_id}/sent", summary="把一份报告的全部确认问题记为已发送机关（发出审核意见书时）")
def report_sent_api(
    request: Request, repo: Repo, report_id: ReportPath, body: Sent, who: Annotated[str, Depends(writer)]
) -> dict[str, Any]:
    moved = _send(request, repo, who, body.reason, report_id=report_id)
    return {"sent": len(moved), "findings": [f.to_json() for f in moved]}


@api.post("/agencies/{agency_key}/sent", summary="把一个机关全部现行报告的确认问题记为已发送机关")
def agency_sent_api(
    request: Request, repo: Repo, agency_key: str, body: Sent, who: Annotated[str, Depends(writer)]
) -> dict[str, Any]:
    moved = _send(request, repo, who, body.reason, agency_key=agency_key)
    return {"sent": len(moved), "findings": [f.to_json() for f in moved]}


@pages.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, repo: Repo, selected: Selected) -> Response:
    flt = selected.to_filter()
    rows = repo.review_queue(flt, limit=QUEUE_LIMIT)
    context = {"rows": rows, "selected": selected, "facets": repo.facets(flt), "limit": QUEUE_LIMIT}
    return render(request, "review/queue.html", context)


@api.get("/review/queue", summary="审核队列：有待审问题的报告，先错误后警告，再按机关")
def queue_api(repo: Repo, selected: Selected) -> dict[str, Any]:
    rows = repo.review_queue(selected.to_filter(), limit=QUEUE_LIMIT)
    return {"reports": [r.to_json() for r in rows], "pending": sum(r.pending for r in rows)}


@api.get("/review/next", summary="下一份待审报告（after：当前报告编号）")
def next_api(
    repo: Repo, selected: Selected, after: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> dict[str, Any]:
    flt = selected.to_filter()
    if after is None:
        first = repo.review_queue(flt, limit=1)
        return {"next": first[0].id if first else None}
    return {"next": repo.next_in_queue(after, flt)}


def _issues(repo: Repo, selected: Selected) -> Response:
    handle, name = tempfile.mkstemp(prefix="gongkai-issues-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_issues(repo, selected.to_filter(), path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=XLSX,
        filename=f"gongkai-issues-{date.today().isoformat()}.xlsx",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@pages.get("/review/issues.xlsx")
def issues_download(repo: Repo, selected: Selected) -> Response:
    return _issues(repo, selected)


@api.get(
    "/review/issues.xlsx",
    summary="问题清单（XLSX，每个问题一行，含审核状态与最后一步时间），按当前筛选",
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}}},
)
def issues_api(repo: Repo, selected: Selected) -> Response:
    return _issues(repo, selected)
