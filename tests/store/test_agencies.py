"""The agency registry: built from ingested reports, imported and edited, scoped by parent and region,
and the year's publication status (on time, late, missing) around both statutory deadlines."""

from __future__ import annotations

import copy
import hashlib
from datetime import date

import pytest

from gongkai.errors import NotFound, StoreError
from gongkai.law.publication import Publication
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import AgencyEntry, ReportFilter

from .conftest import no_cross_year

CHENGAN = "seeds/003_30f21ffa1848b77a.txt"  # 成安县人民政府 on 2021, published 2022-02-21
HUAIAN = [
    AgencyEntry("江苏省人民政府", region="江苏省"),
    AgencyEntry("淮安市人民政府", parent="江苏省人民政府", region="江苏省淮安市"),
    AgencyEntry("洪泽区人民政府", parent="淮安市人民政府", region="江苏省淮安市洪泽区"),
    AgencyEntry("洪泽区教育局", parent="洪泽区人民政府"),
    AgencyEntry("洪泽区岔河镇人民政府", parent="洪泽区人民政府"),
    AgencyEntry("宿迁市人民政府", parent="江苏省人民政府", region="江苏省宿迁市"),
]


def _as(record: Record, name: str, *, kind: str, published: str | None, region: str | None = None) -> Record:
    """The record of a real report, restated as another organ's with another printed date."""
    from gongkai.law.agencies import agency_region, normalise_agency_key

    out = copy.deepcopy(record)
    out["sha256"] = hashlib.sha256(f"{name}|{published}|{record['sha256']}".encode()).hexdigest()
    out["name"] = f"{name}.txt"
    rep = out["report"]
    rep.update(
        agency=name,
        agency_key=normalise_agency_key(name),
        region=region if region is not None else agency_region(name),
        entity_type=kind,
        published=published,
    )
    return out


# ---- built from ingested reports ----


def test_every_reported_agency_gets_a_row(stored: Repository) -> None:
    rows = {r.key: r for r in stored.list_agencies()}
    reports = stored.list_reports()
    assert {r.agency_key for r in reports if r.agency_key} == set(rows)
    for report in reports:
        row = rows[report.agency_key or ""]
        assert row.origin == "report" and row.origin_zh == "由报告生成"
        assert row.kind == report.entity_type
    chengan = rows["成安县人民政府"]
    assert (chengan.name, chengan.kind, chengan.kind_zh) == ("成安县人民政府", "government", "人民政府")
    assert chengan.region == "成安县"
    assert rows["沭阳县发展和改革局"].kind == "department"


def test_of_one_agency_s_reports_the_one_stating_the_fuller_region_names_its_row(stored: Repository) -> None:
    """dev 001 prints 洪泽区人民政府, dev 002 淮安市洪泽区人民政府: one key, one row."""
    hongze = stored.agency("洪泽区人民政府")
    assert hongze is not None
    assert (hongze.name, hongze.region) == ("淮安市洪泽区人民政府", "淮安市洪泽区")
    assert stored.agency("淮安市洪泽区人民政府") == hongze  # found by the key its name normalises to


