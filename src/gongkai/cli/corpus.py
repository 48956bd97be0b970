"""Corpus commands (ingest, list, show, compare, stats, export) for the ``gongkai`` CLI; ``review``, ``queue``
and ``opinion`` live in ``cli/review.py`` and are registered here.

Every command takes ``--db URL`` (else ``$GONGKAI_DB``, else ./gongkai.sqlite) and
prints a table, or JSON with ``--json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import OperationalError

from ..errors import NotFound
from . import review
from .options import DbOption, JsonOption, console, dump, errors
from .review import ReviewStateOption, RuleOption, SeverityOption, finding_choices

if TYPE_CHECKING:
    from ..batch import IngestSummary
    from ..store.repository import Repository
    from ..store.views import ReportFilter


def _progress(label: str) -> Progress:
    """A progress bar on stderr, shown only on a terminal."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )


AgencyOption = Annotated[str | None, typer.Option("--agency", help="机关名称的一部分，例如 洪泽区。")]
YearOption = Annotated[list[int] | None, typer.Option("--year", help="报告年度（可重复）。Report year (repeatable).")]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", help="表格格式：2021版（或 2021）、2019版（或 2019）、2019年以前（或 pre2019）。"),
]
LevelOption = Annotated[
    str | None,
    typer.Option(
        "--level", help="机关类型：人民政府、部门、乡镇（街道）、其他；也接受 government、department、township、other。"
    ),
]
ErrorsOption = Annotated[
    bool | None, typer.Option("--has-errors/--no-errors", help="只列有（或没有）错误级问题的报告。")
]
RegionOption = Annotated[
    str | None,
    typer.Option("--region", help="地区（含下级）：如 江苏省淮安市，包括其下各区县的报告。"),
]
AllVersionsOption = Annotated[
    bool,
    typer.Option("--all-versions", help="也包括已被新版本取代的报告。"),
]


@contextmanager
def _repository(db: str | None) -> Iterator[Repository]:
    from ..store import open_database
    from ..store.db import shown_url
    from ..store.problems import database_problem
    from ..store.repository import Repository

    try:
        database = open_database(db)
    except Exception:
        from ..store.db import database_url

        errors.print(
            f"[red]错误[/red] 无法打开数据库 {shown_url(database_url(db))}（文件夹不存在、没有权限，或数据库地址有误）"
        )
        raise typer.Exit(2) from None
    try:
        yield Repository(database)
    except OperationalError as exc:  # the database refused a write or a read: say which, in a sentence
        errors.print(f"[red]错误[/red] {database_problem(exc)}（{shown_url(database.url)}）")
        raise typer.Exit(2) from None
    finally:
        database.close()


def _filter(
    agency: str | None,
    year: list[int] | None,
    fmt: str | None,
    level: str | None,
    has_errors: bool | None,
    all_versions: bool = False,
    findings: dict[str, str | None] | None = None,  # rule, severity, review_status (cli/review.finding_choices)
    region: str | None = None,
) -> ReportFilter:
    from ..store.views import ReportFilter

    return ReportFilter(
        **(findings or {}),  # type: ignore[arg-type]
        agency=agency,
        years=tuple(year) if year else None,
        format=_choice("--format", fmt, _FORMAT_WORDS),
        level=_choice("--level", level, _LEVEL_WORDS),
        has_errors=has_errors,
        include_superseded=all_versions,
        region=(region or "").strip() or None,
    )


def _words() -> tuple[dict[str, str], dict[str, str]]:
    from ..formats import FORMATS
    from ..model import EntityType

    formats = {f.id: f.id for f in FORMATS.values()} | {f.short_name: f.id for f in FORMATS.values() if f.short_name}
    levels = {e.value: e.value for e in EntityType} | {e.zh: e.value for e in EntityType}
    levels |= {"政府": "government", "部门": "department", "乡镇": "township", "街道": "township"}
    return formats, levels


_FORMAT_WORDS, _LEVEL_WORDS = _words()


_LEVEL_ZH = {"government": "人民政府", "department": "部门", "township": "乡镇", "other": "其他"}


def _status_zh(status: str) -> str:
    """A review status as a reviewer reads it (``dismissed`` → ``不是问题（误报）``)."""
    from ..store.views import REVIEW_STATUS_ZH

    return REVIEW_STATUS_ZH.get(status, status)


