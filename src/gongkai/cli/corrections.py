"""``gongkai correct`` and ``gongkai corrections``: a reviewer's value for a misread cell, and the history.

The read value is kept; the report is checked again on the corrected values and the
command prints the findings that changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import StoreError
from .corpus import _repository
from .options import DbOption, JsonOption, console, dump, errors

if TYPE_CHECKING:
    from ..store.views import CorrectionResult, FindingRow

NOT_PRINTED_HELP = "缺"


def correct_command(
    report_id: Annotated[int, typer.Argument(metavar="报告编号", help="报告编号（见 gongkai list）。")],
    cell_id: Annotated[
        str,
        typer.Argument(
            metavar="单元格", help="单元格编号，如 applications.carried.person（见 gongkai show --json 的单元格列表）。"
        ),
    ],
    value: Annotated[
        str | None, typer.Argument(metavar="值", help=f"更正后的数值；原文未印出的填“{NOT_PRINTED_HELP}”。撤回时不填。")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="更正理由（必填），如“扫描件上此格为1”。")] = None,
    author: Annotated[str | None, typer.Option("--by", help="更正人（撤回时为撤回人）。")] = None,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="撤回这个单元格的更正，恢复读取值。")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """更正一个读错或无法读取的单元格（读取值保留），并重新检查报告。Correct a misread cell.

    示例：gongkai correct 6 applications.carried.person 1 --reason "扫描件上此格为1" --by 王
    撤回：gongkai correct 6 applications.carried.person --withdraw --by 王
    """
    from ..batch.corrections import correct
    from ..batch.corrections import withdraw as withdraw_correction

    if withdraw and value is not None:
        errors.print("[red]错误[/red] 撤回更正时不要给出数值")
        raise typer.Exit(2)
    if not withdraw and (value is None or not (reason or "").strip()):
        errors.print("[red]错误[/red] 更正须给出数值和理由（--reason）；撤回用 --withdraw")
        raise typer.Exit(2)
    with _repository(db) as repository:
        try:
            if withdraw:
                result = withdraw_correction(repository, report_id, cell_id, author)
            else:
                assert value is not None and reason is not None
                result = correct(repository, report_id, cell_id, value, reason, author)
        except StoreError as exc:
            errors.print(f"[red]错误[/red] {exc}")
            raise typer.Exit(2) from None
    if as_json:
        dump(result.to_json())
        return
    _print_result(result)


def _shown(value: str | None, state: str | None) -> str:
    """A value as the tables show it: the number, 空 (printed empty) or 缺 (not printed)."""
    from ..model import ABSENT_MARK, BLANK_MARK

    if value is not None:
        return value
    return BLANK_MARK if state == "blank" else ABSENT_MARK


def _print_result(result: CorrectionResult) -> None:
    shown = _shown(result.value, result.state)
    c = result.correction
    if result.withdrawn:
        console.print(f"#{result.report_id} {result.cell_id}：已撤回更正，恢复读取值 {shown}")
    else:
        read = _shown(c.read_value if c else None, result.read_state) if result.read_state else "未读出"
        console.print(
            f"#{result.report_id} {result.cell_id}：更正为 {shown}（读取值 {read}；理由：{c.reason if c else ''}）"
        )
    changed = [("新增", f) for f in result.findings_added] + [("消失", f) for f in result.findings_removed]
    changed += [("改写", f) for f in result.findings_changed]
    if not changed:
        console.print("重新检查后，问题没有变化。")
        return
    table = Table(title="重新检查后变化的问题")
    for name in ("变化", "严重程度", "规则", "说明", "指纹"):
        table.add_column(name)
    for what, f in changed:
        table.add_row(what, _severity(f), f.rule, f.message, f.fingerprint)
    console.print(table)


def _severity(f: FindingRow) -> str:
    from ..check import Severity

    return Severity(f.severity).zh


def corrections_command(
    report_id: Annotated[int, typer.Argument(metavar="报告编号", help="报告编号。")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出一份报告的全部单元格更正（含已撤回的）。List a report's corrections.

    示例：gongkai corrections 6
    """
    with _repository(db) as repository:
        try:
            rows = repository.corrections(report_id)
        except StoreError as exc:
            errors.print(f"[red]错误[/red] {exc}")
            raise typer.Exit(2) from None
    if as_json:
        dump([r.to_json() for r in rows])
        return
    if not rows:
        console.print(f"报告 #{report_id} 没有单元格更正。")
        return
    table = Table(title=f"报告 #{report_id} 的单元格更正")
    for name in ("单元格", "更正值", "读取值", "理由", "更正人", "时间", "状态"):
        table.add_column(name)
    for r in rows:
        state = "生效" if r.in_force else ("已撤回" if r.withdrawn_at else "已被新更正取代")
        if r.withdrawn_by:
            state += f"（{r.withdrawn_by}）"
        table.add_row(
            r.cell_id,
            r.value if r.value is not None else NOT_PRINTED_HELP,
            r.read_value if r.read_value is not None else "（未读出）",
            r.reason,
            r.author or "",
            r.at.strftime("%Y-%m-%d %H:%M"),
            state,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``correct`` and ``corrections`` to ``app``."""
    app.command("correct")(correct_command)
    app.command("corrections")(corrections_command)
