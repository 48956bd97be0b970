"""Review commands: a finding's steps (``review``), the queue (``queue``), the 审核意见书 (``opinion``), and the
words a user may type for a rule, a severity or a review state in the corpus commands' filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import NotFound, StoreError
from .options import DbOption, JsonOption, console, dump, errors

RuleOption = Annotated[
    str | None, typer.Option("--rule", help="只列有此规则问题的报告：规则代码或中文名称（见 gongkai rules）。")
]
SeverityOption = Annotated[
    str | None,
    typer.Option("--severity", help="只列有此严重程度问题的报告：错误（error）、警告（warning）、提示（info）。"),
]
ReviewStateOption = Annotated[
    str | None,
    typer.Option(
        "--review-state",
        help="只列有此审核状态问题的报告：待审（open）、确认问题（confirmed）、误报（dismissed）、"
        "已发送机关（sent）、已整改（rectified）、已关闭（closed）。",
    ),
]


def _rule_words() -> dict[str, str]:
    from ..check import RULES

    return {r: r for r in RULES} | {rule.zh: r for r, rule in RULES.items()}


def _severity_words() -> dict[str, str]:
    from ..check import Severity

    return {s.value: s.value for s in Severity} | {s.zh: s.value for s in Severity}


def _status_words() -> dict[str, str]:
    from ..store.workflow import STATUS_WORDS

    return STATUS_WORDS


def word(option: str, value: str | None, words: dict[str, str], hint: str | None = None) -> str | None:
    """The code a user's word stands for (``误报`` → ``dismissed``); an unknown word exits 2."""
    if value is None:
        return None
    code = words.get(value.strip())
    if code is None:
        shown = hint or "、".join(dict.fromkeys(words))
        errors.print(f"[red]错误[/red] {option} 不接受“{value}”，可选：{shown}")
        raise typer.Exit(2)
    return code


def finding_choices(rule: str | None, severity: str | None, review_state: str | None) -> dict[str, str | None]:
    """``ReportFilter`` fields for the finding filters, from the words the user typed (exit 2 on unknown ones)."""
    return {
        "rule": word("--rule", rule, _rule_words(), "gongkai rules 列出的规则代码或中文名称"),
        "severity": word("--severity", severity, _severity_words()),
        "review_status": word("--review-state", review_state, _status_words()),
    }


def review_command(
    report_id: Annotated[int | None, typer.Argument(metavar="报告编号", help="报告编号。")] = None,
    fingerprint: Annotated[
        str | None,
        typer.Argument(metavar="指纹", help="问题的指纹（或其开头几位）；省略时（配合 --status 已发送）为整份报告。"),
    ] = None,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="改为的审核状态：待审（open，即重新打开）、确认问题（confirmed）、不是问题（dismissed，即误报）、"
            "已发送机关（sent）、已整改（rectified）、已关闭（closed）；中文或代码均可。",
        ),
    ] = "",
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", help="与 --status 已发送 一起：该机关（机关键）全部现行报告的确认问题记为已发送机关。"
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="理由（显示在问题旁，记入审核记录）。")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="审核人。")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """记录一个问题的审核步骤；每一步（谁、何时、为何）记入审核记录，重新读取报告后仍然保留。

    步骤：待审 → 确认问题 / 不是问题（误报）→ 已发送机关 → 已整改 → 已关闭，任何状态都可重新打开。
    发出审核意见书时，省略指纹并用 --status 已发送，把整份报告（或 --agency 一个机关）的确认问题全部记为已发送机关。

    示例：gongkai review 6 3fa2c1 --status 误报 --reason "表内为全区口径" --reviewer 王
          gongkai review 6 --status 已发送 --reason "审核意见书 2025-3号"
    """
    from .corpus import _repository

    if not status:
        errors.print("[red]错误[/red] 请用 --status 给出审核状态")
        raise typer.Exit(2)
    code = _status_words().get(status.strip())
    if code is None:
        from ..store.workflow import REVIEW_STATUS_ZH, REVIEW_STATUSES

        shown = "、".join(f"{REVIEW_STATUS_ZH[s]}（{s}）" for s in REVIEW_STATUSES)
        errors.print(f"[red]错误[/red] 审核状态须为 {shown} 之一，而不是“{status}”")
        raise typer.Exit(2)
    with _repository(db) as repository:
        try:
            if fingerprint is None:
                if code != "sent" or (report_id is None and agency is None):
                    errors.print("[red]错误[/red] 请给出报告编号和问题指纹；整份报告或整个机关只能 --status 已发送")
                    raise typer.Exit(2)
                from ..law.agencies import normalise_agency_key

                key = normalise_agency_key(agency) if agency is not None else None
                ids = [report_id] if report_id is not None else []
                moved = repository.send_confirmed(ids, key, reviewer, reason)
                if as_json:
                    dump([f.to_json() for f in moved])
                else:
                    console.print(f"已把{len(moved)}个确认问题记为已发送机关")
                return
            if report_id is None:
                errors.print("[red]错误[/red] 请给出报告编号")
                raise typer.Exit(2)
            row = repository.set_review(report_id, fingerprint, code, reviewer, reason)
        except StoreError as exc:
            errors.print(f"[red]错误[/red] {exc}")
            raise typer.Exit(2) from None
    if as_json:
        dump(row.to_json())
    else:
        from ..store.workflow import REVIEW_STATUS_ZH

        console.print(
            f"#{report_id} {row.rule} {row.fingerprint}：{REVIEW_STATUS_ZH[row.status]}（{row.status}）"
            + (f"（{row.reason}）" if row.reason else "")
        )