def _choice(option: str, value: str | None, words: dict[str, str]) -> str | None:
    """The code a user's word stands for (``部门`` → ``department``); an unknown word exits 2."""
    if value is None:
        return None
    code = words.get(value.strip())
    if code is None:
        errors.print(f"[red]错误[/red] {option} 不接受“{value}”，可选：{'、'.join(words)}")
        raise typer.Exit(2)
    return code


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(metavar="路径", help="报告文件、文件夹（递归）或 zip 压缩包。")],
    db: DbOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="读取进程数（默认每核一个；0 = 在本进程中）。")
    ] = None,
    cluster: Annotated[str | None, typer.Option("--cluster", help="在 Dask 集群上运行，例如 tcp://HOST:8786。")] = None,
    files_per_task: Annotated[
        int | None, typer.Option(help="每个任务交给读取进程的文件数（默认8；集群上50）。")
    ] = None,
    reread: Annotated[
        bool, typer.Option("--reread", help="重新读取已入库的来源并替换其报告（审核结论保留，版本不变）。")
    ] = False,
    supersede: Annotated[
        bool,
        typer.Option(
            "--replace/--keep-both",
            help="同一机关同一年度的新来源：取代现行版本（默认），或与之并存、都计入统计。",
            show_default=False,
        ),
    ] = True,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="重新读取入库时出错的来源。")] = False,
    rehash: Annotated[
        bool,
        typer.Option("--rehash", help="读取每个文件重新计算哈希，不凭记下的文件大小和修改时间跳过未改动的文件。"),
    ] = False,
    accept_unrecognised: Annotated[
        bool,
        typer.Option(
            "--accept-unrecognised",
            help="未识别为年度报告的文件也作为报告入库（默认拒收并记录原因）。",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """读取、核查并入库报告；同样的文件再次入库不会重复存储。Read, check and store reports.

    同一机关同一年度的另一来源（例如先 PDF 后 HTML）成为该报告的新版本：默认（--replace）取代现行版本，
    旧版本连同问题和审核结论仍可查看，但不计入统计、列表和导出；--keep-both 两者都作为现行版本。

    未识别为年度报告的文件不作为报告入库，只记下原因（--accept-unrecognised 仍作为报告入库；
    加 --retry-failed 时重新读取）。

    示例： gongkai ingest ../shared/corpus reports.zip --db corpus.sqlite
    """
    from ..batch import IngestOptions, ingest
    from ..batch.executors import open_executor
    from ..store.jobs import ingest_lock

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        errors.print(f"[red]错误[/red] 没有这个文件或文件夹：{'、'.join(missing)}")
        raise typer.Exit(2)
    per_task = files_per_task or (50 if cluster else 8)
    options = IngestOptions(
        files_per_task=per_task,
        replace=reread,
        retry_failed=retry_failed,
        accept_unrecognised=accept_unrecognised,
        versions="supersede" if supersede else "keep-both",
        rehash=rehash,
    )
    with _repository(db) as repository, ingest_lock(repository.database):
        progress = _progress("读取")
        with progress, open_executor(workers, cluster) as executor:
            bar = progress.add_task("ingest", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, advance=done, total=total)

            try:
                summary = ingest(paths, repository, executor, options, advance)
            except KeyboardInterrupt:
                errors.print("[yellow]已中断：已写入的每一批都完整；再次运行即可继续[/yellow]")
                raise typer.Exit(130) from None
    if as_json:
        dump(summary.to_json())
        return
    _print_ingest(summary)


def _print_ingest(summary: IngestSummary) -> None:
    table = Table(title="入库结果", show_header=False)
    rate = f"（{summary.read / summary.seconds:.1f} 份/秒）" if summary.seconds and summary.read else ""
    table.add_row("来源文件", str(summary.sources))
    table.add_row("新入库报告", f"{summary.read}{rate}")
    table.add_row("已在库中", str(summary.already))
    table.add_row("本次重复内容", str(summary.duplicates))
    table.add_row("无法读取（已记录）", str(len(summary.failed)))
    table.add_row("跳过", str(len(summary.skipped)))
    for severity, zh in (("error", "错误"), ("warning", "警告"), ("info", "提示")):
        table.add_row(f"发现问题·{zh}", str(summary.findings.get(severity, 0)))
    table.add_row("用时（秒）", f"{summary.seconds:.1f}")
    console.print(table)
    for name, error in summary.failed[:20]:
        console.print(f"[red]无法读取[/red] {name}: {error}", soft_wrap=True)
    for name, reason in summary.skipped[:20]:
        console.print(f"[dim]跳过 {name}: {reason}[/dim]", soft_wrap=True)
    if summary.stored_nothing_new:
        console.print("[green]没有新内容：所有来源均已入库。[/green]")


def list_command(
    db: DbOption = None,
    agency: AgencyOption = None,
    year: YearOption = None,
    fmt: FormatOption = None,
    level: LevelOption = None,
    has_errors: ErrorsOption = None,
    all_versions: AllVersionsOption = False,
    rule: RuleOption = None,
    severity: SeverityOption = None,
    review_state: ReviewStateOption = None,
    region: RegionOption = None,
    limit: Annotated[int, typer.Option(help="最多列出的行数。")] = 200,
    as_json: JsonOption = False,
) -> None:
    """列出已入库的报告及其错误、警告、待审数。List stored reports.

    示例：gongkai list --agency 洪泽区 --year 2024 --has-errors
          gongkai list --rule balance --severity 错误 --review-state 待审
    """
    findings = finding_choices(rule, severity, review_state)
    with _repository(db) as repository:
        flt = _filter(agency, year, fmt, level, has_errors, all_versions, findings, region)
        rows = repository.list_reports(flt, limit=limit)
    if as_json:
        dump([r.to_json() for r in rows])
        return
    table = Table(title=f"已入库报告（{len(rows)}份）")
    names = ["编号", "机关", "年度", "格式", "类型", "发布日期", "错误", "警告", "待审", "来源"]
    for name in names + (["版本"] if all_versions else []):
        table.add_column(name)
    for r in rows:
        version = [_version_text(r.version, r.superseded_by)] if all_versions else []
        table.add_row(
            str(r.id),
            r.agency or "未识别",
            str(r.year or ""),
            r.format or "",
            _LEVEL_ZH.get(r.entity_type, r.entity_type),
            r.published.isoformat() if r.published else "",
            str(r.errors),
            str(r.warnings),
            str(r.pending),
            Path(r.source).name,
            *version,
        )
    console.print(table)


def _version_text(version: int, superseded_by: int | None) -> str:
    """``第2版 现行`` or ``第1版 已被 #7 取代``."""
    return f"第{version}版 " + ("现行" if superseded_by is None else f"已被 #{superseded_by} 取代")


def show_command(
    report_id: Annotated[int, typer.Argument(metavar="报告编号", help="报告编号（见 gongkai list）。")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """显示一份已入库报告的三张表和发现的问题（含审核状态）。Show a stored report.

    示例：gongkai show 12
    """
    from ..render.terminal import render_report
    from ..serialize import report_to_json
    from ..store.records import finding_from_record

    with _repository(db) as repository:
        loaded = repository.load_report(report_id)
        versions = repository.versions(report_id) if loaded is not None else []
    if loaded is None:
        errors.print(f"[red]错误[/red] 没有编号为 {report_id} 的报告")
        raise typer.Exit(2)
    report, rows = loaded
    findings = [
        finding_from_record({"rule": f.rule, "severity": f.severity, "cells": f.cells, "message": f.message})
        for f in rows
        if f.status != "dismissed"
    ]
    if as_json:
        data = report_to_json(report, findings)
        data["id"] = report_id
        data["findings"] = [f.to_json() for f in rows]
        data["versions"] = [v.to_json() for v in versions]
        dump(data)
        return
    render_report(report, findings, console)
    table = Table(title="版本")
    for name in ("版本", "编号", "来源", "入库时间", "状态"):
        table.add_column(name)
    for v in versions:
        table.add_row(
            f"第{v.version}版",
            f"#{v.id}" + ("（本报告）" if v.id == report_id else ""),
            Path(v.source).name,
            v.stored_at.strftime("%Y-%m-%d %H:%M"),
            "现行" if v.current else f"已被 #{v.superseded_by} 取代",
        )
    console.print(table)
    reviewed = [f for f in rows if f.status != "open"]
    if reviewed or rows:
        table = Table(title="问题指纹与审核")
        for name in ("指纹", "规则", "审核状态", "审核人", "理由"):
            table.add_column(name)
        for f in rows:
            table.add_row(f.fingerprint, f.rule, _status_zh(f.status), f.reviewer or "", f.reason or "")
        console.print(table)


def compare_command(
    ids: Annotated[list[int] | None, typer.Argument(metavar="报告编号", help="两个报告编号。")] = None,
    agency: AgencyOption = None,
    years: Annotated[list[int] | None, typer.Option("--years", help="该机关报告的两个年度。")] = None,
    db: DbOption = None,
    all_cells: Annotated[bool, typer.Option("--all", help="相同的单元格也列出。")] = False,
    as_json: JsonOption = False,
) -> None:
    """逐格比较两份已入库的报告。Compare two stored reports cell by cell.

    示例：gongkai compare 5 6     gongkai compare --agency 洪泽区人民政府 --years 2023 --years 2024
    """
    with _repository(db) as repository:
        if agency and years and len(years) == 2:
            found = [repository.report_for(agency, y) for y in years]
            if None in found:
                missing = [str(y) for y, i in zip(years, found, strict=True) if i is None]
                errors.print(f"[red]错误[/red] 库中没有{agency}{'、'.join(missing)}年度的报告")
                raise typer.Exit(2)
            a, b = (int(i) for i in found if i is not None)
        elif ids and len(ids) == 2:
            a, b = ids
        else:
            errors.print("[red]错误[/red] 请给出两个报告编号，或 --agency 机关 --years 年度 --years 年度")
            raise typer.Exit(2)
        try:
            ra, rb, diffs = repository.compare(a, b)
        except NotFound as exc:
            errors.print(f"[red]错误[/red] {exc}")
            raise typer.Exit(2) from None
    changed = [d for d in diffs if d.differs]
    if as_json:
        dump(
            {
                "a": a,
                "b": b,
                "cells": [d.to_json() for d in (diffs if all_cells else changed)],
                "differences": len(changed),
            }
        )
        return
    title = f"{ra.agency or '?'} {ra.year or ''} (#{a})  ⟷  {rb.agency or '?'} {rb.year or ''} (#{b})"
    table = Table(title=title)
    for name in ("单元格", "项目", f"#{a}", f"#{b}"):
        table.add_column(name, justify="right" if name.startswith("#") else "left")
    for d in diffs if all_cells else changed:
        style = "bold" if d.differs else "dim"
        table.add_row(
            d.cell_id,
            d.label,
            d.a or f"[dim]{d.a_state or '缺'}[/dim]",
            d.b or f"[dim]{d.b_state or '缺'}[/dim]",
            style=style,
        )
    console.print(table)
    console.print(f"{len(diffs)}个单元格中{len(changed)}个不同")


def stats_command(
    db: DbOption = None,
    agency: AgencyOption = None,
    year: YearOption = None,
    fmt: FormatOption = None,
    level: LevelOption = None,
    has_errors: ErrorsOption = None,
    all_versions: AllVersionsOption = False,
    region: RegionOption = None,
    as_json: JsonOption = False,
) -> None:
    """语料统计：办理结果构成、复议诉讼纠错率、各年申请量、各规则问题数、问题最多的机关。Corpus figures.

    示例：gongkai stats --year 2023 --level department
    """
    from .stats_view import render_stats

    with _repository(db) as repository:
        stats = repository.stats(_filter(agency, year, fmt, level, has_errors, all_versions, region=region))
    if as_json:
        dump(stats.to_json())
    else:
        render_stats(stats, console)


def export_command(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="要写入的文件。")] = None,
    fmt: Annotated[str, typer.Option("--format", help="导出格式：xlsx、csv、parquet 或 json。")] = "xlsx",
    form: Annotated[
        str, typer.Option("--form", help="导出形式：long（报告×单元格）、wide（每份报告一行）或 findings（问题清单）。")
    ] = "long",
    layout: Annotated[
        bool, typer.Option(help="XLSX：为每份报告加一张官方版式的表（不超过200份；默认加）。", show_default=False)
    ] = True,
    db: DbOption = None,
    agency: AgencyOption = None,
    year: YearOption = None,
    fmt_filter: Annotated[str | None, typer.Option("--table-format", help="只含这种表格格式的报告。")] = None,
    level: LevelOption = None,
    has_errors: ErrorsOption = None,
    all_versions: AllVersionsOption = False,
    issues: Annotated[
        Path | None,
        typer.Option("--issues", help="改为写出整改跟踪用的问题清单（XLSX，每个问题一行，含审核状态与最后一步时间）。"),
    ] = None,
    region: RegionOption = None,
) -> None:
    """导出已入库报告：单元格（长表或宽表）和问题清单；XLSX 含三者及官方版式。Export stored reports.

    示例：gongkai export --format xlsx --agency 洪泽区 -o hongze.xlsx
             gongkai export --format csv --form wide -o all.csv
             gongkai export --issues 问题清单.xlsx --year 2024
    """
    from ..export import write_export
    from ..export.frames import EXPORT_FORMS
    from ..export.writers import FORMATS

    if issues is not None:
        _export_issues(db, issues, _filter(agency, year, fmt_filter, level, has_errors, all_versions, region=region))
        return
    if output is None:
        errors.print("[red]错误[/red] 请用 -o 给出要写入的文件（或用 --issues 写出问题清单）")
        raise typer.Exit(2)

    for option, value, known in (("--format", fmt, FORMATS), ("--form", form, EXPORT_FORMS)):
        if value not in known:
            errors.print(f"[red]错误[/red] {option} 不接受“{value}”，可选：{'、'.join(known)}")
            raise typer.Exit(2)
    with _repository(db) as repository:
        try:
            count = write_export(
                repository,
                fmt,
                form,
                _filter(agency, year, fmt_filter, level, has_errors, all_versions, region=region),
                output,
                layout=layout,
            )
        except OSError:
            errors.print(f"[red]错误[/red] 无法写入 {output}（文件夹不存在或没有权限）")
            raise typer.Exit(2) from None
    unit = "份报告" if fmt == "xlsx" else "行"
    errors.print(f"已写入 {output}（{count}{unit}）")


def _export_issues(db: str | None, path: Path, flt: ReportFilter) -> None:
    from ..export.issues import write_issues

    with _repository(db) as repository:
        try:
            count = write_issues(repository, flt, path)
        except OSError as exc:
            errors.print(f"[red]错误[/red] 无法写入 {path}：{exc.strerror or exc}")
            raise typer.Exit(2) from None
    errors.print(f"已写入 {path}（{count}个问题）")


def bench_ingest_command(
    db: Annotated[list[str] | None, typer.Option("--db", help="数据库地址（可重复）；默认临时 SQLite 文件。")] = None,
    reports: Annotated[int, typer.Option("--reports", help="生成的合成报告份数。")] = 10_000,
    workers: Annotated[int | None, typer.Option("--workers", help="读取进程数（默认每核一个）。")] = None,
    reset_db: Annotated[bool, typer.Option("--reset", help="先删除数据库中 gongkai 的表。")] = False,
    as_json: JsonOption = False,
) -> None:
    """基准测试：生成合成报告并入库，报告每秒份数、数据库大小和统计耗时。Ingest benchmark.

    示例：gongkai bench-ingest --reports 10000 --db bench.sqlite --db postgresql://postgres@127.0.0.1:55432/bench
    """
    import tempfile

    from ..measure.bench_ingest import generate, reset, run_bench

    results = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as scratch:
        corpus = Path(scratch) / "corpus"
        errors.print(f"正在生成{reports}份合成报告 …")
        generate(corpus, reports)
        for url in db or [str(Path(scratch) / "bench.sqlite")]:
            if reset_db:
                reset(url)
            progress = _progress("入库")
            with progress:
                bar = progress.add_task("ingest", total=None)

                def advance(done: int, total: int, progress: Progress = progress, bar: TaskID = bar) -> None:
                    progress.update(bar, advance=done, total=total)

                try:
                    result = run_bench(url, reports, workers, corpus, advance)
                except ValueError as exc:
                    errors.print(f"[red]错误[/red] {exc}（可加 --reset）")
                    raise typer.Exit(2) from None
            results.append(result.to_json())
    if as_json:
        dump(results)
        return
    table = Table(title="入库基准测试")
    for name in results[0]:
        table.add_column(name)
    for row in results:
        table.add_row(*[str(v) for v in row.values()])
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the corpus commands to ``app``."""
    app.command("ingest")(ingest_command)
    app.command("list")(list_command)
    app.command("show")(show_command)
    app.command("compare")(compare_command)
    app.command("stats")(stats_command)
    review.register(app)  # review, queue, opinion
    app.command("export")(export_command)
    app.command("bench-ingest")(bench_ingest_command)
