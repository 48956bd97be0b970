"""问题审核: confirm or dismiss a finding with a reason; decisions are kept by fingerprint across re-reads."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ...errors import NotFound
from ..deps import Repo
from ..errors import WebError
from ..security import writer
from ..templating import render
from ._common import load
from .reports import _detail

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["findings"])

Status = Literal["open", "confirmed", "dismissed"]


class Decision(BaseModel):
    status: Status = Field(description="open 待审 / confirmed 确认 / dismissed 驳回")
    reason: str | None = Field(default=None, max_length=2000, description="理由")


def _decide(request: Request, repo: Repo, report_id: int, fingerprint: str, decision: Decision, who: str) -> Any:
    if len(fingerprint) < 8:
        raise WebError(400, "指纹太短")
    try:
        row = repo.set_review(report_id, fingerprint, decision.status, who, (decision.reason or "").strip() or None)
    except NotFound:
        raise WebError(404, f"报告 {report_id} 中没有指纹为 {fingerprint} 的问题") from None
    request.app.state.cache.clear()
    return row


@pages.post("/reports/{report_id}/findings/{fingerprint}", response_class=HTMLResponse)
def decide_page(
    request: Request,
    repo: Repo,
    report_id: int,
    fingerprint: str,
    who: Annotated[str, Depends(writer)],
    status: Annotated[Status, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _decide(request, repo, report_id, fingerprint, Decision(status=status, reason=reason), who)
    return render(request, "reports/_workspace.html", _detail(load(repo, report_id)))


@api.get("/reports/{report_id}/findings", summary="一份报告的问题及审核状态")
def findings_api(repo: Repo, report_id: int) -> dict[str, Any]:
    return {"findings": [f.to_json() for f in load(repo, report_id).findings]}


@api.post("/reports/{report_id}/findings/{fingerprint}", summary="审核一个问题：确认、驳回或重新打开")
def decide_api(
    request: Request,
    repo: Repo,
    report_id: int,
    fingerprint: str,
    decision: Decision,
    who: Annotated[str, Depends(writer)],
) -> dict[str, Any]:
    row = _decide(request, repo, report_id, fingerprint, decision, who)
    return {"finding": row.to_json()}
