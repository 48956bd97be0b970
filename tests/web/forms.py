"""One report in several forms, a text that is not a report, and an upload helper taking the page's choices.

The dev corpus holds each report in one form only, so the other forms are made from it with
gongkai's own writers: HTML and DOCX of the tables it reads (``gongkai.render``), and a scan
made as tests/render does (pages rendered to noisy grey images, wrapped in a PDF without text).
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from gongkai.api import read_bytes
from gongkai.render.docx import render_tables_docx
from gongkai.render.html import render_tables_html

from ..ingest.helpers import image_only_pdf, page_images
from .conftest import csrf

NOTICE = (
    "关于召开2024年度政务公开工作会议的通知\n\n各乡镇人民政府、区各有关部门：\n\n"
    "经研究，定于2024年3月5日上午9时在区政府三楼会议室召开全区政务公开工作会议，"
    "请各单位分管负责同志准时参加。\n\n联系人：张三，电话：0517-12345678。\n\n"
    "淮安市洪泽区人民政府办公室\n2024年3月1日\n"
).encode()
"""A short meeting notice: read without trouble, recognised as no annual report."""


def rendered_forms(path: Path) -> dict[str, bytes]:
    """The report at ``path`` re-written as HTML and DOCX (its title and every cell read from it)."""
    report = read_bytes(path.read_bytes(), path.name)
    assert report.format_id is not None, path
    values = {cid: cell.value for cid, cell in report.cells.items()}
    stem = path.stem
    return {
        f"{stem}.html": render_tables_html(report.format_id, values, title=report.title).encode(),
        f"{stem}.docx": render_tables_docx(report.format_id, values, title=report.title),
    }


def scan_of(pdf: Path, folder: Path) -> Path:
    """A scanned copy of a text PDF: its pages as noisy 150 dpi images in a PDF with no text layer."""
    return image_only_pdf(page_images(pdf, dpi=150, seed=7), folder / f"{pdf.stem}-scan.pdf")


def post_upload(client: TestClient, *files: tuple[str, bytes], headers: dict[str, str] | None = None, **form: str):
    """POST files to the upload API with the form's choices (``versions=``, ``accept_unrecognised=``)."""
    return client.post(
        "/api/uploads",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data=form,
        headers={**csrf(client), **(headers or {})},
    )


def upload_job(client: TestClient, *files: tuple[str, bytes], **form: str) -> dict:
    """Upload, wait for the job to finish, return it (``results`` holds one line per file)."""
    response = post_upload(client, *files, **form)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/api/uploads/{job_id}").json()
        if job["state"] in ("done", "failed"):
            assert job["state"] == "done", job
            return job
        time.sleep(0.05)
    raise AssertionError("upload job did not finish in 120 s")
