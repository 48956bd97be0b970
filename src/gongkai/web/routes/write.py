"""撰写年报: the annual report from the register, previewed beside its checks; edit the prose, download each form.

Nothing is stored: the page's form carries table 二 and the prose, and every preview or download
composes the report again from the register and what the form holds (``gongkai.write``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...api import read_bytes
from ...errors import GongkaiError
from ...formats import FORMAT_2021
from ...model import Report
from ...store.repository import Repository
from ...write.compose import compose_from_register
from ...write.inputs import CELLS_BY_WORDS, KINDS, InputError, WriterInput, cell_value
from ...write.model import AnnualReport
from ...write.plan import plan
from ...write.profiles import PROFILES
from ...write.verdict import Verdict, verdict
from ..deps import Repo
from ..security import writer
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["write"])

SOURCE = "网页表单"
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}
FORM_LABELS = {"docx": "Word（DOCX）", "html": "网页（HTML）", "md": "Markdown", "pdf": "PDF"}
FIELDS = [(row, col, cid) for (row, col), cid in CELLS_BY_WORDS.items()]


def _year(year: int | None) -> int:
    return year if year is not None else date.today().year - 1


def _previous(repo: Repository, agency: str, year: int) -> Report | None:
    found = repo.report_for(agency, year - 1)
    loaded = repo.load_report(found) if found is not None else None
    return loaded[0] if loaded else None


def _compose(repo: Repository, agency: str, year: int, given: WriterInput | None, kind: str) -> AnnualReport:
    snapshot = repo.current_snapshot(agency, year)
    frozen = snapshot.tables if snapshot is not None else None
    return compose_from_register(repo, agency, year, given, entity_type=KINDS.get(kind), frozen=frozen)


def _check(repo: Repository, report: AnnualReport, override: str | None) -> Verdict:
    return verdict(
        report,
        read=read_bytes,
        previous=_previous(repo, report.agency, report.year),
        override=override,
        publishing=date.today(),
    )


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the page's settings hold: the register's agencies, the one chosen, year, profile, entity type."""

    agencies: list[str]
    agency: str | None
    year: int
    profile: str
    kind: str


def _context(
    report: AnnualReport | None,
    result: Verdict | None,
    chosen: Chosen,
    override: str,
    problem: str | None = None,
) -> dict[str, Any]:
    values = report.values() if report else {}
    return {
        "agencies": chosen.agencies,
        "agency": chosen.agency,
        "year": chosen.year,
        "profile": chosen.profile,
        "profiles": PROFILES,
        "kind": chosen.kind,
        "kinds": list(KINDS),
        "override": override,
        "problem": problem,
        "report": report,
        "verdict": result,
        "blocks": plan(report) if report else [],
        "fields": [(row, col, cid, "" if values.get(cid) is None else str(values[cid])) for row, col, cid in FIELDS],
        "sections": [
            (s.number, s.numbered, report.sections.get(s.number, "") if report else "") for s in FORMAT_2021.sections
        ],
        "forms": FORM_LABELS,
    }


@pages.get("/write", response_class=HTMLResponse)
def write_page(
    request: Request,
    repo: Repo,
    year: Annotated[int | None, Query(ge=2008, le=2100, description="报告年度")] = None,
    agency: Annotated[str | None, Query(max_length=200)] = None,
    profile: Annotated[str, Query(pattern="^(template|gbt9704)$")] = "template",
) -> Response:
    """The generated draft of a year's report, with the checks and the deadline beside it."""
    agencies = repo.register_agencies()
    chosen = agency if agency in agencies else (agencies[0] if agencies else None)
    report = result = None
    if chosen is not None:
        report = _compose(repo, chosen, _year(year), None, "")
        result = _check(repo, report, None)
    context = _context(report, result, Chosen(agencies, chosen, _year(year), profile, ""), "")
    return render(request, "write/index.html", context)


