"""Compare what gongkai reads with hand-checked gold files (``shared/gold``).

Cells: every cell of the gold's format, null included, must be exactly equal
(``ambiguous_cells`` are not scored). Metadata: agency, year, format,
published. Findings: a gold finding is made when a finding of the same rule
names a cell or part matching its ``where``; precision counts predicted
findings that match some gold finding of their rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..check import Finding, Severity
from ..errors import GoldError, GongkaiError
from ..formats import FORMATS, Table
from ..model import Report

METADATA_FIELDS = ("agency", "year", "format", "published")


@dataclass(slots=True)
class Gold:
    source: str
    metadata: dict[str, object]
    cells: dict[str, object]
    findings: list[dict[str, object]]
    ambiguous: set[str]


def load_gold(path: Path) -> Gold:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{path}: {exc}") from exc
    cells: dict[str, object] = {}
    fmt = FORMATS.get(str(data.get("format")))
    if fmt is not None and fmt.tables:
        for table in fmt.tables:
            cells.update(_gold_cells(table, data.get(table.id) or {}))
        for cid in fmt.cell_ids():
            cells.setdefault(cid, None)
    metadata = {k: data.get(k) for k in METADATA_FIELDS}
    return Gold(
        data["source"], metadata, cells, list(data.get("findings") or []), set(data.get("ambiguous_cells") or [])
    )


def _gold_cells(table: Table, rows: dict[str, object]) -> dict[str, object]:
    """A gold table: ``{row: {column: value}}``, or ``{row: [values in column order]}`` for one-block tables."""
    columns = [c.id for block in table.blocks for c in block.columns]
    cells: dict[str, object] = {}
    for row, values in rows.items():
        if isinstance(values, dict):
            cells.update({table.cell(row, col): value for col, value in values.items()})
        elif isinstance(values, list):
            cells.update({table.cell(row, col): value for col, value in zip(columns, values)})
    return cells


def where_matches(where: str, cell: str) -> bool:
    """Does a gold ``where`` ("applications.*.person/total", "appeals.review", "section6") name ``cell``?"""
    pattern = where.split(".")
    parts = cell.split(".")
    if len(parts) < len(pattern):
        return False
    return all(p == "*" or part in p.split("/") for p, part in zip(pattern, parts))


def finding_matches(gold: dict[str, object], finding: Finding) -> bool:
    return gold.get("rule") == finding.rule and any(where_matches(str(gold.get("where", "")), c) for c in finding.cells)


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


@dataclass(slots=True)
class FileResult:
    source: str
    cells_total: int = 0
    cells_exact: int = 0
    cell_mismatches: list[tuple[str, object, object, str]] = field(default_factory=list)
    metadata_mismatches: list[tuple[str, object, object]] = field(default_factory=list)
    gold_found: dict[str, list[bool]] = field(default_factory=dict)  # rule → made? per gold finding
    predicted: dict[str, list[bool]] = field(default_factory=dict)  # rule → matches gold? per finding
    false_errors: list[Finding] = field(default_factory=list)
    missed: list[dict[str, object]] = field(default_factory=list)
    error: str | None = None


def evaluate_file(gold: Gold, report: Report, findings: list[Finding]) -> FileResult:
    result = FileResult(gold.source)
    for cid, expected in gold.cells.items():
        if cid in gold.ambiguous:
            continue
        cell = report.cells.get(cid)
        got = cell.value if cell else None
        result.cells_total += 1
        if _same(expected, got):
            result.cells_exact += 1
        else:
            result.cell_mismatches.append((cid, expected, got, cell.state.value if cell else "missing"))
    got_meta = {
        "agency": report.agency,
        "year": report.year,
        "format": report.format_id,
        "published": report.published.isoformat() if report.published else None,
    }
    for key in METADATA_FIELDS:
        if gold.metadata.get(key) != got_meta[key]:
            result.metadata_mismatches.append((key, gold.metadata.get(key), got_meta[key]))
    for g in gold.findings:
        made = any(finding_matches(g, f) for f in findings)
        if g.get("optional") and not made:
            continue
        result.gold_found.setdefault(str(g["rule"]), []).append(made)
        if not made:
            result.missed.append(g)
    for f in findings:
        ok = any(finding_matches(g, f) for g in gold.findings)
        result.predicted.setdefault(f.rule, []).append(ok)
        if not ok and f.severity is Severity.ERROR:
            result.false_errors.append(f)
    return result


@dataclass(slots=True)
class Summary:
    files: list[FileResult]

    @property
    def cells(self) -> tuple[int, int]:
        return sum(f.cells_exact for f in self.files), sum(f.cells_total for f in self.files)

    @property
    def metadata(self) -> tuple[int, int]:
        ok = sum(len(METADATA_FIELDS) - len(f.metadata_mismatches) for f in self.files if f.error is None)
        return ok, len(METADATA_FIELDS) * len(self.files)

    def by_rule(self) -> dict[str, tuple[int, int, int, int]]:
        """rule → (gold made, gold total, predicted correct, predicted total)."""
        rules: dict[str, list[int]] = {}
        for f in self.files:
            for rule, made in f.gold_found.items():
                r = rules.setdefault(rule, [0, 0, 0, 0])
                r[0] += sum(made)
                r[1] += len(made)
            for rule, ok in f.predicted.items():
                r = rules.setdefault(rule, [0, 0, 0, 0])
                r[2] += sum(ok)
                r[3] += len(ok)
        return {k: (v[0], v[1], v[2], v[3]) for k, v in sorted(rules.items())}

    @property
    def recall(self) -> tuple[int, int]:
        table = self.by_rule().values()
        return sum(v[0] for v in table), sum(v[1] for v in table)

    @property
    def precision(self) -> tuple[int, int]:
        table = self.by_rule().values()
        return sum(v[2] for v in table), sum(v[3] for v in table)

    @property
    def false_errors(self) -> int:
        return sum(len(f.false_errors) for f in self.files)

    def line(self) -> str:
        (ce, ct), (me, mt), (rm, rt), (pc, pt) = self.cells, self.metadata, self.recall, self.precision
        pct = 100 * ce / ct if ct else 100.0
        return (
            f"TOTAL {len(self.files)} files: cells {ce}/{ct} exact ({pct:.1f}%), metadata {me}/{mt}, "
            f"findings recall {rm}/{rt}, precision {pc}/{pt}, false errors {self.false_errors}"
        )


def evaluate(
    corpus_dir: Path,
    gold_dir: Path,
    read: Callable[[Path], tuple[Report, list[Finding]]],
    progress: Callable[[str], None] | None = None,
) -> Summary:
    files = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = load_gold(gold_path)
        if progress:
            progress(gold.source)
        try:
            report, findings = read(corpus_dir / gold.source)
        except GongkaiError as exc:
            result = FileResult(gold.source, cells_total=len(gold.cells) - len(gold.ambiguous), error=str(exc))
            result.missed = [g for g in gold.findings if not g.get("optional")]
            for g in result.missed:
                result.gold_found.setdefault(str(g["rule"]), []).append(False)
            files.append(result)
            continue
        files.append(evaluate_file(gold, report, findings))
    return Summary(files)
