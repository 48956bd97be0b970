"""问题审核: move a finding through the workflow (确认问题 / 不是问题（误报）→ 已发送机关 → 已整改 → 已关闭) with a
reason; every step is kept in the finding's history, decisions by fingerprint across re-reads."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from ...errors import NotFound, StoreError
from ..deps import Repo, ReportPath
from ..errors import WebError
from ..security import writer
from ..templating import render
from ._common import load, load_page
from .reports import _detail

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["findings"])

Status = Literal["open", "confirmed", "dismissed", "sent", "rectified", "closed"]


class Decision(BaseModel):
    status: Status = Field(
        description="open 待审 / confirmed 确认问题 / dismissed 不是问题（误报）/ sent 已发送机关 / "
        "rectified 已整改 / closed 已关闭（只允许 store.workflow.TRANSITIONS 中的步骤）"
    )
    reason: str | None = Field(default=None, max_length=2000, description="理由")


def _decide(request: Request, repo: Repo, report_id: ReportPath, fingerprint: str, decision: Decision, who: str) -> Any:
    if len(fingerprint) < 8:
        raise WebError(400, "指纹太短")
    try:
        row = repo.set_review(report_id, fingerprint, decision.status, who, (decision.reason or "").strip() or None)
    except NotFound:
        raise WebError(404, f"报告 {report_id} 中没有指纹为 {fingerprint} 的问题") from None
    except StoreError as exc:  # a step the workflow does not allow
        raise WebError(409, str(exc)) from None
    request.app.state.cache.clear()
    return row


@pages.post("/reports/{report_id}/findings/{fingerprint}", response_class=HTMLResponse)
def decide_page(
    request: Request,
    repo: Repo,
    report_id: ReportPath,
    fingerprint: str,
    who: Annotated[str, Depends(writer)],
    status: Annotated[Status, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _decide(request, repo, report_id, fingerprint, Decision(status=status, reason=reason), who)
    return render(request, "reports/_workspace.html", workspace_context(repo, report_id))


def workspace_context(repo: Repo, report_id: ReportPath) -> dict[str, Any]:
    """The report workspace's context with each finding's review history."""
    return _detail(load_page(repo, report_id))


@api.get("/reports/{report_id}/findings", summary="一份报告的问题、审核状态及每个问题的审核记录")
def findings_api(repo: Repo, report_id: ReportPath) -> dict[str, Any]:
    findings = load(repo, report_id).findings
    history = repo.finding_history(report_id)
    return {
        "findings": [
            {**f.to_json(), "history": [e.to_json() for e in history.get(f.fingerprint, [])]} for f in findings
        ]
    }


@api.get("/reports/{report_id}/history", summary="一份报告每个问题的审核记录（谁、何时、从何状态到何状态、理由）")
def history_api(repo: Repo, report_id: ReportPath) -> dict[str, Any]:
    load(repo, report_id)
    history = repo.finding_history(report_id)
    return {"history": {fp: [e.to_json() for e in events] for fp, events in history.items()}}


@api.post(
    "/reports/{report_id}/findings/{fingerprint}",
    summary="审核一个问题的一步：确认问题、不是问题（误报）、已发送机关、已整改、已关闭或重新打开",
)
def decide_api(
    request: Request,
    repo: Repo,
    report_id: ReportPath,
    fingerprint: str,
    decision: Decision,
    who: Annotated[str, Depends(writer)],
) -> dict[str, Any]:
    row = _decide(request, repo, report_id, fingerprint, decision, who)
    return {"finding": row.to_json()}
