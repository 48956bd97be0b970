"""ECharts options for the dashboard, built from the store's statistics as plain JSON-able dicts.

No figure is computed here beyond putting the store's numbers in chart order;
crowded Chinese category labels are all shown, rotated (``interval: 0, rotate: 30``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ..check import RULES
from ..formats import WORDS
from ..formats.cells import outcome_rows
from ..formats.national import APPEALS_VIEW
from ..model import Report
from ..store.views import REVIEW_STATUS_ZH, AgencyErrors, CorpusStats

Options = dict[str, Any]
Link = Callable[..., str]  # filter values (year=, agency=, errors=) → the URL of the reports behind them
EMPTY = "暂无数据"

_PALETTE = ["#2f6fb3", "#d9534f", "#f0ad4e", "#5cb85c", "#8e6bbf", "#46b8da", "#a0a0a0", "#c7773a"]
_FONT = {"fontFamily": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"}
_CROWDED = {"interval": 0, "rotate": 30}

OUTCOME_LABELS: dict[str, str] = {row.id: row.label.split("（")[0] for row in outcome_rows()}


def _base(title: str) -> Options:
    return {
        "title": {"text": title, "left": "left", "textStyle": {"fontSize": 15, **_FONT}},
        "color": _PALETTE,
        "textStyle": _FONT,
        "tooltip": {"trigger": "axis", "confine": True},
        "grid": {"left": 60, "right": 20, "top": 50, "bottom": 80, "containLabel": True},
        "animation": False,
    }


def is_empty(options: Options) -> bool:
    """Whether a chart has nothing to draw: no series point with a value."""

    def value(point: Any) -> Any:
        return point.get("value") if isinstance(point, dict) else point

    return not any(value(p) is not None for series in options.get("series", []) for p in series.get("data", []))


def with_empty_note(options: Options) -> Options:
    """The options, with 暂无数据 written in the middle of the chart when it has nothing to draw."""
    if not is_empty(options):
        return options
    style = {"text": EMPTY, "fontSize": 16, "fill": "#6b7785"}
    note = {"type": "text", "left": "center", "top": "middle", "style": style}
    return {**options, "graphic": [note]}


def _linked(values: Sequence[Any], urls: Sequence[str | None]) -> list[Any]:
    """Bar values as data items carrying the URL a click opens (app.js), plain where there is none."""
    return [{"value": v, "url": u} if u else v for v, u in zip(values, urls, strict=True)]


def _year_urls(years: Sequence[int | None], link: Link | None) -> list[str | None]:
    return [link(year=y) if link and y is not None else None for y in years]


def applications_by_year(stats: CorpusStats, link: Link | None = None) -> Options:
    years = [str(y) if y is not None else "未识别" for y in stats.applications_by_year]
    data = _linked(list(stats.applications_by_year.values()), _year_urls(list(stats.applications_by_year), link))
    return with_empty_note(
        {
            **_base("本年新收申请数量（按年度）"),
            "xAxis": {"type": "category", "data": years, "axisLabel": _CROWDED},
            "yAxis": {"type": "value", "name": "件", "minInterval": 1},
            "series": [{"type": "bar", "name": "新收申请", "data": data, "barMaxWidth": 56, "cursor": "pointer"}],
        }
    )


def reports_by_year(stats: CorpusStats, link: Link | None = None) -> Options:
    years = [str(y) if y is not None else "未识别" for y in stats.reports_by_year]
    data = _linked(list(stats.reports_by_year.values()), _year_urls(list(stats.reports_by_year), link))
    return with_empty_note(
        {
            **_base("报告数量（按年度）"),
            "xAxis": {"type": "category", "data": years, "axisLabel": _CROWDED},
            "yAxis": {"type": "value", "name": "份", "minInterval": 1},
            "series": [{"type": "bar", "name": "报告", "data": data, "barMaxWidth": 56, "cursor": "pointer"}],
        }
    )


def outcome_mix(stats: CorpusStats) -> Options:
    """Applications closed each way (总计 column), largest first; a bar per outcome reads better than a pie of 20."""
    items = sorted(((OUTCOME_LABELS.get(k, k), v) for k, v in stats.outcomes.items() if v), key=lambda kv: kv[1])
    total = sum(v for _, v in items) or 1
    options = _base("办理结果构成（总计列）")
    options["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True}
    options["grid"] = {"left": 10, "right": 60, "top": 40, "bottom": 10, "containLabel": True}
    options["xAxis"] = {"type": "value", "name": "件"}
    options["yAxis"] = {
        "type": "category",
        "data": [name for name, _ in items],
        "axisLabel": {"interval": 0, "width": 180, "overflow": "truncate", "fontSize": 11},
    }
    options["series"] = [
        {
            "type": "bar",
            "name": "申请",
            "barMaxWidth": 16,
            "data": [
                {"value": v, "label": {"show": True, "position": "right", "formatter": f"{v / total:.1%}"}}
                for _, v in items
            ],
        }
    ]
    return with_empty_note(options)


def correction_rates(stats: CorpusStats) -> Options:
    labels = [APPEALS_VIEW.review.label, WORDS.litigation_header]
    ratios = [stats.review_correction, stats.suit_correction]
    rates = [round(r.rate * 100, 1) if r.rate is not None else None for r in ratios]
    return with_empty_note(
        {
            **_base("纠错率（结果纠正 ÷ 已审结）"),
            "xAxis": {"type": "category", "data": labels},
            "yAxis": {"type": "value", "name": "%", "max": 100},
            "series": [
                {
                    "type": "bar",
                    "name": "纠错率",
                    "data": rates,
                    "barMaxWidth": 60,
                    "label": {"show": True, "position": "top", "formatter": "{c}%"},
                }
            ],
        }
    )


def defects_by_rule(stats: CorpusStats, link: Link | None = None) -> Options:
    """Findings per rule, stacked by review status; a bar opens the reports with such findings."""

    def not_settled(counts: dict[str, object]) -> int:
        return sum(int(str(counts.get(status, 0))) for status in ("open", "confirmed", "sent"))

    rules = sorted(stats.findings_by_rule.items(), key=lambda kv: -not_settled(kv[1]))
    names = [RULES[r].zh if r in RULES else r for r, _ in rules]
    options = _base("问题（按规则）")
    options["legend"] = {"top": 24, "right": 0}
    options["grid"] = {**options["grid"], "top": 60, "bottom": 110}
    options["xAxis"] = {"type": "category", "data": names, "axisLabel": _CROWDED}
    options["yAxis"] = {"type": "value", "name": "条", "minInterval": 1}
    options["series"] = [
        {
            "type": "bar",
            "stack": "s",
            "name": name,
            "barMaxWidth": 56,
            "data": _linked(
                [counts.get(status, 0) for _, counts in rules],
                [link(rule=rule, review_status=status) if link else None for rule, _ in rules],
            ),
        }
        for status, name in REVIEW_STATUS_ZH.items()
        if any(counts.get(status, 0) for _, counts in rules) or status in ("open", "confirmed", "dismissed")
    ]
    return with_empty_note(options)


def agencies_with_errors(ranking: list[AgencyErrors], link: Link | None = None) -> Options:
    names = [a.agency for a in reversed(ranking)]
    urls = [link(agency=a.agency, errors="1") if link else None for a in reversed(ranking)]
    options = _base("错误最多的机关")
    options["grid"] = {"left": 10, "right": 30, "top": 50, "bottom": 20, "containLabel": True}
    options["xAxis"] = {"type": "value", "name": "错误", "minInterval": 1}
    options["yAxis"] = {
        "type": "category",
        "data": names,
        "axisLabel": {"interval": 0, "width": 220, "overflow": "truncate"},
    }
    options["series"] = [
        {
            "type": "bar",
            "name": "错误",
            "data": _linked([a.errors for a in reversed(ranking)], urls),
            "itemStyle": {"color": "#d9534f"},
            "cursor": "pointer",
        }
    ]
    return with_empty_note(options)


def _number(value: Decimal | int | float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def agency_trend(agency: str, years: Sequence[tuple[int, int]], reports: Sequence[Report], cells: list[str]) -> Options:
    """One agency's chosen cells over its years (a line per cell); a value not printed leaves a gap."""
    fmt = next((r.format for r in reversed(reports) if r.format), None)
    options = _base(f"{agency}：历年趋势")
    options["legend"] = {"top": 24, "type": "scroll"}
    options["grid"] = {"left": 40, "right": 20, "top": 70, "bottom": 30, "containLabel": True}
    options["xAxis"] = {"type": "category", "data": [str(y) for y, _ in years]}
    options["yAxis"] = {"type": "value", "minInterval": 1}
    options["series"] = [
        {
            "type": "line",
            "name": fmt.label_of(cid) if fmt else cid,
            "connectNulls": False,
            "label": {"show": True, "position": "top"},
            "data": [_number(r.value(cid)) if r.format and cid in r.format.cell_ids() else None for r in reports],
        }
        for cid in cells
    ]
    return with_empty_note(options)
