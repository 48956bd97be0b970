"""版本: a report's agency-year versions and their differences, and the download of a report's original file.

The report page includes ``reports/_versions.html`` with the context ``version_context`` gives;
``/reports/{id}/versions/diff?against=`` swaps another pair's differences into it.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import NotFound
from ...store.repository import Repository
from ...store.views import CellDiff, ReportRow, VersionDiff, VersionRow
from ..changes import Change, change
from ..deps import MAX_ID, Repo, ReportPath
from ..errors import WebError
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["reports"])

# the forms gongkai reads, by suffix; anything else is offered as bytes
CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".wps": "application/vnd.ms-works",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
}


@dataclass(frozen=True, slots=True)
class ChangedCell:
    cell: CellDiff
    change: Change


def _versions(repo: Repository, report_id: ReportPath) -> list[VersionRow]:
    try:
        return repo.versions(report_id)
    except NotFound:
        raise WebError(404, f"没有编号为 {report_id} 的报告") from None


def _counterpart(versions: list[VersionRow], report_id: ReportPath) -> int | None:
    """The version this one is compared with by default: the one before it, else the one after."""
    ids = [v.id for v in versions]
    if report_id not in ids or len(ids) < 2:
        return None
    at = ids.index(report_id)
    return ids[at - 1] if at > 0 else ids[at + 1]


def _diff(repo: Repository, older: int, newer: int) -> dict[str, Any]:
    try:
        diff: VersionDiff = repo.version_diff(older, newer)
    except NotFound:
        raise WebError(404, "要对比的版本不存在") from None
    changed = [ChangedCell(d, change(d.a, d.b)) for d in diff.changed_cells]
    return {"diff": diff, "changed": changed}


def version_context(repo: Repository, row: ReportRow, versions: list[VersionRow] | None = None) -> dict[str, Any]:
    """What ``reports/_versions.html`` shows for the report ``row``: its versions and one pair's differences.

    ``versions``: those of ``row``'s agency-year when already read (``store.report_page``), else read here.
    """
    if versions is None:
        versions = _versions(repo, row.id)
    current = next((v for v in versions if v.current and v.id != row.id), None) if not row.current else None
    context: dict[str, Any] = {"versions": versions, "current_version": current, "version_diff": None}
    other = _counterpart(versions, row.id)
    if other is not None:
        context["version_diff"] = _pair(repo, versions, row.id, other)
    return context


def _pair(repo: Repository, versions: list[VersionRow], a: int, b: int) -> dict[str, Any]:
    """The differences between two versions, older first."""
    order = {v.id: i for i, v in enumerate(versions)}
    older, newer = sorted((a, b), key=lambda i: order.get(i, i))
    by_id = {v.id: v for v in versions}
    return {"older": by_id.get(older), "newer": by_id.get(newer), **_diff(repo, older, newer)}


@pages.get("/reports/{report_id}/versions/diff", response_class=HTMLResponse)
def diff_fragment(
    request: Request,
    repo: Repo,
    report_id: ReportPath,
    against: Annotated[int, Query(ge=1, le=MAX_ID, description="另一版本的报告编号")],
) -> Response:
    versions = _versions(repo, report_id)
    if against not in {v.id for v in versions} or against == report_id:
        raise WebError(404, f"报告 {against} 不是这份报告的另一版本")
    return render(request, "reports/_version_diff.html", {"version_diff": _pair(repo, versions, report_id, against)})


@api.get("/reports/{report_id}/versions", summary="一份报告所属机关年度的全部版本（当前与已被取代）")
def versions_api(repo: Repo, report_id: ReportPath) -> dict[str, Any]:
    return {"versions": [v.to_json() for v in _versions(repo, report_id)]}


@api.get("/reports/{report_id}/versions/diff", summary="两个版本的差异：单元格与问题")
def diff_api(repo: Repo, report_id: ReportPath, against: Annotated[int, Query(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    versions = _versions(repo, report_id)
    if against not in {v.id for v in versions}:
        raise WebError(404, f"报告 {against} 不是这份报告的另一版本")
    return repo.version_diff(report_id, against).to_json()


def content_disposition(name: str, fallback: str) -> str:
    """An ``attachment`` header whose file name survives Chinese: RFC 6266 ``filename*`` (UTF-8), and
    ``filename`` for old clients, the name itself when it is plain ASCII, else ``fallback``."""
    plain = name.isascii() and all(c.isalnum() or c in "._- " for c in name)
    return f"attachment; filename=\"{name if plain else fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@pages.get("/reports/{report_id}/original")
def original(request: Request, repo: Repo, report_id: ReportPath) -> Response:
    """The report's source file as it was uploaded (zip members as the member itself)."""
    row = repo.report_row(report_id)
    if row is None:
        raise WebError(404, f"没有编号为 {report_id} 的报告")
    data = request.app.state.originals.get(row.sha256, row.source)
    if data is None:
        raise WebError(404, "这份报告的原文件未保存（由命令行从别处读入，且原路径已不在）")
    name = row.source.replace("\\", "/").rsplit("!", 1)[-1].rsplit("/", 1)[-1] or f"report-{report_id}"
    return Response(
        data,
        media_type=content_type(name),
        headers={
            "Content-Disposition": content_disposition(name, f"report-{report_id}{PurePosixPath(name).suffix}"),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",  # an uploaded HTML page never runs in the workbench's origin
            "Cache-Control": "private, max-age=86400",
        },
    )
