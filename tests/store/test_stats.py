"""Statistics: every figure equals a direct count over the seeds/dev reports read with gongkai.read_file,
and the CLI and the API print the one JSON shape of ``CorpusStats.to_json``."""

from __future__ import annotations

import json
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongkai
from gongkai.check import check as run_checks
from gongkai.cli import app
from gongkai.model import Report
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import CorpusStats, ReportFilter

from .conftest import corpus_files, failed_record


def _direct(reports: list[Report]) -> dict[str, object]:
    """The figures counted straight from the reports, through the formats' views."""
    applications: dict[int | None, float] = {}
    outcomes: defaultdict[str, float] = defaultdict(float)
    ratios = {"review": [0.0, 0.0], "suit": [0.0, 0.0]}
    rules: dict[str, dict[str, object]] = {}
    for report in reports:
        fmt = report.format
        view = fmt.applications if fmt else None
        if view is not None:
            if view.cell(view.new) in report.cells:
                applications[report.year] = applications.get(report.year, 0) + float(report.number(view.cell(view.new)))
            for row in view.outcomes:
                if view.cell(row) in report.cells:
                    outcomes[row.id] += float(report.number(view.cell(row)))
        appeals = fmt.appeals if fmt else None
        if appeals is not None:
            for name, groups in (("review", (appeals.review,)), ("suit", appeals.suits)):
                for group in groups:
                    ratios[name][0] += float(report.number(appeals.cell(group, appeals.corrected)))
                    ratios[name][1] += sum(float(report.number(appeals.cell(group, c))) for c in appeals.decided)
        for finding in run_checks(report):
            entry = rules.setdefault(finding.rule, {"severity": finding.severity.value, "open": 0})
            entry["open"] = int(entry["open"]) + 1  # type: ignore[call-overload]
    return {
        "reports": len(reports),
        "reports_by_year": dict(Counter(r.year for r in reports)),
        "applications_by_year": applications,
        "outcomes": dict(outcomes),
        "review": tuple(ratios["review"]),
        "suit": tuple(ratios["suit"]),
        "rules": rules,
    }


def _figures(stats: CorpusStats) -> dict[str, object]:
    return {
        "reports": stats.reports,
        "reports_by_year": stats.reports_by_year,
        "applications_by_year": stats.applications_by_year,
        "outcomes": stats.outcomes,
        "review": (stats.review_correction.corrected, stats.review_correction.decided),
        "suit": (stats.suit_correction.corrected, stats.suit_correction.decided),
        "rules": {rule: {"severity": e["severity"], "open": e["open"]} for rule, e in stats.findings_by_rule.items()},
    }


@pytest.fixture(scope="module")
def read_reports() -> list[Report]:
    return [gongkai.read_file(p) for p in corpus_files()]


@pytest.mark.parametrize("year", [None, 2021, 2023])
def test_figures_equal_a_direct_count(stored: Repository, read_reports: list[Report], year: int | None) -> None:
    chosen = [r for r in read_reports if year is None or r.year == year]
    stats = stored.stats(ReportFilter(years=(year,)) if year else ReportFilter())
    assert _figures(stats) == _direct(chosen)
    assert stats.reports_by_year == dict(sorted(Counter(r.year for r in chosen).items()))  # oldest first
    assert all(e["confirmed"] == e["dismissed"] == 0 for e in stats.findings_by_rule.values())


def test_the_figures_are_not_empty(stored: Repository) -> None:
    stats = stored.stats()
    assert stats.outcomes and sum(stats.outcomes.values()) > 0
    assert stats.review_correction.decided > 0 and stats.applications_by_year


def test_agencies_ranked_by_their_open_errors(stored: Repository, corpus_records: dict[str, Record]) -> None:
    errors: Counter[str] = Counter()
    for r in corpus_records.values():
        errors[r["report"]["agency_key"]] += sum(1 for f in r["findings"] if f["severity"] == "error")
    ranked = stored.stats().agencies_with_most_errors
    assert [a.errors for a in ranked] == sorted((n for n in errors.values() if n), reverse=True)
    assert sum(a.reports for a in ranked) == sum(
        1 for r in corpus_records.values() if errors[r["report"]["agency_key"]]
    )


def test_failed_sources_are_counted(stored: Repository) -> None:
    stored.write([failed_record("坏.pdf", b"broken", "无法读取")], cross_year=lambda a, b: [])
    assert stored.stats().failed_sources == 1


def test_reviews_move_counts_between_statuses(stored: Repository) -> None:
    rid, finding = next(
        (rid, f) for rid, fs in stored.findings([r.id for r in stored.list_reports()]).items() for f in fs
    )
    before = stored.stats().findings_by_rule[finding.rule]
    stored.set_review(rid, finding.fingerprint, "dismissed")
    after = stored.stats().findings_by_rule[finding.rule]
    assert (after["open"], after["dismissed"]) == (int(before["open"]) - 1, 1)  # type: ignore[call-overload]


def test_the_json_shape(stored: Repository) -> None:
    shape = stored.stats().to_json()
    assert list(shape) == [
        "reports",
        "failed_sources",
        "reports_by_year",
        "applications_by_year",
        "outcomes",
        "correction_rate",
        "findings_by_rule",
        "agencies_with_most_errors",
    ]
    outcomes = shape["outcomes"]
    assert isinstance(outcomes, dict)
    assert outcomes["granted"]["label"] == "（一）予以公开"
    assert abs(sum(o["share"] for o in outcomes.values()) - 1) < 1e-9
    assert set(shape["correction_rate"]) == {"review", "suit"}  # type: ignore[arg-type]
    assert json.loads(json.dumps(shape, ensure_ascii=False)) == shape


def test_cli_and_api_print_the_same_shape(stored: Repository, tmp_path: Path) -> None:
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from fastapi.testclient import TestClient

    from gongkai.web import WebSettings, create_app

    url = stored.database.url
    settings = WebSettings(
        database_url=url,
        originals_root=tmp_path / "originals",
        page_cache_dir=tmp_path / "pages",
        ingest_processes=0,
        allowed_hosts=("testserver",),  # the Host of Starlette's TestClient
    )
    with TestClient(create_app(settings)) as client:
        for query, args in (({}, []), ({"year": "2021"}, ["--year", "2021"])):
            api = client.get("/api/stats", params=query).json()
            cli = CliRunner().invoke(app, ["stats", "--db", url, "--json", *args])
            assert cli.exit_code == 0, cli.output
            assert json.loads(cli.stdout) == api == json.loads(json.dumps(stored.stats(_year(args)).to_json()))


def _year(args: list[str]) -> ReportFilter:
    return ReportFilter(years=(int(args[1]),)) if args else ReportFilter()
