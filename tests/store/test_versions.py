"""Report versions: one current report per agency-year, the versions it superseded kept and left out of counts.

The versions are real: dev 001 (PDF) and the same report rendered to HTML and DOCX from the
values read from the PDF — different bytes, the same agency and year, the same cells.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

import gongkai
from gongkai.check import Finding, Severity
from gongkai.model import Report
from gongkai.render.docx import render_tables_docx
from gongkai.render.html import render_tables_html
from gongkai.store import open_database
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import ReportFilter

from ..conftest import CORPUS, shared_or_skip
from .conftest import HONGZE_2023, HONGZE_2024, no_cross_year, record_of

ALL = ReportFilter(include_superseded=True)


@pytest.fixture(scope="session")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Record]:
    """The worker records of dev 001 as PDF, HTML and DOCX (in that order)."""
    pdf = shared_or_skip(CORPUS) / HONGZE_2023
    report = gongkai.read_file(pdf)
    assert report.format_id is not None
    values = {cid: cell.value for cid, cell in report.cells.items()}
    folder = tmp_path_factory.mktemp("versions")
    html, docx = folder / "001.html", folder / "001.docx"
    html.write_text(render_tables_html(report.format_id, values, title=report.title), encoding="utf-8")
    docx.write_bytes(render_tables_docx(report.format_id, values, title=report.title))
    return {"pdf": record_of(pdf), "html": record_of(html), "docx": record_of(docx)}


def _write_all(repository: Repository, forms: dict[str, Record], policy: str = "supersede") -> dict[str, int]:
    """Write the three versions one after another; their report ids by form."""
    for record in forms.values():
        repository.write([record], cross_year=no_cross_year, versions=policy)
    ids = repository.report_ids_for([r["sha256"] for r in forms.values()])
    return {form: ids[r["sha256"]] for form, r in forms.items()}


def _figures(repository: Repository, flt: ReportFilter | None = None) -> dict[str, object]:
    """The corpus figures that do not depend on which version's findings are counted."""
    data = repository.stats(flt or ReportFilter()).to_json()
    return {k: v for k, v in data.items() if k not in ("findings_by_rule", "agencies_with_most_errors")}


def test_the_three_forms_are_one_agency_year(versions: dict[str, Record]) -> None:
    keys = {(r["report"]["agency_key"], r["report"]["year"]) for r in versions.values()}
    assert keys == {("洪泽区人民政府", 2023)}
    assert len({r["sha256"] for r in versions.values()}) == 3
    cells = [{c[0]: c[1] for c in r["report"]["cells"]} for r in versions.values()]
    assert cells[0] == cells[1] == cells[2]


def test_newer_sources_supersede_and_are_counted_once(repository: Repository, versions: dict[str, Record]) -> None:
    repository.write([versions["pdf"]], cross_year=no_cross_year)
    single = _figures(repository)
    assert single["reports"] == 1 and single["outcomes"] and single["applications_by_year"]
    ids = _write_all(repository, versions)
    history = repository.versions(ids["pdf"])
    assert [(v.id, v.version, v.superseded_by) for v in history] == [
        (ids["pdf"], 1, ids["html"]),
        (ids["html"], 2, ids["docx"]),
        (ids["docx"], 3, None),
    ]
    assert [v.sha256 for v in history] == [r["sha256"] for r in versions.values()]
    assert repository.versions(ids["docx"]) == history
    assert [r.id for r in repository.list_reports()] == [ids["docx"]]
    assert [r.id for r in repository.page_reports(ReportFilter())] == [ids["docx"]]
    assert repository.count_reports() == 1 and repository.facets(ReportFilter()).total == 1
    assert _figures(repository) == single
    assert _figures(repository, ALL)["reports"] == 3
    assert {r.id for r in repository.list_reports(ALL)} == set(ids.values())
    assert repository.report_for("洪泽区人民政府", 2023) == ids["docx"]
    assert repository.agency_years("洪泽区人民政府") == [(2023, ids["docx"])]
    cells = {rid for rid, *_ in repository.iter_cells()}
    assert cells == {ids["docx"]}
    assert {rid for rid, _ in repository.iter_findings()} <= {ids["docx"]}


