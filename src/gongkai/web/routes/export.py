"""导出: the command line's exports (XLSX in the official layout first, CSV, Parquet, JSON) of a selection."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from ...export import EXPORT_FORMS, FORMATS, write_export
from ..deps import Repo, Selected, Selection
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["export"])

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}
FORM_NAMES = {"long": "单元格（每行一个单元格）", "wide": "报告（每行一份报告）", "findings": "问题与审核"}


@dataclass(frozen=True, slots=True)
class Choice:
    fmt: str
    form: str
    label: str


CHOICES = [Choice("xlsx", "long", "XLSX（官方表格格式 + 报告、单元格、问题）")] + [
    Choice(fmt, form, f"{fmt.upper()} · {FORM_NAMES[form]}")
    for fmt in ("csv", "parquet", "json")
    for form in EXPORT_FORMS
]
Fmt = Annotated[str, Query(pattern="^(" + "|".join(FORMATS) + ")$", description="xlsx / csv / parquet / json")]
Form = Annotated[
    str, Query(pattern="^(" + "|".join(EXPORT_FORMS) + ")$", description="long / wide / findings（XLSX 包含全部）")
]


def _download(repo: Repo, selected: Selection, fmt: str, form: str) -> Response:
    handle, name = tempfile.mkstemp(prefix="gongkai-export-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        write_export(repo, fmt, form, selected.to_filter(), path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    stem = "gongkai-" + (form if fmt != "xlsx" else "reports") + "-" + date.today().isoformat()
    return FileResponse(
        path, media_type=MEDIA[fmt], filename=f"{stem}.{fmt}", background=BackgroundTask(path.unlink, missing_ok=True)
    )


@pages.get("/export", response_class=HTMLResponse)
def export_page(request: Request, repo: Repo, selected: Selected) -> Response:
    counts = repo.facets(selected.to_filter())
    return render(request, "export/index.html", {"selected": selected, "facets": counts, "choices": CHOICES})


@pages.get("/export/download")
def export_download(repo: Repo, selected: Selected, fmt: Fmt = "xlsx", form: Form = "long") -> Response:
    return _download(repo, selected, fmt, form)


@api.get(
    "/export",
    summary="导出当前筛选的报告（与 gongkai export 相同）",
    response_class=FileResponse,
    responses={200: {"content": {MEDIA["xlsx"]: {}, "text/csv": {}, "application/json": {}}}},
)
def export_api(repo: Repo, selected: Selected, fmt: Fmt = "xlsx", form: Form = "long") -> Response:
    return _download(repo, selected, fmt, form)


@api.get("/export/formats", summary="可用的导出格式与内容")
def formats_api() -> dict[str, Any]:
    return {"formats": list(FORMATS), "forms": list(EXPORT_FORMS)}
