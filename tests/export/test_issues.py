"""The issue list (XLSX) for tracking rectification, read back with openpyxl: one row per finding of the
stored reports, every code with its Chinese name, numbers as numbers, the last step's time as a date-time,
widths, a frozen header and an autofilter; the finding filters narrow the rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from gongkai import RULES
from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.export.issues import ISSUE_COLUMNS, write_issues
from gongkai.formats.cells import cell_label
from gongkai.store.repository import Repository
from gongkai.store.views import REVIEW_STATUS_ZH, ReportFilter

from ..conftest import CORPUS, shared_or_skip

HEADINGS = [h for _, h, _ in ISSUE_COLUMNS]


def _read(path: Path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[dict[str, object]]]:
    sheet = openpyxl.load_workbook(path)["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    return sheet, [dict(zip(HEADINGS, r, strict=True)) for r in rows[1:]]


def test_the_issue_list_of_a_stored_corpus(repository: Repository, tmp_path: Path) -> None:
    ingest([shared_or_skip(CORPUS / "seeds"), shared_or_skip(CORPUS / "dev")], repository, InlineExecutor())
    reports = {r.id: r for r in repository.list_reports()}
    found = repository.findings(list(reports))
    rid = next(i for i, fs in found.items() if any(f.rule == "balance" for f in fs))
    balance = next(f for f in found[rid] if f.rule == "balance")
    repository.set_review(rid, balance.fingerprint, "confirmed", "王审核", "确有不符")
    repository.set_review(rid, balance.fingerprint, "sent", "王审核", "意见书 2025-3号")

    path = tmp_path / "issues.xlsx"
    count = write_issues(repository, ReportFilter(), path)
    sheet, rows = _read(path)
    assert count == len(rows) == sum(len(fs) for fs in found.values())
    assert (
        sheet.freeze_panes == "A2"
        and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(HEADINGS)).column_letter}{count + 1}"
    )
    assert sheet.column_dimensions["K"].width >= 40  # 说明
    for row in rows:
        assert isinstance(row["报告编号"], int) and isinstance(row["年度"], int | None)
        report = reports[row["报告编号"]]  # type: ignore[index]
        assert (row["机关"], row["年度"]) == (report.agency, report.year)
        assert row["规则"] == RULES[row["规则代码"]].zh  # type: ignore[index]
        assert row["严重程度"] == {"error": "错误", "warning": "警告", "info": "提示"}[row["严重程度代码"]]  # type: ignore[index]
        assert row["审核状态"] == REVIEW_STATUS_ZH[row["审核状态代码"]]  # type: ignore[index]
    sent = next(r for r in rows if r["指纹"] == balance.fingerprint)
    assert (sent["审核状态代码"], sent["审核状态"], sent["审核人"], sent["理由"]) == (
        "sent",
        "已发送机关",
        "王审核",
        "意见书 2025-3号",
    )
    assert isinstance(sent["最后一步时间（UTC）"], datetime)
    assert sent["涉及单元格"] == "、".join(balance.cells)
    assert sent["单元格名称"] == "、".join(cell_label(c) for c in balance.cells)
    assert all(r["最后一步时间（UTC）"] is None for r in rows if r["审核状态代码"] == "open")

    narrowed = tmp_path / "sent.xlsx"
    assert write_issues(repository, ReportFilter(review_status="sent"), narrowed) == 1
    assert [r["指纹"] for r in _read(narrowed)[1]] == [balance.fingerprint]
    errors = tmp_path / "errors.xlsx"
    write_issues(repository, ReportFilter(severity="error"), errors)
    error_rows = _read(errors)[1]
    assert error_rows and all(r["严重程度代码"] == "error" for r in error_rows)
    assert len(error_rows) == sum(f.severity == "error" for fs in found.values() for f in fs)