def test_superseded_versions_stay_viewable(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions)
    row = repository.report_row(ids["pdf"])
    assert row is not None and row.version == 1 and row.superseded_by == ids["html"] and not row.current
    loaded = repository.load_report(ids["pdf"])
    assert loaded is not None
    assert [f.fingerprint for f in loaded[1]] == [f["fingerprint"] for f in versions["pdf"]["findings"]]
    assert repository.list_reports(ReportFilter(ids=(ids["pdf"],)))[0].id == ids["pdf"]


def test_keep_both_keeps_every_version_current(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions, "keep-both")
    history = repository.versions(ids["html"])
    assert [(v.version, v.current) for v in history] == [(1, True), (2, True), (3, True)]
    assert repository.count_reports() == 3
    assert _figures(repository)["reports"] == 3


def test_a_later_supersede_replaces_every_current_version(repository: Repository, versions: dict[str, Record]) -> None:
    repository.write([versions["pdf"]], cross_year=no_cross_year)
    repository.write([versions["html"]], cross_year=no_cross_year, versions="keep-both")
    result = repository.write([versions["docx"]], cross_year=no_cross_year)
    assert result.superseded == 2
    ids = repository.report_ids_for([r["sha256"] for r in versions.values()])
    assert [r.id for r in repository.list_reports()] == [ids[versions["docx"]["sha256"]]]


def test_an_unknown_policy_is_refused(repository: Repository, versions: dict[str, Record]) -> None:
    with pytest.raises(ValueError, match="versions"):
        repository.write([versions["pdf"]], cross_year=no_cross_year, versions="newest")


def test_the_same_content_is_still_stored_once(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions)
    again = repository.write([copy.deepcopy(versions["html"])], cross_year=no_cross_year)
    assert (again.reports, again.already, again.superseded) == (0, 1, 0)
    assert [(v.id, v.superseded_by) for v in repository.versions(ids["pdf"])] == [
        (ids["pdf"], ids["html"]),
        (ids["html"], ids["docx"]),
        (ids["docx"], None),
    ]


def test_a_reread_keeps_the_versions(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions)
    before = [(v.id, v.version, v.superseded_by) for v in repository.versions(ids["pdf"])]
    result = repository.write(list(versions.values()), cross_year=no_cross_year, replace=True)
    assert result.reports == 3 and result.superseded == 0
    assert [(v.id, v.version, v.superseded_by) for v in repository.versions(ids["pdf"])] == before
    # one version alone re-read: the versions it superseded still name it
    repository.write([versions["html"]], cross_year=no_cross_year, replace=True)
    assert [(v.id, v.version, v.superseded_by) for v in repository.versions(ids["pdf"])] == before


def test_a_batch_of_versions_makes_its_last_one_current(repository: Repository, versions: dict[str, Record]) -> None:
    result = repository.write(list(versions.values()), cross_year=no_cross_year)
    assert (result.reports, result.superseded) == (3, 2)
    ids = repository.report_ids_for([r["sha256"] for r in versions.values()])
    assert [r.id for r in repository.list_reports()] == [ids[versions["docx"]["sha256"]]]


def test_reports_without_agency_or_year_are_never_merged(repository: Repository, versions: dict[str, Record]) -> None:
    records = []
    for form in ("html", "docx"):
        record = copy.deepcopy(versions[form])
        record["report"]["agency_key"] = None
        records.append(record)
    record = copy.deepcopy(versions["pdf"])
    record["report"]["year"] = None
    records.append(record)
    for r in records:
        repository.write([r], cross_year=no_cross_year)
    rows = repository.list_reports()
    assert len(rows) == 3 and all(r.version == 1 and r.current for r in rows)
    assert all(len(repository.versions(r.id)) == 1 for r in rows)


def test_deleting_a_version_hands_on_its_place(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions)
    assert repository.delete_report(ids["html"])
    assert [(v.id, v.superseded_by) for v in repository.versions(ids["pdf"])] == [
        (ids["pdf"], ids["docx"]),
        (ids["docx"], None),
    ]
    assert repository.delete_report(ids["docx"])
    assert [r.id for r in repository.list_reports()] == [ids["pdf"]]


