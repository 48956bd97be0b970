"""The register's objects in words and JSON: outcome rows with their group, details in Chinese, no personal
data unless asked, and the ID number never."""

from __future__ import annotations

from datetime import date

from gongkai.register.calendar import standard_calendar
from gongkai.register.clock import state
from gongkai.register.events import T3, T4, Applicant, Application, Channel, Event, EventKind
from gongkai.register.shapes import (
    APPLICANT_LABELS,
    OUTCOME_LABELS,
    application_json,
    data_words,
    event_json,
    state_json,
)

APP = Application(
    "2026-00007",
    "某市某局",
    Channel.IN_PERSON,
    date(2026, 3, 2),
    Applicant(T3.person.id, "夏侯某某", "110105199001011234", "13500000000", "某律师"),
    "某规划批复",
    "纸质",
    (
        Event(
            1,
            EventKind.DECIDED,
            date(2026, 3, 20),
            date(2026, 3, 20),
            {"outcome": T3.granted.id, "ground": "第二十七条"},
        ),
        Event(2, EventKind.DELIVERED, date(2026, 3, 21), date(2026, 3, 23), {"method": "post"}, by="登记员甲"),
        Event(3, EventKind.APPEAL_FILED, date(2026, 4, 10), date(2026, 4, 10), {"route": T4.review.id, "case": "复-1"}),
    ),
)


def test_every_outcome_row_is_named_with_its_group() -> None:
    assert list(OUTCOME_LABELS) == [r.id for r in T3.outcomes]
    assert OUTCOME_LABELS[T3.granted.id] == "（一）予以公开"
    labels = list(OUTCOME_LABELS.values())
    assert "（三）不予公开 1.属于国家秘密" in labels and "（六）其他处理 3.其他" in labels
    assert len(set(labels)) == len(labels)  # each row told apart from the 1. of another group
    assert list(APPLICANT_LABELS.values()) == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def test_details_are_said_in_chinese() -> None:
    words = data_words({"method": "post", "party": "third_party", "basis": "pages", "days": "20", "custom": "x"})
    assert words == [
        ("送达方式", "邮寄（交邮之日，仅限中国邮政）"),
        ("征求意见对象", "第三方（第三十二条）"),
        ("计收方式", "按页计收"),
        ("延长工作日数", "20"),
        ("其他（custom）", "x"),
    ]
    assert data_words({"route": T4.review.id, "result": T4.decided[0].id}) == [
        ("救济途径", "行政复议"),
        ("结果", "结果维持"),
    ]


def test_personal_data_only_when_asked_and_the_id_number_never() -> None:
    st = state(APP, date(2026, 5, 1), standard_calendar())
    hidden = application_json(APP, st, personal=False)
    assert hidden["applicant"] == {"column": "person", "column_zh": "自然人"}
    shown = application_json(APP, st, personal=True, events=APP.events)
    assert shown["applicant"] == {
        "column": "person",
        "column_zh": "自然人",
        "name": "夏侯某某",
        "contact": "13500000000",
        "agent": "某律师",
    }
    for body in (hidden, shown):
        assert "110105199001011234" not in str(body)
    assert "夏侯某某" not in str(hidden) and "events" not in hidden and len(shown["events"]) == 3


def test_state_and_event_json() -> None:
    st = state(APP, date(2026, 5, 1), standard_calendar())
    out = state_json(st)
    assert out["status"] == "closed" and out["status_zh"] == "已办结"
    assert out["outcome"] == T3.granted.id and out["outcome_zh"] == "（一）予以公开"
    assert out["outcome_cell"] == T3.cell(T3.granted.id, T3.total_column.id)
    assert out["receipt"] == "2026-03-02" and out["answered"] == "2026-03-21" and out["due"] == "2026-03-30"
    assert out["appeals"] == [{"route": T4.review.id, "filed": "2026-04-10", "result": None, "decided": None}]
    assert event_json(APP.events[1]) == {
        "id": 2,
        "kind": "delivered",
        "kind_zh": "送达",
        "on": "2026-03-21",
        "recorded": "2026-03-23",
        "data": {"method": "post"},
        "corrects": None,
        "refers": None,
        "by": "登记员甲",
    }
