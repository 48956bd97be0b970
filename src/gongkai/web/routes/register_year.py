"""登记簿年度: the register's frozen year snapshots, and their comparison with the published report.

Pages: ``/register/snapshots`` (list, and take a snapshot: a write, login and CSRF), and
``/register/compare?year=&agency=`` (the published report of that year in the corpus beside the
current snapshot, or the live tables when none was taken, cell by cell). JSON:
``/api/register/snapshots`` and ``/api/register/compare``. Only register numbers and counts are
shown: no applicant's personal data.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...register.snapshot import freeze
from ...store.register_compare import PublishedComparison, compare_with_published
from ...store.repository import Repository
from ..access import YearWriter
from ..deps import Repo
from ..errors import WebError
from ..templating import render

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["register"])

AgencyQuery = Annotated[str | None, Query(max_length=200, description="机关名称（登记簿只有一个机关时可省略）")]
YearQuery = Annotated[int | None, Query(ge=2004, le=2100, description="年度")]


def _agency(repo: Repository, agency: str | None) -> str:
    if agency and agency.strip():
        return agency.strip()
    known = repo.register_agencies()
    if len(known) == 1:
        return known[0]
    if not known:
        raise WebError(404, "登记簿为空：请先登记申请")
    raise WebError(400, f"登记簿有 {len(known)} 个机关，请指定机关：{'、'.join(known)}")


def _comparison(repo: Repository, agency: str, year: int) -> PublishedComparison:
    found = compare_with_published(repo, agency, year)
    if found is None:
        raise WebError(404, f"语料库中没有 {agency} {year} 年度的政府信息公开工作年度报告，无法比较")
    return found


@pages.get("/register/snapshots", response_class=HTMLResponse)
def snapshots_page(request: Request, repo: Repo, agency: AgencyQuery = None) -> Response:
    return render(
        request,
        "register_year/snapshots.html",
        {"snapshots": repo.snapshots(agency or None), "agencies": repo.register_agencies(), "agency": agency or ""},
    )


@pages.post("/register/snapshots", response_class=HTMLResponse)
def take_snapshot(
    request: Request,
    repo: Repo,
    account: YearWriter,
    year: Annotated[int, Form(ge=2004, le=2100)],
    agency: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    name = _agency(repo, agency)
    repo.save_snapshot(
        freeze(repo.applications(name), year, name, repo.work_calendar()), by=account.name, note=note or None
    )
    return RedirectResponse("/register/snapshots", status_code=303)


@pages.get("/register/compare", response_class=HTMLResponse)
def compare_page(request: Request, repo: Repo, year: YearQuery = None, agency: AgencyQuery = None) -> Response:
    context: dict[str, Any] = {
        "year": year,
        "agency": agency or "",
        "agencies": repo.register_agencies(),
        "found": None,
        "result": None,
    }
    if year is not None:
        name = _agency(repo, agency)
        found = _comparison(repo, name, year)
        context.update(agency=name, found=found, result=found.comparison)
    return render(request, "register_year/compare.html", context)


@api.get("/register/snapshots", summary="登记簿的年度快照（每个机关年度最新的一份为现行快照）")
def snapshots_api(repo: Repo, agency: AgencyQuery = None, year: YearQuery = None) -> dict[str, Any]:
    return {"snapshots": [s.to_json() for s in repo.snapshots(agency or None, year)]}


@api.get("/register/compare", summary="已公开年度报告与登记簿表三、表四的逐格比较")
def compare_api(
    repo: Repo, year: Annotated[int, Query(ge=2004, le=2100)], agency: AgencyQuery = None
) -> dict[str, Any]:
    name = _agency(repo, agency)
    return _comparison(repo, name, year).to_json()
