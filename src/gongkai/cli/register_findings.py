"""The register's findings on the command line: the options and the printing ``due`` and ``tables`` share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.table import Table

from ..check.finding import Finding, Severity
from .exits import ERROR_FINDINGS
from .options import console

FindingsOption = Annotated[
    bool, typer.Option("--findings", help="另列出问题清单（逾期、即将到期、复议前置），JSON 中为 findings。")
]
FailOverdueOption = Annotated[
    bool, typer.Option("--fail-on-overdue", help="有已逾期的申请时以退出码 1 结束（供脚本判断）。")
]

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def print_findings(found: Sequence[Finding], title: str) -> None:
    """The findings as a table, or one line saying there are none."""
    if not found:
        console.print(f"{title}：没有逾期或即将到期的申请")
        return
    out = Table(title=f"{title}：{len(found)} 项")
    for head in ("级别", "规则", "登记号", "说明"):
        out.add_column(head)
    for f in found:
        colour = _COLOURS[f.severity]
        out.add_row(f"[{colour}]{f.severity.zh}[/{colour}]", f.rule, "、".join(f.cells), f.message)
    console.print(out)


def overdue_exit(asked: bool, overdue: int) -> None:
    """Exit 1 when the caller asked for it and some application is overdue."""
    if asked and overdue:
        raise typer.Exit(ERROR_FINDINGS)
