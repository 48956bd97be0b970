"""The worker's job: read and check a batch of sources, hand back plain records.

Runs in another process (``ProcessPoolExecutor``) or on another machine (Dask), so
it takes bytes, not paths, and returns only JSON-able dicts (see ``store.records``).
A file that cannot be read becomes a record with its ``error``; the batch goes on.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePosixPath

from ..api import read_and_check
from ..errors import GongkaiError, SourceError
from ..ingest import sniff_kind
from ..store.records import Record, finding_record, report_record

Task = list[tuple[str, bytes, str]]  # (name shown to users, content, sha256)


def safe_filename(name: str) -> str:
    """A file name for a temporary copy: the source's base name without odd characters."""
    base = PurePosixPath(name.replace("\\", "/").rsplit("!", 1)[-1]).name or "source"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w\-]+", "_", stem)[:80] or "source"
    suffix = re.sub(r"[^\w]+", "", suffix)[:10]
    return f"{stem}.{suffix}" if suffix else stem


def read_one(name: str, data: bytes, sha256: str, folder: Path) -> Record:
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
        record["kind"] = sniff_kind(data, PurePosixPath(safe_filename(name)).suffix.lower())
    except SourceError as exc:
        record["error"] = exc.problem
        return record
    path = folder / safe_filename(name)
    path.write_bytes(data)
    try:
        report, findings = read_and_check(path)
    except SourceError as exc:
        record["error"] = exc.problem
        return record
    except GongkaiError as exc:
        record["error"] = str(exc)
        return record
    except Exception as exc:  # a reader bug must not stop the corpus; record it against the file
        record["error"] = f"internal error while reading: {type(exc).__name__}: {exc}"
        return record
    finally:
        path.unlink(missing_ok=True)
    report.source = name
    record["report"] = report_record(report)
    record["findings"] = [finding_record(f) for f in findings]
    return record


def read_batch(task: Task) -> list[Record]:
    """Read and check every source of one task (the unit of work sent to a worker)."""
    with tempfile.TemporaryDirectory(prefix="gongkai-") as folder:
        return [read_one(name, data, sha, Path(folder)) for name, data, sha in task]
