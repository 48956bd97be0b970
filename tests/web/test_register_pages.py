"""申请登记簿 pages: the list with its filters, the due list (the same as ``gongkai register due``), the
application form, one application's clock and timeline at any date, the tables with their drill-down."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gongkai.cli import app as cli_app
from gongkai.errors import StoreError
from gongkai.register.demo import DEMO_AGENCY
from gongkai.register.events import EventKind
from gongkai.register.tables import year_tables
from gongkai.store.roles import Role

from ..english import page_text
from .register_data import OTHER_AGENCY, fill, login

AS_OF = "2026-06-15"


def _url(agency: str, number: str) -> str:
    return f"/register/{quote(agency, safe='')}/{quote(number, safe='')}"


def _flat(markup: str) -> str:
    """The page as read, without any white space (tags split words onto lines)."""
    return "".join(page_text(markup).split())


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    return _flat(response.text)


def _numbers(markup: str) -> list[str]:
    """The register numbers linked from a list, in order."""
    return re.findall(r'href="/register/[^"/]+/[^"/]+">(\d{4}-\d{5})</a>', markup)


@pytest.fixture
def filled(client: TestClient) -> TestClient:
    fill(client)
    return client


def test_an_empty_register_says_how_to_start(client: TestClient) -> None:
    for path in ("/register", "/register/due", "/register/tables"):
        text = _text(client.get(path))
        assert "登记簿中还没有申请" in text and "gongkairegisterdemo" in text
    assert "申请登记簿" in _text(client.get("/reports"))  # the workbench navigation links the register


def test_several_agencies_are_chosen_from(filled: TestClient) -> None:
    text = _text(filled.get("/register"))
    assert "请选择机关" in text and DEMO_AGENCY in text and OTHER_AGENCY in text
    chosen = filled.get("/register", params={"agency": OTHER_AGENCY})
    assert _numbers(chosen.text) == ["2026-00001", "2026-00002"]
    missing = filled.get("/register", params={"agency": "无此机关"})
    assert missing.status_code == 404 and "登记簿中没有机关“无此机关”的申请" in _flat(missing.text)


def test_the_list_filters_by_year_status_and_channel(filled: TestClient) -> None:
    repo = filled.app.state.repo  # type: ignore[attr-defined]
    apps = repo.applications(DEMO_AGENCY)
    base = {"agency": DEMO_AGENCY, "as_of": AS_OF}
    by_year = filled.get("/register", params={**base, "year": "2025"})
    expected_2025 = [a.id for a in apps if a.arrived.year == 2025]
    assert f"共{len(expected_2025)}件" in _flat(by_year.text)
    assert _numbers(by_year.text) == expected_2025[:100]
    online = filled.get("/register", params={**base, "channel": "online"})
    shown_online = set(_numbers(online.text))
    assert shown_online and shown_online <= {a.id for a in apps if a.channel.value == "online"}
    closed = filled.get("/register", params={**base, "status": "closed"})
    assert "已办结" in _flat(closed.text)
    open_ = filled.get("/register", params={**base, "status": "open"})
    closed_ids, open_ids = set(_numbers(closed.text)), set(_numbers(open_.text))
    assert closed_ids and open_ids and not closed_ids & open_ids
    bad = filled.get("/register", params={**base, "status": "nonsense"})
    assert bad.status_code == 422


def test_the_list_pages_through_many_applications(filled: TestClient) -> None:
    first = filled.get("/register", params={"agency": DEMO_AGENCY})
    second = filled.get("/register", params={"agency": DEMO_AGENCY, "page": 2})
    assert len(_numbers(first.text)) == 100 and "第1/2页" in _flat(first.text) and "下一页" in first.text
    assert _numbers(second.text) and not set(_numbers(second.text)) & set(_numbers(first.text))


@pytest.mark.parametrize(("agency", "as_of"), [(OTHER_AGENCY, "2026-11-20"), (DEMO_AGENCY, "2025-03-01")])
def test_the_due_list_is_the_clis(filled: TestClient, agency: str, as_of: str) -> None:
    url = filled.app.state.settings.database_url  # type: ignore[attr-defined]
    result = CliRunner().invoke(
        cli_app, ["register", "due", "--within", "10", "--as-of", as_of, "--agency", agency, "--db", url, "--json"]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    page = filled.get("/register/due", params={"days": 10, "agency": agency, "as_of": as_of})
    expected = [s["application"] for s in cli["overdue"]] + [s["application"] for s in cli["due_soon"]]
    assert _numbers(page.text) == expected
    text = _flat(page.text)
    assert f"已逾期{len(cli['overdue'])}件" in text and f"10个工作日内到期{len(cli['due_soon'])}件" in text
    assert page.text.count('class="row-overdue"') == len(cli["overdue"])
    assert page.text.count('class="row-soon"') == len(cli["due_soon"])
    api = filled.get("/api/register/due", params={"days": 10, "agency": agency, "as_of": as_of}).json()
    for key in ("overdue", "due_soon"):
        assert [(s["application"], s["due"], s["days_left"]) for s in api[key]] == [
            (s["application"], s["due"], s["days_left"]) for s in cli[key]
        ]
    if agency == OTHER_AGENCY:  # 2026-00002 arrived by e-mail on 12 October, nothing done: due 9 November
        assert cli["overdue"][-1]["application"] == "2026-00002" and cli["overdue"][-1]["due"] == "2026-11-09"
        assert "已逾期" in text and 'class="num overdue">-' in page.text


def test_the_form_is_for_registrars_only(filled: TestClient) -> None:
    anonymous = _text(filled.get("/register/new"))
    assert (
        "登记新申请需要以登记员或管理员账号登录" in anonymous
        and 'name="channel"' not in filled.get("/register/new").text
    )
    refused = filled.post("/register/new", data={"agency": OTHER_AGENCY}, headers={"X-CSRF-Token": "x"})
    assert refused.status_code == 403  # no valid token
    login(filled, "监督丙", Role.OVERSEER)
    assert "当前账号（监督人员）不能登记申请" in _text(filled.get("/register/new"))
    login(filled, "承办丁", Role.HANDLER)
    headers = {"X-CSRF-Token": filled.get("/api/csrf").json()["csrf_token"]}
    handler = filled.post("/register/new", data={"agency": OTHER_AGENCY}, headers=headers)
    assert handler.status_code == 403 and "承办人账号不能登记新申请" in _flat(handler.text)


def _form(client: TestClient, **values: str):  # type: ignore[no-untyped-def]
    token = client.get("/api/csrf").json()["csrf_token"]
    return client.post("/register/new", data={"csrf_token": token, **values}, follow_redirects=False)


def test_a_registrar_registers_through_the_form(filled: TestClient) -> None:
    login(filled, "登记员甲", Role.REGISTRAR)
    page = filled.get("/register/new", params={"agency": OTHER_AGENCY})
    assert 'name="name"' in page.text and 'name="id_number"' in page.text and "自然人" in page.text
    made = _form(
        filled,
        agency=OTHER_AGENCY,
        channel="in_person",
        arrived="2026-11-02",
        applicant_type="person",
        name="上官新申请",
        id_number="110105199001011234",
        contact="13912345678",
        request="某小区规划许可",
        form="纸质",
    )
    assert made.status_code == 303
    assert made.headers["location"] == _url(OTHER_AGENCY, "2026-00003")  # Register.next_number
    text = _text(filled.get(made.headers["location"], params={"as_of": "2026-11-02"}))
    assert "上官新申请" in text and "13912345678" in text and "当面提交" in text
    assert "110105199001011234" not in text  # the ID number is kept only as a hash
    stored = filled.app.state.repo.application(OTHER_AGENCY, "2026-00003", personal=True)  # type: ignore[attr-defined]
    assert stored.applicant.name == "上官新申请" and stored.applicant.id_number is None
    assert "答复期限2026-11-30" in text  # 20 working days after 2 November


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"channel": "", "arrived": "2026-11-02", "applicant_type": "person"}, "请选择申请渠道"),
        ({"channel": "email", "arrived": "2026-13-40", "applicant_type": "person"}, "到达日期应为年-月-日"),
        ({"channel": "email", "arrived": "2099-01-01", "applicant_type": "person"}, "晚于今天"),
        ({"channel": "email", "arrived": "2026-11-02", "applicant_type": "alien"}, "请选择申请人类型"),
    ],
)
def test_form_errors_are_chinese_sentences_and_nothing_is_stored(
    filled: TestClient, values: dict[str, str], message: str
) -> None:
    login(filled, "登记员甲", Role.REGISTRAR)
    repo = filled.app.state.repo  # type: ignore[attr-defined]
    before = len(repo.applications(OTHER_AGENCY))
    refused = _form(filled, agency=OTHER_AGENCY, name="不应保存", id_number="110105199001019999", **values)
    assert refused.status_code == 400
    text = _flat(refused.text)
    assert message in text and "不应保存" in refused.text  # the form keeps what was typed …
    assert "110105199001019999" not in refused.text  # … but not the ID number
    assert len(repo.applications(OTHER_AGENCY)) == before


def test_a_store_error_is_shown_on_the_form(filled: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    login(filled, "登记员甲", Role.REGISTRAR)
    repo = filled.app.state.repo  # type: ignore[attr-defined]

    def taken(app: object, by: str | None = None) -> object:
        raise StoreError(f"{OTHER_AGENCY} 的登记号被同时登记的申请占用，20 次未能取得新号，请重试")

    monkeypatch.setattr(repo, "add_numbered", taken)
    refused = _form(filled, agency=OTHER_AGENCY, channel="email", arrived="2026-11-02", applicant_type="person")
    assert refused.status_code == 400
    assert "20次未能取得新号" in _flat(refused.text)


def test_one_application_shows_its_clock_and_timeline(filled: TestClient) -> None:
    page = filled.get(_url(OTHER_AGENCY, "2026-00001"), params={"as_of": "2026-10-01"})
    text = _text(page)
    assert "收到申请之日2026-09-01" in text
    assert "已延期" in text
    # the timeline: each event with its dates and who; the correction points at what it corrects
    assert text.index("征求意见") < text.index("收到意见") < text.index("延期答复")
    assert 'id="event-3"' in page.text and "已被#4更正" in text and "更正#3" in text
    assert "登记人演示登记员" in text and "2026-09-21登记（补登）" in text
    assert "征求意见对象：第三方（第三十二条）" in text and "延长工作日数：20" in text
    # the clock drawn: the counted stretch, the consultation as a pause, the marks
    svg = re.search(r"<svg[^>]*clock-bar.*?</svg>", page.text, re.S)
    assert svg is not None
    assert 'class="span counting"' in svg[0] and 'class="span pause"' in svg[0]
    assert "待第三方答复征求意见：2026-09-03 至 2026-09-10，不计入答复期限" in html.unescape(svg[0])
    assert re.search(r'<line class="mark due" x1="[\d.]+"', svg[0]) and "style=" not in page.text


def test_as_of_shows_what_was_known_that_day(filled: TestClient) -> None:
    url = _url(OTHER_AGENCY, "2026-00001")
    before = _text(filled.get(url, params={"as_of": "2026-09-05"}))
    assert "暂停计时" in before and "延期" not in before.split("办理经过")[1]
    assert "以下是2026-09-05当日登记簿所显示的情况" in before
    later = _text(filled.get(url, params={"as_of": "2026-09-21"}))
    assert "#3延期答复" in later and "#4" not in later.split("办理经过")[1]  # #4 entered on 9-22
    assert filled.get(url, params={"as_of": "2026-02-30"}).status_code == 422
    far = filled.get(url, params={"as_of": "9999-12-31"})  # the clock counts day by day: no year 9999
    assert far.status_code == 422 and "查看日应在2000年至2100年之间" in _flat(far.text)
    assert filled.get(_url(OTHER_AGENCY, "2026-99999")).status_code == 404


def test_an_event_changes_the_due_date_and_the_timeline(filled: TestClient) -> None:
    login(filled, "承办丁", Role.HANDLER)
    repo = filled.app.state.repo  # type: ignore[attr-defined]
    url = _url(OTHER_AGENCY, "2026-00002")
    page = filled.get(url)
    assert 'action="' + url + '/events"' in page.text and 'hx-get="' + url + '/event-fields"' in page.text
    due_before = repo_due(repo)
    token = filled.get("/api/csrf").json()["csrf_token"]
    asked = filled.post(
        url + "/events",
        data={"csrf_token": token, "kind": "correction_requested", "on": "2026-10-14", "reply_by": "2026-10-28"},
        follow_redirects=False,
    )
    assert asked.status_code == 303 and asked.headers["location"].endswith("#timeline")
    waiting = _text(filled.get(url))
    assert "待补正" in waiting and "待申请人补正（至2026-10-28）" in waiting
    got = filled.post(url + "/events", data={"csrf_token": token, "kind": "correction_received", "on": "2026-10-20"})
    assert got.status_code == 200
    app = repo.application(OTHER_AGENCY, "2026-00002")
    assert [e.kind for e in app.events] == [EventKind.CORRECTION_REQUESTED, EventKind.CORRECTION_RECEIVED]
    assert app.events[0].by == "承办丁"
    after = _text(filled.get(url))
    assert "重新起算之日2026-10-20" in after
    assert repo_due(repo) != due_before and repo_due(repo) == "2026-11-17"
    assert "#2收到补正材料" in after and "待申请人补正" not in after


def repo_due(repo) -> str:  # type: ignore[no-untyped-def]
    from gongkai.register.calendar import standard_calendar
    from gongkai.register.clock import state

    app = repo.application(OTHER_AGENCY, "2026-00002")
    return str(state(app, date(2026, 11, 1), standard_calendar(), known=date.max).due)


def test_a_bad_event_is_refused_with_a_sentence(filled: TestClient) -> None:
    login(filled, "承办丁", Role.HANDLER)
    url = _url(OTHER_AGENCY, "2026-00002")
    token = filled.get("/api/csrf").json()["csrf_token"]
    missing = filled.post(url + "/events", data={"csrf_token": token, "kind": "decided", "on": "2026-10-20"})
    assert missing.status_code == 400 and "“作出答复决定”缺少：outcome" in _flat(missing.text)
    early = filled.post(url + "/events", data={"csrf_token": token, "kind": "confirmed", "on": "2026-01-01"})
    assert early.status_code == 400 and "早于申请到达日" in _flat(early.text)
    future = filled.post(url + "/events", data={"csrf_token": token, "kind": "confirmed", "on": "2099-01-01"})
    assert future.status_code == 400 and "早于其发生日" in _flat(future.text)
    far = {"csrf_token": token, "kind": "custom_deadline", "on": "2026-10-20", "due": "9999-01-01", "reason": "x"}
    refused = filled.post(url + "/events", data=far)
    assert refused.status_code == 400 and "答复期限应在2000年至2100年之间" in _flat(refused.text)
    assert filled.app.state.repo.application(OTHER_AGENCY, "2026-00002").events == ()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", list(EventKind))
def test_each_kind_of_event_gets_its_fields(filled: TestClient, kind: EventKind) -> None:
    from gongkai.web.register_view import fields_for

    fragment = filled.get(_url(OTHER_AGENCY, "2026-00001") + "/event-fields", params={"kind": kind.value})
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="event-fields"')
    for f in fields_for(kind):
        assert f'name="{f.key}"' in fragment.text
    if kind is EventKind.CONSULTATION_ANSWERED:
        assert '<option value="1">#1 征求意见（2026-09-03）</option>' in fragment.text
    if kind is EventKind.DECIDED:
        assert "（三）不予公开 1.属于国家秘密" in fragment.text


def test_the_tables_drill_down_to_their_applications(filled: TestClient) -> None:
    repo = filled.app.state.repo  # type: ignore[attr-defined]
    expected = year_tables(repo.applications(DEMO_AGENCY), 2025, DEMO_AGENCY)
    page = filled.get("/register/tables", params={"year": "2025", "agency": DEMO_AGENCY})
    text = _text(page)
    assert "三、收到和处理政府信息公开申请情况" in text and "四、政府信息公开行政复议、行政诉讼情况" in text
    links = dict(re.findall(r'data-cell="([^"]+)"[^>]*><a href="([^"]+)">', page.text))
    nonzero = {cid for cid, ids in expected.cells.items() if ids}
    assert set(links) == nonzero  # every non-zero cell a link, no zero cell
    for cid in sorted(nonzero)[:6]:
        cell_page = filled.get(html.unescape(links[cid]))
        assert sorted(_numbers(cell_page.text)) == sorted(expected.cells[cid])
    assert "统计口径" in text
    nothing = filled.get("/register/tables/cell", params={"year": "2025", "agency": DEMO_AGENCY})
    assert "请在年度表格中点击一个数字" in _text(nothing)
    unknown = filled.get("/register/tables/cell", params={"year": "2025", "agency": DEMO_AGENCY, "cell": "x.y.z"})
    assert unknown.status_code == 404


def test_both_readings_and_a_provisional_due_date_are_shown(filled: TestClient) -> None:
    headers = login(filled, "登记员甲", Role.REGISTRAR)
    body = {"agency": OTHER_AGENCY, "channel": "in_person", "applicant_type": "person"}
    saturday = filled.post("/api/register/applications", json={**body, "arrived": "2026-11-28"}, headers=headers)
    assert saturday.status_code == 201, saturday.text
    state = saturday.json()["application"]["state"]
    assert state["due"] != state["due_earlier"]  # a start day that is not a working day: two readings
    text = _text(filled.get(_url(OTHER_AGENCY, "2026-00003"), params={"as_of": "2026-12-01"}))
    assert f"较早读法的期限{state['due_earlier']}（起算日非工作日，以较早者预警）" in text
    assert f"答复期限{state['due']}" in text
    # an extension carries the due date into 2027, a year without the State Council's notice yet
    path = "/api/register/applications/" + quote(OTHER_AGENCY, safe="") + "/2026-00003/events"
    extended = filled.post(
        path, json={"kind": "extension", "on": "2026-12-01", "data": {"days": "20"}}, headers=headers
    )
    assert extended.status_code == 201, extended.text
    after = extended.json()["state"]
    assert after["extended"] and after["due"].startswith("2027-") and after["provisional"] is True
    page = filled.get(_url(OTHER_AGENCY, "2026-00003"), params={"as_of": "2026-12-02"})
    text = _text(page)
    assert "期限所在年度尚无国务院放假通知" in text and f"答复期限{after['due']}暂定" in text and "已延期" in text
    assert "答复期限" in page.text and "（暂定）" in html.unescape(page.text)  # the drawn due mark says so too
