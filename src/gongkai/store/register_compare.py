"""The register's year beside the agency's published report in the corpus (for the CLI and the web).

The report is found through the agencies registry (the register's agency name or key gives a
registry row, whose key the stored reports carry), else by the report's agency name. The
register's side is the current snapshot of that year, or the live tables when none was taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..register.compare import Comparison, compare_published
from ..register.tables import year_tables

if TYPE_CHECKING:
    from .repository import Repository


@dataclass(frozen=True, slots=True)
class PublishedComparison:
    """The corpus report's id and the comparison with it."""

    report_id: int
    comparison: Comparison

    def to_json(self) -> dict[str, object]:
        data = self.comparison.to_json()
        return {**data, "report": {"id": self.report_id, **_as_dict(data["report"])}}


def _as_dict(value: object) -> dict[str, object]:
    return dict(value) if isinstance(value, dict) else {}


def published_report(repo: Repository, agency: str, year: int) -> int | None:
    """The id of the corpus report of ``agency`` and ``year``: by the registry's key, else by name."""
    row = repo.agency(agency)
    if row is not None:
        found = repo.report_for(row.key, year)
        if found is not None:
            return found
    return repo.report_for(agency, year)


def compare_with_published(repo: Repository, agency: str, year: int) -> PublishedComparison | None:
    """The published report of ``agency``'s ``year`` against its current snapshot (or the live tables).

    None when the corpus holds no report of that agency and year.
    """
    report_id = published_report(repo, agency, year)
    if report_id is None:
        return None
    loaded = repo.load_report(report_id)
    if loaded is None:
        return None
    taken = repo.current_snapshot(agency, year)
    if taken is not None:
        result = compare_published(loaded[0], taken.tables, basis="snapshot", snapshot_id=taken.id)
    else:
        result = compare_published(loaded[0], year_tables(repo.applications(agency), year, agency), basis="live")
    return PublishedComparison(report_id, result)
