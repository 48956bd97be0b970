"""机关名录 and 年度发布情况: the agency registry (list, edit, import, export) and who has published a year's report."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from ...errors import ExportError, NotFound, StoreError
from ...export.agencies import import_agency_file, write_agencies
from ...law.kinds import kind_of
from ...law.publication import Publication
from ...model import EntityType
from ...store.repository import Repository
from ...store.views import AgencyRow
from ..deps import Repo
from ..errors import WebError
from ..order import pinyin_key
from ..security import writer
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["agencies"])

KINDS = {e.value: e.zh for e in EntityType}
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MAX_IMPORT_BYTES = 20 * 1024 * 1024

Parent = Annotated[str | None, Query(max_length=200, description="上级机关（名称或标识）：它及其全部下级")]
Region = Annotated[str | None, Query(max_length=80, description="地区（含下级），如 江苏省淮安市")]
Kind = Annotated[str | None, Query(max_length=20, description="类型：代码或中文，如 部门")]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="报告年度（默认去年）")]
FileFmt = Annotated[Literal["xlsx", "csv"], Query(description="xlsx 或 csv")]


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _kind(word: str | None) -> str | None:
    if not _clean(word):
        return None
    kind = kind_of(word)
    if kind is None:
        raise WebError(400, f"机关类型“{word}”无法识别，可选：{'、'.join(KINDS.values())}")
    return kind.value


def _agencies(repo: Repository, parent: str | None, region: str | None, kind: str | None) -> list[AgencyRow]:
    """The agencies in scope, in pinyin order of their names."""
    try:
        rows = repo.list_agencies(under=_clean(parent), region=_clean(region), kind=_kind(kind))
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    return sorted(rows, key=lambda row: pinyin_key(row.name))


def _scope(parent: str | None, region: str | None, kind: str | None = None) -> dict[str, str]:
    return {k: v for k, v in {"parent": _clean(parent), "region": _clean(region), "kind": _clean(kind)}.items() if v}


def _list_context(
    repo: Repository, parent: str | None, region: str | None, kind: str | None, edit: str | None, **extra: Any
) -> dict[str, Any]:
    rows = _agencies(repo, parent, region, kind)
    editing = repo.agency(edit) if edit and edit.strip() else None
    return {
        "rows": rows,
        "scope": _scope(parent, region, kind),
        "status_query": urlencode(_scope(parent, region)),
        "kinds": KINDS,
        "editing": editing,
        "messages": [],
        "imported": None,
        **extra,
    }


@pages.get("/agencies", response_class=HTMLResponse)
def agencies_page(
    request: Request,
    repo: Repo,
    parent: Parent = None,
    region: Region = None,
    kind: Kind = None,
    edit: Annotated[str | None, Query(max_length=200, description="要编辑的机关")] = None,
) -> Response:
    return render(request, "agencies/index.html", _list_context(repo, parent, region, kind, edit))


@pages.post("/agencies", response_class=HTMLResponse)
def save_page(
    request: Request,
    repo: Repo,
    who: Annotated[str, Depends(writer)],
    name: Annotated[str, Form(max_length=200)],
    key: Annotated[str, Form(max_length=80)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    parent: Annotated[str, Form(max_length=200)] = "",
    region: Annotated[str, Form(max_length=80)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    target = _clean(key) or name.strip()
    try:
        repo.update_agency(target, name=name.strip(), kind=_kind(kind), parent=parent, region=region, note=note)
    except StoreError as exc:
        context = _list_context(repo, None, None, None, _clean(key), messages=[str(exc)])
        return render(request, "agencies/index.html", context, status_code=400)
    request.app.state.cache.clear()
    return RedirectResponse("/agencies", status_code=303)


@pages.post("/agencies/import", response_class=HTMLResponse)
async def import_page(
    request: Request,
    repo: Repo,
    who: Annotated[str, Depends(writer)],
    file: Annotated[UploadFile, File(description="XLSX 或 CSV 机关名录")],
) -> Response:
    try:
        outcome = await _import(repo, file)
    except WebError as exc:
        context = _list_context(repo, None, None, None, None, messages=[exc.message])
        return render(request, "agencies/index.html", context, status_code=exc.status)
    request.app.state.cache.clear()
    context = _list_context(repo, None, None, None, None, messages=outcome["problems"], imported=outcome["imported"])
    return render(request, "agencies/index.html", context)


@pages.post("/agencies/delete", response_class=HTMLResponse)
def delete_page(
    request: Request,
    repo: Repo,
    who: Annotated[str, Depends(writer)],
    key: Annotated[str, Form(max_length=80)],
) -> Response:
    if not repo.delete_agency(key):
        raise WebError(404, f"机关名录中没有“{key}”")
    request.app.state.cache.clear()
    return RedirectResponse("/agencies", status_code=303)


@pages.get("/agencies/export")
def export_page(
    repo: Repo, fmt: FileFmt = "xlsx", parent: Parent = None, region: Region = None, kind: Kind = None
) -> Response:
    return _download(_agencies(repo, parent, region, kind), fmt)


def _status_context(repo: Repository, year: int | None, parent: str | None, region: str | None) -> dict[str, Any]:
    chosen = year or date.today().year - 1
    try:
        status = repo.publication_status(chosen, under=_clean(parent), region=_clean(region))
    except NotFound as exc:
        raise WebError(404, str(exc)) from None
    groups = [
        ("逾期发布", status.of(Publication.LATE)),
        ("未发布（已逾期）", status.of(Publication.OVERDUE)),
        ("未发布（未到期）", status.of(Publication.NOT_YET_DUE)),
        ("已发布（未注明日期或无全国统一期限）", status.of(Publication.DATE_UNKNOWN, Publication.UNDATED_DEADLINE)),
        ("按时发布", status.of(Publication.ON_TIME)),
    ]
    return {"status": status, "summary": status.to_json(), "groups": groups, "scope": _scope(parent, region)}


@pages.get("/agencies/status", response_class=HTMLResponse)
def status_page(
    request: Request, repo: Repo, year: Year = None, parent: Parent = None, region: Region = None
) -> Response:
    return render(request, "agencies/status.html", _status_context(repo, year, parent, region))


# ---- JSON API ----


class AgencyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="机关名称")
    key: str | None = Field(default=None, max_length=80, description="标识（缺省时由名称算出，或沿用已有机关的）")
    kind: str | None = Field(default=None, max_length=20, description="类型：代码或中文")
    parent: str | None = Field(default=None, max_length=200, description="上级机关（名称或标识；空字符串清除）")
    region: str | None = Field(default=None, max_length=80, description="地区（空字符串：按上级与名称推定）")
    note: str | None = Field(default=None, max_length=2000, description="备注（空字符串清除）")


@api.get("/agencies", summary="机关名录（可按上级机关、地区、类型筛选）")
def agencies_api(repo: Repo, parent: Parent = None, region: Region = None, kind: Kind = None) -> dict[str, Any]:
    rows = _agencies(repo, parent, region, kind)
    return {"total": len(rows), "agencies": [r.to_json() for r in rows]}


@api.get("/agencies/status", summary="某年度各机关年报的发布情况：按时、逾期、未发布")
def status_api(repo: Repo, year: Year = None, parent: Parent = None, region: Region = None) -> dict[str, Any]:
    return _status_context(repo, year, parent, region)["summary"]  # type: ignore[no-any-return]


@api.get("/agencies/export", summary="导出机关名录（XLSX 或 CSV，可再导入）", response_class=FileResponse)
def export_api(
    repo: Repo, fmt: FileFmt = "xlsx", parent: Parent = None, region: Region = None, kind: Kind = None
) -> Response:
    return _download(_agencies(repo, parent, region, kind), fmt)


@api.get("/agencies/one", summary="一个机关（按名称或标识）及其各年度的现行报告")
def agency_api(
    repo: Repo, agency: Annotated[str, Query(min_length=1, max_length=200, description="机关名称或标识")]
) -> dict[str, Any]:
    row = repo.agency(agency)
    if row is None:
        raise WebError(404, f"机关名录中没有“{agency}”")
    years = [{"year": year, "report_id": rid} for year, rid in repo.agency_years(row.key)]
    return {"agency": row.to_json(), "reports": years}


@api.post("/agencies", summary="新建或修改一个机关（只改给出的项）")
def save_api(request: Request, repo: Repo, entry: AgencyIn, who: Annotated[str, Depends(writer)]) -> dict[str, Any]:
    target = _clean(entry.key) or entry.name.strip()
    try:
        kind = _kind(entry.kind)
        row = repo.update_agency(
            target, name=entry.name.strip(), kind=kind, parent=entry.parent, region=entry.region, note=entry.note
        )
    except StoreError as exc:
        raise WebError(400, str(exc)) from None
    request.app.state.cache.clear()
    return {"agency": row.to_json()}


@api.post("/agencies/import", summary="从 XLSX 或 CSV 导入机关名录；有问题的行逐行报告")
async def import_api(
    request: Request,
    repo: Repo,
    who: Annotated[str, Depends(writer)],
    file: Annotated[UploadFile, File(description="XLSX 或 CSV 机关名录")],
) -> dict[str, Any]:
    outcome = await _import(repo, file)
    request.app.state.cache.clear()
    return outcome


async def _import(repo: Repository, file: UploadFile) -> dict[str, Any]:
    name = Path(file.filename or "名录").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise WebError(400, f"{name}：机关名录只支持 XLSX 或 CSV 文件")
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise WebError(413, f"{name}：机关名录文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory(prefix="gongkai-agencies-") as folder:
        path = Path(folder) / (Path(name).stem[:80] + suffix)
        path.write_bytes(data)
        try:
            outcome = import_agency_file(repo, path)
        except (ExportError, StoreError) as exc:
            raise WebError(400, str(exc)) from None
    problems = [p.replace(path.name, name, 1) for p in outcome.problems]
    return {"imported": outcome.imported, "problems": problems}


def _download(rows: list[AgencyRow], fmt: str) -> Response:
    handle, temp = tempfile.mkstemp(prefix="gongkai-agencies-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(temp)
    try:
        write_agencies(rows, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=MEDIA[fmt],
        filename=f"gongkai-agencies-{date.today().isoformat()}.{fmt}",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
