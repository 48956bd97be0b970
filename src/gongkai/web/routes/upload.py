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
from ...store.views import VERSION_POLICIES
from ..errors import WebError
from ..jobs import new_upload_folder
from ..security import writer
from ..templating import is_htmx, render
from ..upload_results import STATUS_ZH

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["upload"])

ACCEPTED = sorted(REPORT_SUFFIXES | ARCHIVE_SUFFIXES)
HISTORY = 20  # uploads shown in the history
VERSION_CHOICES = {
    "supersede": "取代当前版本（新文件成为当前版本，旧版本保留可查但不计入统计）",
    "keep-both": "两者都保留（两个版本都计入统计）",
}
Versions = Annotated[
    str,
    Form(
        pattern="^(" + "|".join(VERSION_POLICIES) + ")$",
        description="已存储同一机关同一年度的报告时：supersede 取代当前版本（默认），keep-both 两者都保留",
    ),
]
AcceptUnrecognised = Annotated[bool, Form(description="未识别为年度报告的文件也作为报告入库")]


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


def unsupported(name: str) -> str:
    """Why a file of this name is not read (its type), in the words shown beside it."""
    return f"不支持的文件类型 {PurePosixPath(name).suffix or '（无扩展名）'}（支持 {' '.join(ACCEPTED)}）"


async def _start(
    request: Request, files: list[UploadFile], replace: bool, versions: str, accept_unrecognised: bool
) -> Job:
    """Save the uploaded files and start their job; a file of a type gongkai does not read is skipped with why."""
    settings = request.app.state.settings
    files = [f for f in files if f.filename]
    if not files:
        raise WebError(400, "请选择要上传的文件")
    if len(files) > settings.max_upload_files:
        raise WebError(413, f"一次最多上传{settings.max_upload_files}个文件")
    folder = new_upload_folder()
    try:
        names: list[str] = []
        skipped: list[tuple[str, str]] = []
        taken: set[str] = set()
        for upload in files:
            name = _safe_name(upload.filename or "", taken)
            if PurePosixPath(name).suffix.lower() not in REPORT_SUFFIXES | ARCHIVE_SUFFIXES:
                skipped.append((name, unsupported(name)))
                continue
            with (folder / name).open("wb") as out:
                while chunk := await upload.read(1024 * 1024):
                    out.write(chunk)
            names.append(name)
        if not names:
            raise WebError(400, "没有可读取的文件：" + "；".join(f"{n}：{why}" for n, why in skipped))
        start = request.app.state.jobs.start
        # the job is a database row: written on a worker thread, not on the event loop
        return await run_in_threadpool(  # type: ignore[no-any-return]
            lambda: start(
                folder, names, replace, versions=versions, accept_unrecognised=accept_unrecognised, skipped=skipped
            )
        )
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _history(request: Request) -> dict[str, Any]:
    return {"history": request.app.state.jobs.recent(HISTORY), "status_names": STATUS_ZH}


@pages.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "upload/index.html",
        {
            "accepted": ",".join(ACCEPTED),
            "max_mb": settings.max_upload_bytes // 2**20,
            "version_choices": VERSION_CHOICES,
            **_history(request),
        },
    )


@pages.get("/upload/history", response_class=HTMLResponse)
def history_fragment(request: Request) -> Response:
    return render(request, "upload/_history.html", _history(request))


@pages.post("/upload", response_class=HTMLResponse)
async def upload_post(
    request: Request,
    who: Annotated[str, Depends(writer)],
    files: Annotated[list[UploadFile], File(description="报告文件或zip压缩包")],
    replace: Annotated[bool, Form()] = False,
    versions: Versions = "supersede",
    accept_unrecognised: AcceptUnrecognised = False,
) -> Response:
    job = await _start(request, files, replace, versions, accept_unrecognised)
    return render(request, "upload/_job.html", {"job": job, "status_names": STATUS_ZH})


def _job(request: Request, job_id: str) -> Job:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise WebError(404, f"没有这个上传任务（只保留最近的{KEEP}个任务）")
    return job  # type: ignore[no-any-return]


@pages.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> Response:
    template = "upload/_job.html" if is_htmx(request) else "upload/job.html"
    return render(request, template, {"job": _job(request, job_id), "status_names": STATUS_ZH})


@api.post(
    "/uploads", summary="上传报告（单个、多个文件或zip），返回任务；用 GET /api/uploads/{id} 查询进度", status_code=202
)
async def upload_api(
    request: Request,
    who: Annotated[str, Depends(writer)],
    files: Annotated[list[UploadFile], File(description="报告文件或zip压缩包")],
    replace: Annotated[bool, Form(description="重新读取已存储的相同文件（审核决定按指纹保留）")] = False,
    versions: Versions = "supersede",
    accept_unrecognised: AcceptUnrecognised = False,
) -> dict[str, Any]:
    return (await _start(request, files, replace, versions, accept_unrecognised)).to_json()


@api.get("/uploads", summary="最近的上传任务（上传历史），最新的在前")
def jobs_api(request: Request) -> dict[str, Any]:
    return {"jobs": [job.to_json() for job in request.app.state.jobs.recent(HISTORY)]}


@api.get("/uploads/{job_id}", summary="上传任务的进度与结果")
def job_api(request: Request, job_id: str) -> dict[str, Any]:
    return _job(request, job_id).to_json()