def test_a_report_never_overwrites_an_imported_or_edited_row(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    imported = AgencyEntry("洪泽区人民政府", kind="other", region="江苏省淮安市洪泽区", note="区政府")
    repository.import_agencies([imported])
    repository.update_agency("成安县人民政府", kind="department", note="人工改")
    repository.write(list(corpus_records.values()), cross_year=no_cross_year)
    hongze = repository.agency("洪泽区人民政府")
    chengan = repository.agency("成安县人民政府")
    assert hongze is not None and chengan is not None
    assert (hongze.name, hongze.kind, hongze.region, hongze.origin, hongze.note) == (
        "洪泽区人民政府",
        "other",
        "江苏省淮安市洪泽区",
        "import",
        "区政府",
    )
    assert (chengan.kind, chengan.origin, chengan.note) == ("department", "edit", "人工改")


def test_writing_again_adds_no_rows(stored: Repository, corpus_records: dict[str, Record]) -> None:
    before = stored.list_agencies()
    stored.write(list(corpus_records.values()), cross_year=no_cross_year, replace=True)
    assert stored.list_agencies() == before


# ---- listing, editing, importing ----


def test_an_import_sets_parents_given_later_and_regions_from_parent_and_name(repository: Repository) -> None:
    problems = repository.import_agencies(list(reversed(HUAIAN)))
    assert problems == []
    chain = [AgencyEntry("洪泽区水务局", parent="洪泽区农业局"), AgencyEntry("洪泽区农业局", parent="洪泽区人民政府")]
    assert repository.import_agencies(chain) == []  # the child first: its region waits for its parent's
    assert repository.agency("洪泽区水务局").region == "江苏省淮安市洪泽区"  # type: ignore[union-attr]
    education = repository.agency("洪泽区教育局")
    township = repository.agency("岔河镇人民政府")
    assert education is not None and township is not None
    assert (education.parent_name, education.kind) == ("洪泽区人民政府", "department")
    assert education.region == "江苏省淮安市洪泽区"
    assert (township.name, township.kind) == ("洪泽区岔河镇人民政府", "township")
    assert township.region == "江苏省淮安市洪泽区岔河镇"


def test_listing_by_parent_region_and_kind(repository: Repository) -> None:
    repository.import_agencies(HUAIAN)
    names = lambda rows: [r.name for r in rows]  # noqa: E731
    assert names(repository.list_agencies(under="淮安市人民政府")) == sorted(
        ["淮安市人民政府", "洪泽区人民政府", "洪泽区教育局", "洪泽区岔河镇人民政府"]
    )
    assert names(repository.list_agencies(under="洪泽区人民政府", kind="department")) == ["洪泽区教育局"]
    assert names(repository.list_agencies(region="江苏省宿迁市")) == ["宿迁市人民政府"]
    assert len(repository.list_agencies(region="江苏省")) == len(HUAIAN)
    assert repository.list_agencies(region="江苏省淮安") != []  # a prefix, not a whole place
    assert repository.list_agencies(region="江苏省%") == []  # LIKE characters are taken literally
    with pytest.raises(NotFound, match="没有"):
        repository.list_agencies(under="不存在的机关")
    with pytest.raises(StoreError, match="机关类型"):
        repository.list_agencies(kind="county")


def test_an_edit_changes_only_what_it_states(repository: Repository) -> None:
    repository.import_agencies(HUAIAN)
    row = repository.update_agency("洪泽区教育局", note="教育")
    assert (row.note, row.parent_name, row.kind, row.origin) == ("教育", "洪泽区人民政府", "department", "edit")
    row = repository.update_agency("洪泽区教育局", parent="", note="")
    assert (row.parent_key, row.note, row.region) == (None, None, "江苏省淮安市洪泽区")
    row = repository.update_agency("洪泽区教育局", name="淮安市洪泽区教育局", parent="洪泽区人民政府")
    assert (row.key, row.name, row.parent_key) == ("洪泽区教育局", "淮安市洪泽区教育局", "洪泽区人民政府")
    new = repository.update_agency("洪泽区财政局", parent="洪泽区人民政府")
    assert (new.kind, new.region, new.origin) == ("department", "江苏省淮安市洪泽区", "edit")


def test_an_empty_region_is_worked_out_from_the_parent_and_the_name(repository: Repository) -> None:
    repository.import_agencies(HUAIAN)
    new = repository.update_agency("洪泽区水务局", parent="洪泽区人民政府", region="")  # what a web form sends
    assert new.region == "江苏省淮安市洪泽区"
    repository.update_agency("洪泽区水务局", region="江苏省淮安市")
    assert repository.update_agency("洪泽区水务局", region="").region == "江苏省淮安市洪泽区"
    assert repository.update_agency("某中心", region="").region is None  # no parent, no place in the name


def test_an_edit_that_cannot_be_made_stores_nothing(repository: Repository) -> None:
    repository.import_agencies(HUAIAN)
    with pytest.raises(StoreError, match="不在名录中"):
        repository.update_agency("洪泽区水务局", parent="不存在的机关")
    assert repository.agency("洪泽区水务局") is None
    with pytest.raises(StoreError, match="下级"):
        repository.update_agency("淮安市人民政府", parent="洪泽区教育局")  # a cycle
    with pytest.raises(StoreError, match="下级"):
        repository.update_agency("淮安市人民政府", parent="淮安市人民政府")
    with pytest.raises(StoreError, match="机关类型"):
        repository.update_agency("淮安市人民政府", kind="county")
    assert repository.agency("淮安市人民政府").parent_key == "江苏省人民政府"  # type: ignore[union-attr]


def test_an_import_stores_the_good_entries_and_names_the_others(repository: Repository) -> None:
    problems = repository.import_agencies(
        [AgencyEntry("甲局", kind="county"), AgencyEntry("  "), AgencyEntry("乙局", parent="丙局"), AgencyEntry("丁局")]
    )
    assert [(p.index, p.stored) for p in problems] == [(0, False), (1, False), (2, True)]
    assert "未设上级" in problems[2].message
    assert [r.name for r in repository.list_agencies()] == ["丁局", "乙局"]


def test_deleting_an_agency_leaves_its_children_without_a_parent(repository: Repository) -> None:
    repository.import_agencies(HUAIAN)
    assert repository.delete_agency("洪泽区人民政府")
    assert not repository.delete_agency("洪泽区人民政府")
    assert repository.agency("洪泽区教育局").parent_key is None  # type: ignore[union-attr]


# ---- the year's publication status ----


@pytest.fixture
def deadlines(repository: Repository, corpus_records: dict[str, Record]) -> Repository:
    """A county's registry for 2021 and its reports, published around both deadlines (2022-01-31, 2022-03-31)."""
    base = corpus_records[CHENGAN]
    reports = [
        _as(base, "成安县教育局", kind="department", published="2022-01-30"),
        _as(base, "成安县财政局", kind="department", published="2022-01-31"),
        _as(base, "成安县民政局", kind="department", published="2022-02-01"),
        _as(base, "成安县人民政府", kind="government", published="2022-03-31"),
        _as(base, "成安县商城镇人民政府", kind="township", published="2022-05-06"),
        _as(base, "成安县审计局", kind="department", published=None),
        # another county's late report, not in the scope asked for
        _as(base, "邯郸市人民政府", kind="government", published="2022-04-01"),
    ]
    repository.write(reports, cross_year=no_cross_year)
    problems = repository.import_agencies(
        [
            AgencyEntry("河北省人民政府", region="河北省"),
            AgencyEntry("邯郸市人民政府", parent="河北省人民政府", region="河北省邯郸市"),
            AgencyEntry("成安县人民政府", parent="邯郸市人民政府", region="河北省邯郸市成安县"),
            *(
                AgencyEntry(name, parent="成安县人民政府")
                for name in (
                    "成安县教育局",
                    "成安县财政局",
                    "成安县民政局",
                    "成安县审计局",
                    "成安县商城镇人民政府",
                    "成安县水利局",  # no report
                    "成安县柏寺营乡人民政府",  # no report
                )
            ),
        ]
    )
    assert problems == []
    return repository


def _states(repository: Repository, today: date, **scope: str) -> dict[str, Publication]:
    status = repository.publication_status(2021, today=today, **scope)  # type: ignore[arg-type]
    return {r.agency.name: r.state for r in status.rows}


def test_the_late_and_missing_view_around_both_deadlines(deadlines: Repository) -> None:
    states = _states(deadlines, date(2022, 2, 1), under="成安县人民政府")
    assert states == {
        "成安县人民政府": Publication.ON_TIME,  # on 31 March, the government's deadline day
        "成安县教育局": Publication.ON_TIME,  # the day before the department deadline
        "成安县财政局": Publication.ON_TIME,  # on it
        "成安县民政局": Publication.LATE,  # the day after
        "成安县审计局": Publication.DATE_UNKNOWN,  # no printed date: published, never called late
        "成安县商城镇人民政府": Publication.UNDATED_DEADLINE,  # a township has no national date
        "成安县水利局": Publication.OVERDUE,  # a department missing after 31 January
        "成安县柏寺营乡人民政府": Publication.NOT_YET_DUE,  # a township missing before 31 March
    }


@pytest.mark.parametrize(
    ("today", "department", "township"),
    [
        (date(2022, 1, 30), Publication.NOT_YET_DUE, Publication.NOT_YET_DUE),
        (date(2022, 1, 31), Publication.NOT_YET_DUE, Publication.NOT_YET_DUE),
        (date(2022, 2, 1), Publication.OVERDUE, Publication.NOT_YET_DUE),
        (date(2022, 3, 31), Publication.OVERDUE, Publication.NOT_YET_DUE),
        (date(2022, 4, 1), Publication.OVERDUE, Publication.OVERDUE),
    ],
)
def test_a_missing_report_becomes_overdue_the_day_after_its_deadline(
    deadlines: Repository, today: date, department: Publication, township: Publication
) -> None:
    states = _states(deadlines, today, under="成安县人民政府")
    assert states["成安县水利局"] is department
    assert states["成安县柏寺营乡人民政府"] is township
    assert states["成安县民政局"] is Publication.LATE  # a published report's state does not move with today


def test_the_status_counts_and_links_the_reports(deadlines: Repository) -> None:
    status = deadlines.publication_status(2021, under="成安县人民政府", today=date(2022, 4, 1))
    data = status.to_json()
    assert (data["agencies"], data["published"], data["late"], data["missing"], data["overdue"]) == (8, 6, 1, 2, 2)
    late = status.of(Publication.LATE)[0]
    assert late.published == date(2022, 2, 1) and late.deadline == date(2022, 1, 31)
    row = deadlines.report_row(late.report_id or 0)
    assert row is not None and row.agency == "成安县民政局" and row.year == 2021
    assert all(r.report_id is None for r in status.of(Publication.OVERDUE))


def test_the_status_scopes_by_region_and_by_parent(deadlines: Repository) -> None:
    whole = _states(deadlines, date(2022, 5, 1), region="河北省")
    assert whole["邯郸市人民政府"] is Publication.LATE and whole["河北省人民政府"] is Publication.OVERDUE
    assert "成安县人民政府" not in _states(deadlines, date(2022, 5, 1), region="河北省邯郸市成安县教育")
    assert set(_states(deadlines, date(2022, 5, 1), under="邯郸市人民政府")) == set(whole) - {"河北省人民政府"}
    other_year = deadlines.publication_status(2020, region="河北省", today=date(2022, 5, 1))
    assert {r.state for r in other_year.rows} == {Publication.OVERDUE}


def test_a_superseded_version_does_not_count_as_published(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    base = corpus_records[CHENGAN]
    repository.write([_as(base, "成安县民政局", kind="department", published="2022-01-20")], cross_year=no_cross_year)
    repository.write([_as(base, "成安县民政局", kind="department", published="2022-02-10")], cross_year=no_cross_year)
    (row,) = repository.publication_status(2021, today=date(2022, 5, 1)).rows
    assert row.published == date(2022, 2, 10) and row.state is Publication.LATE


# ---- the region filter on report queries ----


def test_the_region_filter_reads_stated_regions_and_the_registry(stored: Repository) -> None:
    everything = stored.count_reports()
    assert stored.count_reports(ReportFilter(region="淮安市")) == 2  # dev 002 states 淮安市洪泽区; dev 001 via the row
    assert stored.count_reports(ReportFilter(region="江苏省淮安市")) == 0  # nothing says 江苏省 yet
    stored.update_agency("洪泽区人民政府", region="江苏省淮安市洪泽区")
    ids = {r.id for r in stored.list_reports(ReportFilter(region="江苏省淮安市"))}
    printed = {r.agency for r in stored.list_reports(ReportFilter(ids=tuple(ids)))}
    assert printed == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    assert stored.count_reports(ReportFilter(region="江苏省")) == 2
    assert stored.count_reports(ReportFilter(region="河北省")) == 0
    assert stored.count_reports(ReportFilter(region="平潭综合实验区")) == 3
    assert stored.count_reports() == everything


def test_a_registered_region_is_not_borrowed_by_a_report_stating_another_place(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    """Two 鼓楼区 share a key: a report that states 福州市鼓楼区 is not in 南京市's region."""
    base = corpus_records[CHENGAN]
    repository.write(
        [
            _as(base, "福州市鼓楼区人民政府", kind="government", published=None),
            _as(base, "鼓楼区人民政府", kind="government", published=None, region="鼓楼区"),
        ],
        cross_year=no_cross_year,
        versions="keep-both",
    )
    repository.update_agency("鼓楼区人民政府", region="江苏省南京市鼓楼区")
    names = [r.agency for r in repository.list_reports(ReportFilter(region="江苏省南京市"))]
    assert names == ["鼓楼区人民政府"]
    assert [r.agency for r in repository.list_reports(ReportFilter(region="福州市"))] == ["福州市鼓楼区人民政府"]


def test_statistics_and_facets_honour_the_region(stored: Repository) -> None:
    stored.update_agency("洪泽区人民政府", region="江苏省淮安市洪泽区")
    flt = ReportFilter(region="江苏省淮安市")
    stats = stored.stats(flt)
    assert stats.reports == 2 and stats.reports_by_year == {2023: 1, 2024: 1}
    hongze = stored.stats(ReportFilter(agency="洪泽区"))
    assert stats.applications_by_year == hongze.applications_by_year and stats.outcomes == hongze.outcomes
    facets = stored.facets(flt)
    assert facets.total == 2 and facets.years == {2023: 1, 2024: 1}
    assert sum(1 for _ in stored.iter_cells(flt)) == sum(1 for _ in stored.iter_cells(ReportFilter(agency="洪泽区")))
    assert [a.agency for a in stored.agencies_with_most_errors(flt)] == [
        a.agency for a in stored.agencies_with_most_errors(ReportFilter(agency="洪泽区"))
    ]


# ---- the rows made from reports, and the rows handed out ----


def test_register_reported_skips_reports_without_an_agency_and_names_the_fullest_region(
    repository: Repository,
) -> None:
    from gongkai.store.agencies import register_reported

    def rep(agency: str | None, key: str | None, kind: str, region: str | None) -> dict[str, object]:
        return {"agency": agency, "agency_key": key, "entity_type": kind, "region": region}

    reports = [
        rep(None, None, "government", None),
        rep("洪泽区人民政府", "洪泽区人民政府", "government", "洪泽区"),
        rep("淮安市洪泽区人民政府", "洪泽区人民政府", "government", "淮安市洪泽区"),
        rep("某某中心", "某某中心", "mystery", None),
    ]
    with repository.database.sessions.begin() as session:
        assert register_reported(session, reports) == 2
    with repository.database.sessions.begin() as session:
        assert register_reported(session, reports) == 0  # already there
    rows = {r.key: r for r in repository.list_agencies()}
    assert (rows["洪泽区人民政府"].name, rows["洪泽区人民政府"].region) == ("淮安市洪泽区人民政府", "淮安市洪泽区")
    assert rows["某某中心"].kind == "other"


def test_the_rows_handed_out_carry_chinese_labels_beside_codes(repository: Repository) -> None:
    from gongkai.store.views import kind_zh

    repository.import_agencies(HUAIAN)
    data = repository.agency("洪泽区教育局").to_json()  # type: ignore[union-attr]
    assert (data["kind"], data["kind_zh"]) == ("department", "政府部门")
    assert (data["origin"], data["origin_zh"]) == ("import", "导入")
    assert data["parent_key"] == "洪泽区人民政府" and isinstance(data["updated_at"], str)
    assert kind_zh("township") == "乡镇/街道" and kind_zh("unknown") == "unknown"
    status = repository.publication_status(2023, today=date(2024, 2, 1)).to_json()
    assert set(status["counts"]) == {s.value for s in Publication}  # type: ignore[arg-type]
    assert status["labels"]["overdue"] == "未发布（已逾期）"  # type: ignore[index]
    assert sum(status["counts"].values()) == status["agencies"] == len(HUAIAN)  # type: ignore[union-attr]


def test_an_unknown_origin_is_refused(repository: Repository) -> None:
    with pytest.raises(StoreError, match="来源"):
        repository.import_agencies([AgencyEntry("甲局")], origin="guess")
