"""机关名录 and 年度发布情况 through the ASGI client: the registry built by uploads, edited, imported and
exported; the year's published / late / missing view; the region filter on lists, statistics and exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from gongkai.store import open_database
from gongkai.store.accounts import set_password
from gongkai.web import create_app

from ..conftest import CORPUS, shared_or_skip
from .conftest import TestClient, csrf, settings_for, upload

SEEDS = ["003_30f21ffa1848b77a.txt", "004_e7d4e3b0369f5572.txt"]  # 成安县 (2022-02-21), 阳泉市 (2022-03-09), on 2021
SHANXI = (
    "机关名称,类型,上级机关,地区,备注\n"
    "山西省人民政府,人民政府,,山西省,\n"
    "阳泉市人民政府,人民政府,山西省人民政府,山西省阳泉市,市政府\n"
    "阳泉市教育局,部门,阳泉市人民政府,,\n"
    "阳泉市财政局,县级,阳泉市人民政府,,\n"
)


@pytest.fixture
def filled(client: TestClient) -> TestClient:
    """The two seeds uploaded, and a province's organs imported over the registry they made."""
    root = shared_or_skip(CORPUS / "seeds")
    job = upload(client, *((name, (root / name).read_bytes()) for name in SEEDS))
    assert job["state"] == "done", job
    return client