def _given(form: Any) -> WriterInput:
    """Table 二 and the prose from the page's form, validated like an input file."""
    given = WriterInput(SOURCE)
    for row, col, cid in FIELDS:
        raw = str(form.get(f"cell:{cid}", "")).strip()
        value = cell_value(cid, raw, SOURCE, f"表二.{row}.{col}")
        if value is not None:
            given.proactive[cid] = value
    for section in FORMAT_2021.sections:
        text = str(form.get(f"section:{section.number}", "")).replace("\r\n", "\n").strip()
        if text:
            given.sections[section.number] = text
    return given


@pages.post("/write", response_class=HTMLResponse)
async def write_submit(request: Request, repo: Repo, user: Annotated[str, Depends(writer)]) -> Response:
    """预览 (the page again, with the edits) or 下载 (one form), composed from the register and the form."""
    form = await request.form()
    agencies = repo.register_agencies()
    agency = str(form.get("agency", ""))
    profile = str(form.get("profile", "template"))
    kind = str(form.get("kind", ""))
    override = str(form.get("override", "")).strip()
    action = str(form.get("action", "preview"))
    try:
        year = int(str(form.get("year", "")))
    except ValueError:
        year = _year(None)
    settings = Chosen(agencies, agency, year, profile, kind)
    if agency not in agencies or profile not in PROFILES or kind not in ("", *KINDS) or not 2008 <= year <= 2100:
        context = _context(None, None, settings, override, "机关、年度、版式或机关类型无效")
        return render(request, "write/index.html", context, status_code=400)
    try:
        given = _given(form)
    except InputError as exc:
        report = _compose(repo, agency, year, None, kind)
        context = _context(report, None, settings, override, f"{exc.where}：{exc.problem}")
        return render(request, "write/index.html", context, status_code=400)
    report = _compose(repo, agency, year, given, kind)
    result = _check(repo, report, override or None)
    if action not in MEDIA:
        return render(request, "write/index.html", _context(report, result, settings, override))
    if result.blocked:
        problem = f"核查发现 {len(result.errors)} 个错误级问题，未生成文件；确需生成请填写理由。"
        context = _context(report, result, settings, override, problem)
        return render(request, "write/index.html", context, status_code=409)
    try:
        data = _render(report, action, PROFILES[profile])
    except GongkaiError as exc:
        context = _context(report, result, settings, override, str(exc))
        return render(request, "write/index.html", context, status_code=503)
    name = quote(f"{report.agency}{report.year}年政府信息公开工作年度报告.{action}")
    return Response(
        data, media_type=MEDIA[action], headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )


def _render(report: AnnualReport, form: str, profile: Any) -> bytes:
    if form == "docx":
        from ...write.docx_out import render_docx

        return render_docx(report, profile)
    if form == "html":
        from ...write.html_out import render_html

        return render_html(report, profile).encode("utf-8")
    if form == "md":
        from ...write.markdown_out import render_markdown

        return render_markdown(report, profile).encode("utf-8")
    from ...write.pdf_out import render_pdf

    return render_pdf(report, profile)


@api.get("/write/check", summary="某年度年报草稿的核查结果与发布期限（与 gongkai write 相同的检查）")
def write_check(
    repo: Repo,
    agency: Annotated[str, Query(max_length=200, description="登记簿中的机关名称")],
    year: Annotated[int, Query(ge=2008, le=2100, description="报告年度")],
) -> dict[str, object]:
    if agency not in repo.register_agencies():
        from ..errors import WebError

        raise WebError(404, f"登记簿中没有机关“{agency}”")
    report = _compose(repo, agency, year, None, "")
    result = _check(repo, report, None)
    return {
        "title": report.title,
        "draft": report.draft,
        "deadline": result.deadline[0].isoformat() if result.deadline else None,
        "deadline_text": result.deadline_line(),
        "blocked": result.blocked,
        "findings": [f.to_json() for f in result.findings],
        "cells": report.values(),
    }
