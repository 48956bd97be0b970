"""One line per uploaded file after an upload: what became of it (stored, held out, failed, skipped) and why.

The line is built once, when the job finishes, and kept in the job's ``results`` (so the job
page and the history show it from any server process):

    {"source", "report_id", "status", "reason", "agency", "year", "version", "current", "findings"}

``status`` is one of ``STATUS_ZH``'s keys; ``findings`` counts the report's findings by severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..batch.work import NOT_A_REPORT
from ..store.repository import Repository

STATUS_ZH = {
    "stored": "已入库",
    "already": "此前已存储",
    "held_out": "未作为报告入库",
    "failed": "无法读取",
    "skipped": "已跳过",
}

HELD_OUT = NOT_A_REPORT.split("（", 1)[0]  # the Chinese reason; its bracket names the CLI's option
HELD_OUT_HINT = "若确属年度报告，请勾选“未识别为年度报告的文件也强制作为报告入库”后重新上传。"
ALREADY_FAILED = "此前已上传过相同内容，当时未能作为报告入库"


def file_results(
    repo: Repository,
    files: Iterable[tuple[str, str]],
    summary: Mapping[str, Any],
    known: Mapping[str, bool],
    skipped: Iterable[tuple[str, str]] = (),
) -> list[dict[str, Any]]:
    """The result line of each (shown name, sha256) read, then of each file skipped before reading.

    ``summary`` is the ingest's ``IngestSummary.to_json()`` (folder paths already taken out),
    ``known`` the store's ``known_sources`` before the ingest (sha256 → failed then).
    """
    files = list(files)
    ids = repo.report_ids_for([sha for _, sha in files])
    findings = repo.findings(sorted(set(ids.values())))
    errors = {str(f["source"]): str(f["error"]) for f in summary.get("failures", [])}
    out: list[dict[str, Any]] = []
    for name, sha in files:
        rid = ids.get(sha)
        line: dict[str, Any] = {"source": name, "report_id": rid, "reason": None}
        if rid is not None:
            row = repo.report_row(rid)
            counts = Counter(f.severity for f in findings.get(rid, []))
            line.update(
                status="already" if sha in known else "stored",
                agency=row.agency if row else None,
                year=row.year if row else None,
                version=row.version if row else None,
                current=row.current if row else None,
                findings=dict(counts),
            )
        else:
            error = errors.get(name)
            if error is None and sha in known:
                line.update(status="already", reason=ALREADY_FAILED)
            elif error == NOT_A_REPORT:
                line.update(status="held_out", reason=f"{HELD_OUT}。{HELD_OUT_HINT}")
            else:
                line.update(status="failed", reason=error or "未能读取")
        out.append(line)
    read_names = {name for name, _ in files}
    for name, reason in [*skipped, *((str(s["source"]), str(s["reason"])) for s in summary.get("skips", []))]:
        if name not in read_names:
            out.append({"source": name, "report_id": None, "status": "skipped", "reason": reason})
    return out
