"""Show corpus figures (``gongkai stats``) as rich tables; ``--json`` prints ``CorpusStats.to_json()``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..store.views import CorpusStats, Ratio, outcome_label

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _rate(ratio: Ratio) -> str:
    return f"{ratio.rate:.1%}（{ratio.corrected:g}/{ratio.decided:g}）" if ratio.rate is not None else "无已审结案件"


def render_stats(stats: CorpusStats, console: Console) -> None:
    console.print(f"[bold]报告 {stats.reports} 份[/bold]（无法读取的来源 {stats.failed_sources} 个）")
    years = Table(title="按年度")
    for name in ("年度", "报告数", "本年新收申请"):
        years.add_column(name, justify="right")
    for year, count in stats.reports_by_year.items():
        years.add_row(str(year or "未识别"), str(count), f"{stats.applications_by_year.get(year, 0):g}")
    console.print(years)
    closed = sum(stats.outcomes.values())
    outcomes = Table(title=f"办理结果构成（总计列，共 {closed:g} 件）")
    outcomes.add_column("办理结果")
    outcomes.add_column("件数", justify="right")
    outcomes.add_column("占比", justify="right")
    for row, n in stats.outcomes.items():
        if n:
            outcomes.add_row(outcome_label(row), f"{n:g}", f"{n / closed:.1%}" if closed else "")
    console.print(outcomes)
    console.print(
        f"纠错率 = 结果纠正 /（维持 + 纠正 + 其他）：行政复议 {_rate(stats.review_correction)}；"
        f"行政诉讼 {_rate(stats.suit_correction)}"
    )
    rules = Table(title="问题按规则")
    for name in ("规则", "严重程度", "待审", "已确认", "已驳回"):
        rules.add_column(name)
    for rule, entry in stats.findings_by_rule.items():
        rules.add_row(
            rule,
            _SEVERITY_ZH.get(str(entry["severity"]), str(entry["severity"])),
            str(entry["open"]),
            str(entry["confirmed"]),
            str(entry["dismissed"]),
        )
    console.print(rules)
    if stats.agencies_with_most_errors:
        ranking = Table(title="错误最多的机关")
        for name in ("机关", "报告数", "错误", "警告"):
            ranking.add_column(name, justify="left" if name.startswith("机关") else "right")
        for a in stats.agencies_with_most_errors:
            ranking.add_row(a.agency, str(a.reports), str(a.errors), str(a.warnings))
        console.print(ranking)
