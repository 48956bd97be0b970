"""The ``gongkai`` command line. Each command parses, calls the library, renders."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from .._version import __version__
from ..api import read_and_check
from ..check import RULES, Severity
from ..errors import GongkaiError, SourceError
from ..render.terminal import render_findings, render_report
from ..serialize import report_to_json
from .exits import EXIT_CODES, GongkaiApp
from .options import JsonOption, console, dump, errors

if TYPE_CHECKING:
    from ..measure.evaluate import Summary

app = GongkaiApp(
    help="gongkai：读取、核查政府信息公开工作年度报告。"
    "Read and check China's government information disclosure annual reports.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
)


def _show_version(value: bool) -> None:
    if value:
        console.print(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", help="显示版本号。", callback=_show_version, is_eager=True)
    ] = False,
) -> None:
    """gongkai：读取、核查政府信息公开工作年度报告。"""


@app.command()
def read(
    file: Annotated[Path, typer.Argument(metavar="文件", help="一份报告：txt、md、html、docx、doc/wps、pdf 或图片。")],
    as_json: JsonOption = False,
) -> None:
    """按官方版式显示一份报告的三张表及发现的问题。Show one report's tables and findings.

    示例：gongkai read report.txt    gongkai read --json report.pdf
    """
    try:
        report, findings = read_and_check(file)
    except GongkaiError as exc:
        errors.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        dump(report_to_json(report, findings))
    else:
        render_report(report, findings, console)


@app.command("check")
def check_files(
    paths: Annotated[list[Path], typer.Argument(metavar="路径", help="报告文件、文件夹（递归）或 zip 压缩包。")],
    as_json: JsonOption = False,
) -> None:
    """列出多份报告发现的问题；有错误级问题时退出码为1。Check many reports.

    文件、文件夹和 zip 压缩包的查找方式与 gongkai ingest 相同：文件夹中不是报告格式的文件会跳过并说明。
    不存在的路径或无法读取的文件会报告出来，其余照常核查（没有错误级问题时退出码为2）。

    示例： gongkai check reports/    gongkai check reports.zip --json
    """
    from ..api import read_and_check_bytes
    from ..batch.sources import Skipped, discover, load

    worst = 0
    results: list[dict[str, object]] = []
    missing = {str(p) for p in paths if not p.exists()}
    for ref in discover(paths):
        loaded = load(ref) if not isinstance(ref, Skipped) else ref
        if isinstance(loaded, Skipped):
            if loaded.name in missing:
                errors.print(f"[red]错误[/red] {loaded.name}：{loaded.reason}")
                results.append({"source": loaded.name, "error": loaded.reason})
                worst = worst or 2
            else:
                errors.print(f"[yellow]跳过[/yellow] {loaded.name}：{loaded.reason}")
                results.append({"source": loaded.name, "skipped": loaded.reason})
            continue
        try:
            _report, findings = read_and_check_bytes(loaded.data, loaded.name)
        except GongkaiError as exc:
            errors.print(f"[red]错误[/red] {exc}")
            results.append({"source": loaded.name, "error": exc.problem if isinstance(exc, SourceError) else str(exc)})
            worst = worst or 2
            continue
        if any(f.severity is Severity.ERROR for f in findings):
            worst = 1
        if as_json:
            results.append({"source": loaded.name, "findings": [f.to_json() for f in findings]})
        else:
            render_findings(findings, console, source=loaded.name)
    if as_json:
        dump(results)
    raise typer.Exit(worst)


@app.command("eval")
def eval_command(
    corpus_dir: Annotated[Path, typer.Argument(metavar="报告文件夹", help="原始报告所在文件夹。")],
    gold_dir: Annotated[Path, typer.Argument(metavar="gold文件夹", help="人工核对的 gold JSON 文件夹。")],
    as_json: JsonOption = False,
) -> None:
    """与人工核对的 gold 文件比较：单元格、元数据、问题。Evaluate against gold files.

    示例：gongkai eval ../shared/corpus/seeds ../shared/gold/seeds
    """
    from ..measure.evaluate import evaluate

    summary = evaluate(corpus_dir, gold_dir, read_and_check)
    if as_json:
        dump(_summary_json(summary))
        return
    _print_summary(summary)
    console.print(summary.line(), soft_wrap=True)


def _summary_json(summary: Summary) -> dict[str, object]:
    return {
        "files": [
            {
                "source": f.source,
                "error": f.error,
                "cells": [f.cells_exact, f.cells_total],
                "cell_mismatches": [list(map(str, m)) for m in f.cell_mismatches],
                "metadata_mismatches": [list(map(str, m)) for m in f.metadata_mismatches],
                "missed_findings": f.missed,
                "false_errors": [x.to_json() for x in f.false_errors],
            }
            for f in summary.files
        ],
        "rules": {k: {"recall": [v[0], v[1]], "precision": [v[2], v[3]]} for k, v in summary.by_rule().items()},
        "total": summary.line(),
    }


def _print_summary(summary: Summary) -> None:
    files = Table(title="每个文件")
    for name in ("来源", "单元格", "元数据", "找到的 gold 问题", "误报的错误"):
        files.add_column(name)
    for f in summary.files:
        made = sum(sum(v) for v in f.gold_found.values())
        total = sum(len(v) for v in f.gold_found.values())
        files.add_row(
            f.source,
            "无法读取：" + f.error if f.error else f"{f.cells_exact}/{f.cells_total}",
            "一致"
            if not f.metadata_mismatches
            else ", ".join(f"{k}: {g!r}≠{p!r}" for k, g, p in f.metadata_mismatches),
            f"{made}/{total}",
            str(len(f.false_errors)),
        )
    console.print(files)
    rules = Table(title="按规则")
    for name in ("规则", "召回（找到的 gold 问题）", "精确（报出的问题中正确的）"):
        rules.add_column(name)
    for rule, (rm, rt, pc, pt) in summary.by_rule().items():
        rules.add_row(rule, f"{rm}/{rt}", f"{pc}/{pt}")
    console.print(rules)
    for f in summary.files:
        for cid, expected, got, state in f.cell_mismatches:
            console.print(f"  {f.source}  单元格 {cid}：gold {expected!r}，读取 {got!r}（{state}）", soft_wrap=True)
        for g in f.missed:
            console.print(f"  {f.source}  未发现的问题 {g.get('rule')}（{g.get('where')}）")
        for x in f.false_errors:
            console.print(f"  {f.source}  gold 中没有的错误：{x.rule} {list(x.cells)[:3]}")


@app.command()
def rules(
    as_json: JsonOption = False,
    docs: Annotated[Path | None, typer.Option(help="为每条规则在此文件夹写一页 Markdown。")] = None,
) -> None:
    """列出规则目录：编号、严重程度、名称（--json 另有英文名称）。List the rule catalog.

    示例：gongkai rules --json    gongkai rules --docs docs/rules
    """
    if docs is not None:
        from ..check.docs import write_rule_docs

        for path in write_rule_docs(docs):
            console.print(str(path))
        return
    if as_json:
        dump([{"id": r.id, "severity": r.severity.value, "zh": r.zh, "en": r.en, "doc": r.doc} for r in RULES.values()])
        return
    table = Table(title="规则目录")
    for name in ("编号", "严重程度", "名称"):
        table.add_column(name)
    for r in RULES.values():
        table.add_row(r.id, r.severity.zh, r.zh)
    console.print(table)


@app.command()
def bench(
    paths: Annotated[list[Path], typer.Argument(metavar="路径", help="报告文件或文件夹。")],
    seconds: Annotated[float, typer.Option(help="测量大约这么多秒。")] = 5.0,
    as_json: JsonOption = False,
) -> None:
    """测量单核读取+核查速度（每秒份数）。Measure read+check throughput.

    示例：gongkai bench ../shared/corpus/seeds
    """
    files = [p for path in paths for p in (sorted(path.iterdir()) if path.is_dir() else [path]) if p.is_file()]
    files = [f for f in files if f.suffix.lower() in (".txt", ".md", ".html", ".htm", ".docx", ".pdf")]
    for f in files:
        read_and_check(f)  # warm-up: imports, caches
    count = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < seconds or count == 0:
        for f in files:
            read_and_check(f)
            count += 1
    cpu = time.process_time() - cpu0
    result = {
        "files": len(files),
        "reports": count,
        "cpu_seconds": round(cpu, 3),
        "reports_per_cpu_second": round(count / cpu, 1),
        "ms_per_report": round(1000 * cpu / count, 2),
    }
    if as_json:
        dump(result)
    else:
        console.print(
            f"读取+核查：每核每秒 {result['reports_per_cpu_second']} 份"
            f"（每份 {result['ms_per_report']} 毫秒；{len(files)} 个文件共 {count} 份，CPU 用时 {cpu:.1f} 秒）"
        )


def _register_more() -> None:
    from . import agencies, corpus, corrections, register, web, write

    corpus.register(app)
    corrections.register(app)
    web.register(app)
    agencies.register(app)
    register.register(app)
    write.register(app)


_register_more()

if __name__ == "__main__":
    app()
