"""看板: the store's statistics over any filter, as ECharts charts (options built here as JSON)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from ...store.views import CorpusStats
from .. import charts
from ..deps import Repo, Selected, Selection
from ..templating import render, templates

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(tags=["stats"])


def _body(request: Request, repo: Repo, selected: Selection) -> Markup:
    """The dashboard's figures and charts as HTML, rendered once per filter (autoescaped) and cached."""

    def draw() -> Markup:
        stats = _stats(request, repo, selected)
        ranking = list(stats.agencies_with_most_errors)

        def link(**params: object) -> str:  # a bar opens the report list filtered to it
            return "/reports?" + selected.query(**params)

        chart_options = {
            "applications": charts.applications_by_year(stats, link),
            "reports": charts.reports_by_year(stats, link),
            "outcomes": charts.outcome_mix(stats),
            "correction": charts.correction_rates(stats),
            "rules": charts.defects_by_rule(stats, link),
            "agencies": charts.agencies_with_errors(ranking, link),
        }
        html = templates.env.get_template("dashboard/_body.html").render(
            stats=stats, ranking=ranking, charts=chart_options, is_empty=charts.is_empty, empty_text=charts.EMPTY
        )
        return Markup(html)

    return request.app.state.cache.get_or_compute(("dashboard-html", selected.cache_key()), draw)  # type: ignore[no-any-return]


def _stats(request: Request, repo: Repo, selected: Selection) -> CorpusStats:
    flt = selected.to_filter()
    return request.app.state.cache.get_or_compute(("stats", selected.cache_key()), lambda: repo.stats(flt))  # type: ignore[no-any-return]


@pages.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, repo: Repo, selected: Selected) -> Response:
    return render(request, "dashboard/index.html", {"body": _body(request, repo, selected), "selected": selected})


@api.get(
    "/stats",
    summary="统计：按年度申请量、办理结果构成、纠错率、按规则问题数、错误最多的机关",
    response_model=dict[str, Any],
)
def stats_api(request: Request, repo: Repo, selected: Selected) -> Response:
    """The same shape as ``gongkai stats --json`` (``CorpusStats.to_json``), encoded once per filter and generation."""

    def encoded() -> bytes:
        return bytes(JSONResponse(jsonable_encoder(_stats(request, repo, selected).to_json())).body)

    body = request.app.state.cache.get_or_compute(("stats-json", selected.cache_key()), encoded)
    return Response(body, media_type="application/json")
