"""Show corpus figures (``gongkai stats``) as rich tables or plain JSON."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..formats import FORMAT_2019, FORMAT_2021
from ..store.views import CorpusStats, Ratio

_OUTCOME_LABELS = {
    row.id: f"{row.number}{row.label}"
    for fmt in (FORMAT_2019, FORMAT_2021)
    for row in fmt.table("applications").blocks[0].rows
}


def _ratio_json(ratio: Ratio) -> dict[str, object]:
    return {"corrected": ratio.corrected, "decided": ratio.decided, "rate": ratio.rate}


def stats_json(stats: CorpusStats) -> dict[str, object]:
    closed = sum(stats.outcomes.values())
    return {
        "reports": stats.reports,
        "failed_sources": stats.failed_sources,
        "reports_by_year": {str(k): v for k, v in stats.reports_by_year.items()},
        "applications_by_year": {str(k): v for k, v in stats.applications_by_year.items()},
        "outcomes": {row: {"count": n, "share": n / closed if closed else None} for row, n in stats.outcomes.items()},
        "correction_rate": {"review": _ratio_json(stats.review_correction), "suit": _ratio_json(stats.suit_correction)},
        "findings_by_rule": stats.findings_by_rule,
    }


def _rate(ratio: Ratio) -> str:
    return f"{ratio.rate:.1%}（{ratio.corrected:g}/{ratio.decided:g}）" if ratio.rate is not None else "无已审结案件"


def render_stats(stats: CorpusStats, console: Console) -> None:
    console.print(f"[bold]报告 {stats.reports} 份[/bold]（无法读取的来源 {stats.failed_sources} 个）")
    years = Table(title="按年度 by year")
    for name in ("年度", "报告数", "本年新收申请"):
        years.add_column(name, justify="right")
    for year, count in stats.reports_by_year.items():
        years.add_row(str(year or "未识别"), str(count), f"{stats.applications_by_year.get(year, 0):g}")
    console.print(years)
    closed = sum(stats.outcomes.values())
    outcomes = Table(title=f"办理结果构成 outcome mix（总计列，共 {closed:g} 件）")
    outcomes.add_column("办理结果")
    outcomes.add_column("件数", justify="right")
    outcomes.add_column("占比", justify="right")
    for row, n in stats.outcomes.items():
        if n:
            outcomes.add_row(_OUTCOME_LABELS.get(row, row), f"{n:g}", f"{n / closed:.1%}" if closed else "")
    console.print(outcomes)
    console.print(
        f"纠错率 correction rate = 结果纠正 /（维持 + 纠正 + 其他）：行政复议 {_rate(stats.review_correction)}；"
        f"行政诉讼 {_rate(stats.suit_correction)}"
    )
    rules = Table(title="问题按规则 findings by rule")
    for name in ("rule", "severity", "open", "confirmed", "dismissed"):
        rules.add_column(name)
    for rule, entry in stats.findings_by_rule.items():
        rules.add_row(
            rule, str(entry["severity"]), str(entry["open"]), str(entry["confirmed"]), str(entry["dismissed"])
        )
    console.print(rules)