def _import(client: TestClient, text: str, name: str = "名录.csv") -> dict:
    response = client.post(
        "/api/agencies/import", files={"file": (name, text.encode(), "text/csv")}, headers=csrf(client)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_uploads_fill_the_registry(filled: TestClient) -> None:
    data = filled.get("/api/agencies").json()
    assert data["total"] == 2
    assert [(a["name"], a["kind_zh"], a["origin"]) for a in data["agencies"]] == [
        ("成安县人民政府", "人民政府", "report"),
        ("阳泉市人民政府", "人民政府", "report"),
    ]
    page = filled.get("/agencies")
    assert page.status_code == 200 and "机关名录" in page.text and "由报告生成" in page.text
    assert '<a href="/agencies" class="active">机关名录</a>' in page.text


def test_an_agency_with_its_reports(filled: TestClient) -> None:
    one = filled.get("/api/agencies/one", params={"agency": "阳泉市人民政府"}).json()
    assert one["agency"]["key"] == "阳泉市人民政府" and [r["year"] for r in one["reports"]] == [2021]
    report = filled.get(f"/api/reports/{one['reports'][0]['report_id']}").json()
    assert report["report"]["agency"] == "阳泉市人民政府"
    missing = filled.get("/api/agencies/one", params={"agency": "无此机关"})
    assert missing.status_code == 404 and "无此机关" in missing.json()["error"]["message"]


def test_an_import_reports_bad_rows_by_file_and_row(filled: TestClient) -> None:
    outcome = _import(filled, SHANXI)
    assert outcome["imported"] == 3
    assert outcome["problems"] == [
        "名录.csv 第5行：类型“县级”无法识别（可填 人民政府、部门、乡镇、其他"
        "（或 government、department、township、other）），未导入"
    ]
    yangquan = filled.get("/api/agencies", params={"parent": "山西省人民政府"}).json()["agencies"]
    assert [(a["name"], a["region"]) for a in yangquan] == [
        ("山西省人民政府", "山西省"),
        ("阳泉市教育局", "山西省阳泉市"),  # in pinyin order: yangquanshi jiaoyuju before renmin zhengfu
        ("阳泉市人民政府", "山西省阳泉市"),
    ]
    assert [a["name"] for a in filled.get("/api/agencies", params={"kind": "部门"}).json()["agencies"]] == [
        "阳泉市教育局"
    ]
    page = filled.post(
        "/agencies/import",
        files={"file": ("名录.csv", "机关名称\n\n,\n".encode(), "text/csv")},
        data={"csrf_token": csrf(filled)["X-CSRF-Token"]},
    )
    assert page.status_code == 200 and "已导入 <strong>0</strong> 个机关" in page.text
    wrong = filled.post(
        "/agencies/import",
        files={"file": ("名录.txt", b"x", "text/plain")},
        data={"csrf_token": csrf(filled)["X-CSRF-Token"]},
    )
    assert wrong.status_code == 400 and "只支持 XLSX 或 CSV" in wrong.text


def test_the_status_view_for_a_year(filled: TestClient) -> None:
    _import(filled, SHANXI)
    data = filled.get("/api/agencies/status", params={"year": 2021, "region": "山西省"}).json()
    states = {r["agency"]["name"]: (r["state"], r["published"], r["deadline"]) for r in data["rows"]}
    assert states == {
        "山西省人民政府": ("overdue", None, "2022-03-31"),
        "阳泉市人民政府": ("on-time", "2022-03-09", "2022-03-31"),
        "阳泉市教育局": ("overdue", None, "2022-01-31"),
    }
    assert (data["published"], data["late"], data["missing"], data["overdue"]) == (1, 0, 2, 2)
    page = filled.get("/agencies/status", params={"year": 2021, "parent": "阳泉市人民政府"})
    assert page.status_code == 200 and "2021年度年报发布情况" in page.text
    report = next(r["report_id"] for r in data["rows"] if r["report_id"])
    assert f'href="/reports/{report}"' in page.text and "未发布（已逾期）" in page.text and "按时发布" in page.text
    assert filled.get("/api/agencies/status", params={"year": 2021, "parent": "无此机关"}).status_code == 404
    assert filled.get("/api/agencies/status", params={"year": 1800}).status_code == 422
    empty = filled.get("/agencies/status", params={"year": 2021, "region": "西藏"})
    assert "范围内没有机关" in empty.text


def test_edits_need_the_csrf_token_and_a_login_when_required(filled: TestClient, tmp_path: Path) -> None:
    refused = filled.post("/api/agencies", json={"name": "阳泉市审计局"})
    assert refused.status_code == 403
    saved = filled.post(
        "/api/agencies", json={"name": "阳泉市审计局", "kind": "部门", "parent": "阳泉市人民政府"}, headers=csrf(filled)
    )
    assert saved.status_code == 200
    assert (
        saved.json()["agency"]["parent_name"] == "阳泉市人民政府" and saved.json()["agency"]["origin_zh"] == "人工编辑"
    )
    bad = filled.post("/api/agencies", json={"name": "阳泉市审计局", "kind": "县级"}, headers=csrf(filled))
    assert bad.status_code == 400 and "无法识别" in bad.json()["error"]["message"]
    (tmp_path / "login").mkdir()
    settings = settings_for(tmp_path / "login", login_required=True)
    database = open_database(settings.database_url)
    set_password(database, "reviewer", "correct horse battery")
    database.close()
    with TestClient(create_app(settings)) as other:
        answer = other.post("/api/agencies", json={"name": "阳泉市审计局"}, headers=csrf(other))
        assert answer.status_code == 401


def test_the_page_form_edits_and_deletes(filled: TestClient) -> None:
    token = csrf(filled)["X-CSRF-Token"]
    form = filled.get("/agencies", params={"edit": "阳泉市人民政府"})
    assert "修改机关：阳泉市人民政府" in form.text and 'value="阳泉市人民政府"' in form.text
    saved = filled.post(
        "/agencies",
        data={
            "csrf_token": token,
            "key": "阳泉市人民政府",
            "name": "阳泉市人民政府",
            "kind": "government",
            "region": "山西省阳泉市",
            "note": "市政府",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    row = filled.get("/api/agencies", params={"region": "山西省"}).json()["agencies"][0]
    assert (row["region"], row["note"], row["origin"]) == ("山西省阳泉市", "市政府", "edit")
    refused = filled.post("/agencies", data={"csrf_token": token, "name": "某局", "parent": "无此机关"})
    assert refused.status_code == 400 and "不在名录中" in refused.text
    gone = filled.post("/agencies/delete", data={"csrf_token": token, "key": "阳泉市人民政府"}, follow_redirects=False)
    assert gone.status_code == 303
    assert [a["name"] for a in filled.get("/api/agencies").json()["agencies"]] == ["成安县人民政府"]


def test_the_registry_downloads_as_xlsx_and_csv(filled: TestClient) -> None:
    _import(filled, SHANXI)
    xlsx = filled.get("/agencies/export", params={"fmt": "xlsx", "region": "山西省"})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxml")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "山西省人民政府",
        "阳泉市教育局",
        "阳泉市人民政府",
    ]
    text = filled.get("/api/agencies/export", params={"fmt": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4 and {r["类型"] for r in rows} == {"人民政府", "政府部门"}
    again = _import(filled, text)  # the file imports back as it is
    assert again == {"imported": 4, "problems": []}
    assert filled.get("/api/agencies/export", params={"fmt": "pdf"}).status_code == 422


def test_the_region_filter_on_lists_statistics_dashboard_and_exports(filled: TestClient) -> None:
    assert filled.get("/api/reports", params={"region": "山西省"}).json()["total"] == 0
    _import(filled, SHANXI)  # 阳泉市 now lies in 山西省, though its report states only 阳泉市
    listing = filled.get("/api/reports", params={"region": "山西省"}).json()
    assert listing["total"] == 1 and listing["reports"][0]["agency"] == "阳泉市人民政府"
    assert filled.get("/api/reports", params={"region": "成安"}).json()["total"] == 1
    assert filled.get("/api/reports").json()["total"] == 2
    stats = filled.get("/api/stats", params={"region": "山西省"}).json()
    assert stats["reports"] == 1 and stats["reports_by_year"] == {"2021": 1}
    page = filled.get("/reports", params={"region": "山西省"})
    assert (
        'name="region" value="山西省"' in page.text
        and "阳泉市人民政府" in page.text
        and "成安县人民政府" not in page.text
    )
    assert filled.get("/dashboard", params={"region": "山西省"}).status_code == 200
    wide = filled.get("/export/download", params={"fmt": "csv", "form": "wide", "region": "山西省"})
    assert wide.status_code == 200 and len(list(csv.DictReader(io.StringIO(wide.content.decode("utf-8-sig"))))) == 1


def test_the_registry_page_filters_and_refuses_unknown_kinds(filled: TestClient) -> None:
    _import(filled, SHANXI)
    page = filled.get("/agencies", params={"region": "山西省阳泉市"})
    names = re.findall(r'<a href="/reports\?agency=[^"]*">([^<]+)</a>', page.text)
    assert names == ["阳泉市教育局", "阳泉市人民政府"]  # in pinyin order, within the region
    assert 'name="region" value="山西省阳泉市"' in page.text
    assert "/agencies/status?region=" in page.text  # the status button keeps the scope
    departments = filled.get("/agencies", params={"kind": "department"})
    assert "阳泉市教育局" in departments.text and "成安县人民政府" not in departments.text
    bad = filled.get("/agencies", params={"kind": "县级"})
    assert bad.status_code == 400 and "无法识别" in bad.text
    missing = filled.get("/agencies", params={"parent": "无此机关"})
    assert missing.status_code == 404 and "机关名录中没有" in missing.text
    empty = filled.get("/agencies", params={"region": "西藏"})
    assert "名录中还没有机关" in empty.text


def test_a_new_agency_from_the_form_gets_its_region_from_its_parent(filled: TestClient) -> None:
    _import(filled, SHANXI)
    token = csrf(filled)["X-CSRF-Token"]
    saved = filled.post(
        "/agencies",
        data={"csrf_token": token, "name": "阳泉市审计局", "parent": "阳泉市人民政府", "kind": "", "region": ""},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    row = filled.get("/api/agencies/one", params={"agency": "阳泉市审计局"}).json()["agency"]
    assert (row["kind"], row["region"], row["parent_name"]) == ("department", "山西省阳泉市", "阳泉市人民政府")
    no_token = filled.post("/agencies", data={"name": "阳泉市统计局"})
    assert no_token.status_code == 403