def queue_command(
    db: DbOption = None,
    rule: RuleOption = None,
    severity: SeverityOption = None,
    limit: Annotated[int, typer.Option(help="最多列出的报告数。")] = 50,
    as_json: JsonOption = False,
) -> None:
    """审核队列：有待审问题的报告，有错误的在前，再按机关。

    示例： gongkai queue --severity 错误
    """
    from ..store.views import ReportFilter
    from .corpus import _repository

    choices = finding_choices(rule, severity, None)
    with _repository(db) as repository:
        rows = repository.review_queue(ReportFilter(**choices), limit=limit)  # type: ignore[arg-type]
    if as_json:
        dump([r.to_json() for r in rows])
        return
    table = Table(title=f"审核队列（{len(rows)}份报告）")
    for name in ("编号", "机关", "年度", "待审", "错误", "警告"):
        table.add_column(name)
    for r in rows:
        table.add_row(
            str(r.id), r.agency or "未识别", str(r.year or ""), str(r.pending), str(r.errors), str(r.warnings)
        )
    console.print(table)


def opinion_command(
    report_id: Annotated[
        int | None, typer.Argument(metavar="报告编号", help="报告编号（或用 --agency 给出机关）。")
    ] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="机关键：该机关全部现行报告合为一份意见书。")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="要写入的 DOCX 文件（.docx）。")] = None,
    office: Annotated[str | None, typer.Option("--office", help="审核单位（意见书落款）。")] = None,
    issued: Annotated[str | None, typer.Option("--date", help="意见书日期 YYYY-MM-DD（默认今天）。")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """生成审核意见书（DOCX）：致机关，列出确认问题（含单元格和数字）。

    只列“确认问题”和“已发送机关”的问题；误报、待审和已整改的不列。

    示例：gongkai opinion 6 -o 意见书.docx --office 某市政务公开办
          gongkai opinion --agency 洪泽区人民政府 -o 洪泽区.docx
    """
    from ..export.opinion import agency_opinion, report_opinion
    from ..render.opinion import opinion_blocks, opinion_docx
    from .corpus import _repository

    if (report_id is None) == (agency is None):
        errors.print("[red]错误[/red] 请给出一个报告编号，或 --agency 机关键（二者取一）")
        raise typer.Exit(2)
    if output is None and not as_json:
        errors.print("[red]错误[/red] 请用 -o 给出要写入的 .docx 文件")
        raise typer.Exit(2)
    try:
        day = date.fromisoformat(issued) if issued else None
    except ValueError:
        errors.print(f"[red]错误[/red] --date 须为 YYYY-MM-DD，而不是“{issued}”")
        raise typer.Exit(2) from None
    with _repository(db) as repository:
        try:
            if agency is not None:
                opinion = agency_opinion(repository, agency, day, office)
            else:
                opinion = report_opinion(repository, report_id or 0, day, office)
        except NotFound as exc:
            errors.print(f"[red]错误[/red] {exc}")
            raise typer.Exit(2) from None
    if output is not None:
        try:
            output.write_bytes(opinion_docx(opinion))
        except OSError as exc:
            errors.print(f"[red]错误[/red] 无法写入 {output}：{exc.strerror or exc}")
            raise typer.Exit(2) from None
        errors.print(f"已写入 {output}（{len(opinion.items)}个问题）")
    if as_json:
        dump(
            {
                "agency": opinion.agency,
                "findings": len(opinion.items),
                "text": [b.text for b in opinion_blocks(opinion)],
            }
        )


def register(app: typer.Typer) -> None:
    """Add the review commands to ``app``."""
    app.command("review")(review_command)
    app.command("queue")(queue_command)
    app.command("opinion")(opinion_command)
