"""撰写年报 (/write): the draft beside its checks, edits previewed, each form downloaded and read back exact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from gongkai.api import read_bytes
from gongkai.check import RULES
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.tables import year_tables
from gongkai.store import open_database
from gongkai.store.repository import Repository
from gongkai.web.app import create_app

from ..english import english_words, page_text
from .conftest import csrf, settings_for

AGENCY = "宁国市商务局"
THIS_YEAR = date.today().year  # its report is not yet due: writing it is not late
LAST_YEAR_BUT_ONE = THIS_YEAR - 2  # long past its deadline


@pytest.fixture
def register_client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """A workbench over a register of one department, and the table 三/四 cells of this year."""
    settings = settings_for(tmp_path)
    database = open_database(settings.database_url)
    years = (THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR)
    apps = demo_register(DemoSpec(applications=120, years=years, seed=3, agency=AGENCY))
    try:
        Repository(database).add_applications(apps)
    finally:
        database.close()
    cells = {cid: len(ids) for cid, ids in year_tables(apps, THIS_YEAR, AGENCY).cells.items()}
    with TestClient(create_app(settings)) as client:
        yield client, cells


def form(client: TestClient, **more: str) -> dict[str, str]:
    return {
        "csrf_token": csrf(client)["X-CSRF-Token"],
        "agency": AGENCY,
        "year": str(THIS_YEAR),
        "profile": "template",
        "kind": "政府部门",
        **more,
    }


def test_the_page_shows_the_draft_beside_its_checks(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, _cells = register_client
    page = client.get(f"/write?year={THIS_YEAR}")
    assert page.status_code == 200
    text = page.text
    assert f"{AGENCY}{THIS_YEAR}年政府信息公开工作年度报告" in text
    assert f"发布期限：{THIS_YEAR + 1}年" in text and "【草稿】" in text
    assert 'rowspan="3" colspan="3"' in text  # the 勾稽 note's corner in the preview
    assert "<script>" not in text and "<style" not in text and 'style="' not in text  # the CSP refuses inline
    assert 'name="section:6"' in text and "信息处理费" in text
    assert 'href="/static/css/write.css"' in text


def test_an_empty_register_says_what_to_do(client: TestClient) -> None:
    page = client.get("/write")
    assert page.status_code == 200 and "登记簿为空" in page.text


def test_edits_are_previewed_and_checked(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, cells = register_client
    new = cells["applications.new.total"]
    data = form(client, action="preview")
    data["section:5"] = "主要问题是栏目更新不及时。"
    data["section:1"] = f"本年度新收政府信息公开申请{new + 5}件。"
    data["cell:proactive.licensing.decisions"] = "530"
    page = client.post("/write", data=data)
    assert page.status_code == 200
    assert "主要问题是栏目更新不及时。" in page.text and "530" in page.text
    assert "【草稿】" not in page.text
    assert RULES["narrative-mismatch"].zh in page.text
    assert f"{new + 5}" in page.text and "正文称" in page.text  # the narrative rule caught the typed figure


@pytest.mark.parametrize("action", ["md", "html", "docx"])
def test_each_download_reads_back_exactly(register_client: tuple[TestClient, dict[str, int]], action: str) -> None:
    client, cells = register_client
    data = form(client, action=action)
    data["cell:proactive.fees.amount"] = "1.2500"
    answer = client.post("/write", data=data)
    assert answer.status_code == 200, answer.text[:300]
    disposition = unquote(answer.headers["content-disposition"])
    assert disposition.endswith(f"{AGENCY}{THIS_YEAR}年政府信息公开工作年度报告.{action}")
    read = read_bytes(answer.content, f"下载.{action}")
    assert {cid: read.value(cid) for cid in cells} == cells
    assert str(read.value("proactive.fees.amount")) == "1.2500"


def test_a_late_report_is_not_generated_without_a_reason(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, _cells = register_client
    blocked = client.post("/write", data=form(client, action="md", year=str(LAST_YEAR_BUT_ONE)))
    assert blocked.status_code == 409 and "未生成文件" in blocked.text and "年度报告逾期公布" in blocked.text
    reason = "系统迁移延误，已报主管部门"
    kept = client.post("/write", data=form(client, action="md", year=str(LAST_YEAR_BUT_ONE), override=reason))
    assert kept.status_code == 200 and f'override: "{reason}"' in kept.text


def test_a_bad_figure_is_refused_naming_the_field(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, _cells = register_client
    data = form(client, action="preview")
    data["cell:proactive.rules.issued"] = "-2"
    page = client.post("/write", data=data)
    assert page.status_code == 400 and "表二.规章.本年制发件数：应为不小于0的数" in page.text
    other = client.post("/write", data=form(client, agency="某某局"))
    assert other.status_code == 400 and "机关、年度、版式或机关类型无效" in other.text


def test_writing_needs_the_csrf_token(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, _cells = register_client
    data = form(client, action="md")
    del data["csrf_token"]
    assert client.post("/write", data=data).status_code == 403


def test_the_api_gives_the_checks_and_the_deadline(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, cells = register_client
    answer = client.get(f"/api/write/check?agency={AGENCY}&year={THIS_YEAR}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["draft"] is True and body["deadline"].startswith(str(THIS_YEAR + 1))
    assert body["cells"]["applications.new.total"] == cells["applications.new.total"]
    assert client.get(f"/api/write/check?agency=某某局&year={THIS_YEAR}").status_code == 404
    assert "/api/write/check" in client.get("/api/openapi.json").json()["paths"]
    assert not any(p.startswith("/write") for p in client.get("/api/openapi.json").json()["paths"])


def test_the_filled_page_has_no_english(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, _cells = register_client
    page = client.get(f"/write?year={THIS_YEAR}")
    assert english_words(page_text(page.text), {"DOCX", "HTML", "Markdown", "PDF", "Word", "gongkai"}) == []


def test_a_pdf_without_libreoffice_is_a_chinese_page(
    register_client: tuple[TestClient, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai import libreoffice

    client, _cells = register_client
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    answer = client.post("/write", data=form(client, action="pdf"))
    assert answer.status_code == 503 and "未安装 LibreOffice" in answer.text


def test_the_gongwen_profile_is_downloaded_as_html(register_client: tuple[TestClient, dict[str, int]]) -> None:
    client, _cells = register_client
    answer = client.post("/write", data=form(client, action="html", profile="gbt9704"))
    assert answer.status_code == 200
    assert '<meta name="gongkai-profile" content="gbt9704">' in answer.text and "仿宋_GB2312" in answer.text
