"""The worker's job: read and check a batch of sources, hand back plain records.

Runs in another process (``ProcessPoolExecutor``) or on another machine (Dask), so
it takes bytes, not paths, and returns only JSON-able dicts (see ``store.records``).
The bytes go straight to the library's front door (``read_and_check_bytes``);
nothing is written to disk. A source that cannot be read becomes a record with its
``error`` (the Chinese problem of the ``SourceError``); the batch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from ..api import read_and_check_bytes
from ..check import check
from ..errors import GongkaiError, SourceError
from ..ingest import source_kind
from ..limits import Limits
from ..store.corrections import apply_corrections
from ..store.records import Record, finding_record, report_record
from ..store.views import CorrectionRow

Task = list[tuple[str, bytes, str]]  # (name shown to users, content, sha256)

NOT_A_REPORT = "未识别为政府信息公开工作年度报告，未作为报告入库（确为年度报告的，可用 --accept-unrecognised 强制入库）"
"""The ``error`` of a source that was read but is not an annual report (a notice, a manifest)."""

INTERNAL_ERROR = "内部错误：读取时 gongkai 自身出错，请报告此问题"
"""The start of a record's ``error`` when the reader itself failed (a bug), not the source."""

log = logging.getLogger(__name__)


def read_one(
    name: str,
    data: bytes,
    sha256: str,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Sequence[CorrectionRow] = (),
) -> Record:
    """Read and check one source into a record; a source that cannot be read gets its ``error``.

    A source that reads but is not recognised as an annual report is held out the same way
    (``NOT_A_REPORT``), so no statistic counts it, unless ``accept_unrecognised``. Reviewers'
    ``corrections`` in force for this content are put in before the report is checked.
    """
    record: Record = {
        "name": name,
        "sha256": sha256,
        "size": len(data),
        "kind": None,
        "error": None,
        "report": None,
        "findings": [],
    }
    try:
        record["kind"] = source_kind(data, name)
        report, findings = read_and_check_bytes(data, name, limits)
    except SourceError as exc:
        record["error"] = exc.problem
        return record
    except GongkaiError as exc:
        record["error"] = str(exc)
        return record
    except Exception:  # last guard: a reader bug must not stop the corpus; record it as ours
        log.exception("internal error while reading %s", name)
        record["error"] = INTERNAL_ERROR  # the user reads Chinese; the exception and its traceback are in the log
        return record
    if report.format is None and not accept_unrecognised:
        record["error"] = NOT_A_REPORT
        return record
    if corrections:
        findings = check(apply_corrections(report, corrections))
    report.source = name
    record["report"] = report_record(report)
    record["findings"] = [finding_record(f) for f in findings]
    return record


def read_batch(
    task: Task,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Mapping[str, Sequence[CorrectionRow]] | None = None,
) -> list[Record]:
    """Read and check every source of one task (the unit of work sent to a worker).

    ``corrections``: sha256 → the reviewers' corrections in force for that content.
    """
    fixes = corrections or {}
    return [read_one(name, data, sha, limits, accept_unrecognised, fixes.get(sha, ())) for name, data, sha in task]