def test_version_diff_gives_cells_and_findings(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions)
    diff = repository.version_diff(ids["pdf"], ids["docx"])
    assert diff.cells and diff.changed_cells == []  # the DOCX was rendered from the PDF's values
    pdf = {f["fingerprint"] for f in versions["pdf"]["findings"]}
    docx = {f["fingerprint"] for f in versions["docx"]["findings"]}
    assert {f.fingerprint for f in diff.findings_added} == docx - pdf
    assert {f.fingerprint for f in diff.findings_removed} == pdf - docx
    assert diff.to_json()["cells"] == []


def test_version_diff_shows_a_changed_cell(repository: Repository, versions: dict[str, Record]) -> None:
    changed = copy.deepcopy(versions["html"])
    changed["sha256"] = hashlib.sha256(b"a corrected version").hexdigest()
    cell = next(c for c in changed["report"]["cells"] if c[1] is not None)
    cell[1] = str(int(cell[1]) + 1)
    repository.write([versions["pdf"]], cross_year=no_cross_year)
    repository.write([changed], cross_year=no_cross_year)
    ids = repository.report_ids_for([versions["pdf"]["sha256"], changed["sha256"]])
    diff = repository.version_diff(ids[versions["pdf"]["sha256"]], ids[changed["sha256"]])
    assert [d.cell_id for d in diff.changed_cells] == [cell[0]]


def _source_of_previous(report: Report, previous: Report) -> list[Finding]:
    return [Finding("test-previous", Severity.INFO, (), previous.source)]


def test_cross_year_pairs_current_versions(repository: Repository, versions: dict[str, Record]) -> None:
    later = record_of(shared_or_skip(CORPUS) / HONGZE_2024)
    repository.write([versions["pdf"], later], cross_year=_source_of_previous)
    later_id = repository.report_ids_for([later["sha256"]])[later["sha256"]]

    def previous_named() -> list[str]:
        return [f.message for f in repository.findings([later_id])[later_id] if f.cross_year]

    assert previous_named() == [versions["pdf"]["name"]]
    repository.write([versions["html"]], cross_year=_source_of_previous)
    assert previous_named() == [versions["html"]["name"]]


def test_a_database_made_before_0004_keeps_its_reports_current(tmp_path: Path) -> None:
    from alembic import command

    from gongkai.store.db import alembic_config, current_revision, head_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = open_database(url, upgrade=False)
    with old.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO sources (id, sha256, name, size, kind, stored_at) "
                    "VALUES (:n, :sha, :name, 1, 'pdf', '2026-01-01 00:00:00')"
                ),
                {"n": n, "sha": f"{n:064d}", "name": f"old-{n}.pdf"},
            )
            conn.execute(
                text(
                    "INSERT INTO reports (id, source_id, agency, agency_key, entity_type, year, reader_version, "
                    "notes, errors) VALUES (:n, :n, :agency, :agency, 'government', 2023, '0', '[]', 0)"
                ),
                {"n": n, "agency": "洪泽区人民政府"},
            )
    old.close()
    database = open_database(url)
    try:
        assert current_revision(database.engine) == head_revision()
        repository = Repository(database)
        rows = repository.list_reports()
        assert [(r.id, r.version, r.current) for r in rows] == [(1, 1, True), (2, 1, True)]
        with database.engine.connect() as conn:
            triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        assert {"gongkai_generation_reports_update", "gongkai_generation_reports_insert"} <= triggers
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(reports)"))}
        assert "superseded_by" not in columns and "version" not in columns
    finally:
        database.close()


def test_a_filter_by_ids_reaches_superseded_versions(repository: Repository, versions: dict[str, Record]) -> None:
    ids = _write_all(repository, versions)
    named = ReportFilter(ids=(ids["pdf"], ids["html"]))
    assert {r.id for r in repository.list_reports(named)} == {ids["pdf"], ids["html"]}
    assert repository.count_reports(replace(named, ids=None)) == 1
