"""Before writing: the checker, the publication deadline by entity type, 内容雷同 with last year's report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from gongkai.api import read_bytes
from gongkai.check import Severity
from gongkai.model import EntityType
from gongkai.write.markdown_out import render_markdown
from gongkai.write.verdict import subject, verdict

from .factory import case, seeds


def report_of(kind: EntityType):  # type: ignore[no-untyped-def]
    report = replace(case(seeds(1)[0]))
    report.entity_type = kind
    report.sections = dict(report.sections)
    return report


def test_the_deadline_follows_the_entity_type() -> None:
    department = verdict(report_of(EntityType.DEPARTMENT))
    year = department.deadline[0].year if department.deadline else None
    assert department.deadline_line().startswith(f"发布期限：{year}年1月31日前（条例第四十九条")
    assert "3月31日前" in verdict(report_of(EntityType.GOVERNMENT)).deadline_line()
    assert "由本地规定确定" in verdict(report_of(EntityType.TOWNSHIP)).deadline_line()


def test_writing_after_the_deadline_blocks_unless_overridden_with_a_reason() -> None:
    report = report_of(EntityType.DEPARTMENT)
    on_time = verdict(report, read=read_bytes, publishing=date(report.year + 1, 1, 20))
    assert not on_time.errors and not on_time.blocked
    late = verdict(report, read=read_bytes, publishing=date(report.year + 1, 2, 20))
    assert [f.rule for f in late.errors] == ["publication-late"] and late.blocked
    assert report.override is None
    blank = verdict(report, publishing=date(report.year + 1, 2, 20), override="   ")
    assert blank.blocked  # a reason of spaces is no reason
    kept = verdict(report, publishing=date(report.year + 1, 2, 20), override="  系统故障延误，已报主管部门  ")
    assert not kept.blocked and kept.errors
    assert report.override == "系统故障延误，已报主管部门"
    assert "覆盖核查错误的理由：系统故障延误" in render_markdown(report) or "override:" in render_markdown(report)


def test_prose_copied_from_last_years_report_is_flagged_not_blocked() -> None:
    report = report_of(EntityType.DEPARTMENT)
    last_year = read_bytes(render_markdown(report).encode("utf-8"), "上年.md")
    last_year.year = report.year - 1
    found = verdict(report, read=read_bytes, previous=last_year)
    assert [f.rule for f in found.copied] == ["duplicate-content"]
    assert found.copied[0].severity is Severity.WARNING and not found.blocked
    assert "内容雷同" in found.copied[0].message
    fresh = report_of(EntityType.DEPARTMENT)
    fresh.sections[1] = "本年度重点推进了重大建设项目、公共资源配置和社会公益事业领域的信息公开，" * 6
    fresh.sections[5] = "问题在于政策解读形式单一，下一步将增加图解和视频解读，并开展培训。" * 4
    assert not verdict(fresh, read=read_bytes, previous=last_year).copied


def test_without_a_reader_the_composed_cells_and_sections_are_checked() -> None:
    report = report_of(EntityType.DEPARTMENT)
    seen = subject(report)
    assert seen.cells.keys() == report.values().keys()
    assert seen.sections[6].text == report.sections[6]
    assert not [f for f in verdict(report).findings if f.severity is Severity.ERROR]


def test_the_reader_sees_the_prose_and_its_statements() -> None:
    report = report_of(EntityType.DEPARTMENT)
    seen = subject(report, read_bytes)
    assert seen.agency == report.agency and seen.entity_type is EntityType.DEPARTMENT
    assert {s.measure for s in seen.statements} >= {"received", "closed", "carried_forward"}
