"""单元格更正: a reviewer enters the value of a misread cell (the read value is kept), or withdraws it.

Each write checks the report again (``gongkai.batch.corrections``) and answers with
the report's tables and findings as they now stand; the JSON API answers with what
changed. The writer's account name is recorded as who corrected it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ...batch.corrections import correct, withdraw
from ...errors import NotFound, StoreError
from ...store.views import CorrectionResult
from ..deps import Repo, ReportPath
from ..errors import WebError
from ..security import writer
from ..templating import is_htmx, render
from ._common import load
from .findings import workspace_context
from .reports import _source

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["corrections"])


class CorrectionIn(BaseModel):
    value: str = Field(max_length=40, description="更正后的数值；原文未印出的填“缺”")
    reason: str = Field(min_length=1, max_length=2000, description="更正理由（必填）")


def _write(
    request: Request, repo: Repo, report_id: ReportPath, cell_id: str, entry: CorrectionIn | None, who: str
) -> Any:
    """Enter (``entry``) or withdraw (None) a correction; ``WebError`` 404/400 in Chinese."""
    load(repo, report_id)  # 404 for no such report
    try:
        if entry is None:
            result = withdraw(repo, report_id, cell_id, who)
        else:
            result = correct(repo, report_id, cell_id, entry.value, entry.reason, who)
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    except StoreError as exc:
        raise WebError(400, str(exc)) from None
    request.app.state.cache.clear()
    return result


def _page_answer(
    request: Request, repo: Repo, report_id: ReportPath, cell_id: str, entry: CorrectionIn | None, who: str
) -> Response:
    """The re-rendered workspace (htmx), or back to the report page; a refused value is shown in the cell panel."""
    try:
        _write(request, repo, report_id, cell_id, entry, who)
    except WebError as exc:
        if not is_htmx(request) or exc.status == 404:
            raise
        context = {**_source(request, repo, report_id, cell_id), "correction_error": exc.message}
        response = render(request, "reports/_source.html", context)
        response.headers["HX-Retarget"] = "#source"
        return response
    if is_htmx(request):
        return render(request, "reports/_workspace.html", workspace_context(repo, report_id))
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@pages.post("/reports/{report_id}/cells/{cell_id}/correction", response_class=HTMLResponse)
def correct_page(
    request: Request,
    repo: Repo,
    report_id: ReportPath,
    cell_id: str,
    who: Annotated[str, Depends(writer)],
    value: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _page_answer(
        request, repo, report_id, cell_id, CorrectionIn.model_construct(value=value, reason=reason), who
    )


@pages.post("/reports/{report_id}/cells/{cell_id}/correction/withdraw", response_class=HTMLResponse)
def withdraw_page(
    request: Request, repo: Repo, report_id: ReportPath, cell_id: str, who: Annotated[str, Depends(writer)]
) -> Response:
    return _page_answer(request, repo, report_id, cell_id, None, who)


@pages.get("/reports/{report_id}/cells/{cell_id}/corrections", response_class=HTMLResponse)
def history_fragment(request: Request, repo: Repo, report_id: ReportPath, cell_id: str) -> Response:
    rows = [r for r in repo.corrections(load(repo, report_id).row.id) if r.cell_id == cell_id]
    return render(request, "reports/_correction_history.html", {"corrections": rows})


def _answer(result: CorrectionResult) -> dict[str, Any]:
    return result.to_json()


@api.post(
    "/reports/{report_id}/cells/{cell_id}/correction",
    summary="更正一个单元格（读取值保留），并重新检查报告；返回变化的问题",
)
def correct_api(
    request: Request,
    repo: Repo,
    report_id: ReportPath,
    cell_id: str,
    entry: CorrectionIn,
    who: Annotated[str, Depends(writer)],
) -> dict[str, Any]:
    return _answer(_write(request, repo, report_id, cell_id, entry, who))


@api.delete(
    "/reports/{report_id}/cells/{cell_id}/correction", summary="撤回一个单元格的更正，恢复读取值，并重新检查报告"
)
def withdraw_api(
    request: Request, repo: Repo, report_id: ReportPath, cell_id: str, who: Annotated[str, Depends(writer)]
) -> dict[str, Any]:
    return _answer(_write(request, repo, report_id, cell_id, None, who))


@api.get("/reports/{report_id}/corrections", summary="一份报告的全部单元格更正（含已撤回的），新的在前")
def corrections_api(repo: Repo, report_id: ReportPath) -> dict[str, Any]:
    load(repo, report_id)
    return {"corrections": [r.to_json() for r in repo.corrections(report_id)]}
