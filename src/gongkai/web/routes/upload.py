"""上传: one file, many files or a zip archive, read in the background with progress."""

from __future__ import annotations

import re
import shutil
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ...batch.sources import ARCHIVE_SUFFIXES, REPORT_SUFFIXES
from ...store.jobs import KEEP, Job
from ..errors import WebError
from ..jobs import new_upload_folder
from ..security import writer
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["upload"])

ACCEPTED = sorted(REPORT_SUFFIXES | ARCHIVE_SUFFIXES)


def _safe_name(name: str, taken: set[str]) -> str:
    """The uploaded file's base name, stripped of any path and odd characters, unique in the job."""
    base = PurePosixPath((name or "upload").replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u4e00-\u9fff（）()]+", "_", base).lstrip(".")[:120] or "upload"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{n}_{base}"
    taken.add(candidate)
    return candidate


async def _start(request: Request, files: list[UploadFile], replace: bool) -> Job:
    settings = request.app.state.settings
    files = [f for f in files if f.filename]
    if not files:
        raise WebError(400, "请选择要上传的文件")
    if len(files) > settings.max_upload_files:
        raise WebError(413, f"一次最多上传{settings.max_upload_files}个文件")
    folder = new_upload_folder()
    try:
        names: list[str] = []
        taken: set[str] = set()
        for upload in files:
            name = _safe_name(upload.filename or "", taken)
            if PurePosixPath(name).suffix.lower() not in REPORT_SUFFIXES | ARCHIVE_SUFFIXES:
                raise WebError(400, f"不支持的文件类型：{name}（支持 {' '.join(ACCEPTED)}）")
            with (folder / name).open("wb") as out:
                while chunk := await upload.read(1024 * 1024):
                    out.write(chunk)
            names.append(name)
        # the job is a database row: written on a worker thread, not on the event loop
        return await run_in_threadpool(request.app.state.jobs.start, folder, names, replace)  # type: ignore[no-any-return]
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise


@pages.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> Response:
    settings = request.app.state.settings
    return render(
        request, "upload/index.html", {"accepted": ",".join(ACCEPTED), "max_mb": settings.max_upload_bytes // 2**20}
    )


@pages.post("/upload", response_class=HTMLResponse)
async def upload_post(
    request: Request,
    who: Annotated[str, Depends(writer)],
    files: Annotated[list[UploadFile], File(description="报告文件或zip压缩包")],
    replace: Annotated[bool, Form()] = False,
) -> Response:
    job = await _start(request, files, replace)
    return render(request, "upload/_job.html", {"job": job})


def _job(request: Request, job_id: str) -> Job:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise WebError(404, f"没有这个上传任务（只保留最近的{KEEP}个任务）")
    return job  # type: ignore[no-any-return]


@pages.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> Response:
    return render(request, "upload/_job.html", {"job": _job(request, job_id)})


@api.post(
    "/uploads", summary="上传报告（单个、多个文件或zip），返回任务；用 GET /api/uploads/{id} 查询进度", status_code=202
)
async def upload_api(
    request: Request,
    who: Annotated[str, Depends(writer)],
    files: Annotated[list[UploadFile], File(description="报告文件或zip压缩包")],
    replace: Annotated[bool, Form(description="重新读取已存储的相同文件（审核决定按指纹保留）")] = False,
) -> dict[str, Any]:
    return (await _start(request, files, replace)).to_json()


@api.get("/uploads/{job_id}", summary="上传任务的进度与结果")
def job_api(request: Request, job_id: str) -> dict[str, Any]:
    return _job(request, job_id).to_json()
