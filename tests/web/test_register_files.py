"""The register's files in the workbench: the XLSX export (names only for the roles that see them), the
import of a 台账 (all or nothing, every bad row listed), the letters of an application, and the working-day
calendar an admin keeps (a notice entered provisional, then confirmed)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gongkai.register.workbook import APPLICATIONS_SHEET
from gongkai.store.roles import Role
from gongkai.web import create_app

from ..register.notices import NOTICE_2027
from .conftest import csrf, settings_for
from .register_data import OTHER_AGENCY, OURS, Personal, fill, login, logout


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Personal]]:
    with TestClient(create_app(settings_for(tmp_path_factory.mktemp("files")))) as client:
        personal = fill(client, applications=60)
        yield client, personal


def _texts(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_the_export_has_names_only_for_a_role_that_sees_them(filled: tuple[TestClient, Personal]) -> None:
    client, personal = filled
    logout(client)
    anonymous = client.get("/register/export.xlsx", params={"agency": OTHER_AGENCY})
    assert anonymous.status_code == 200 and "filename*=UTF-8''" in anonymous.headers["content-disposition"]
    text = _texts(anonymous.content)
    assert "2026-00001" in text and "某路段拓宽工程征收补偿方案" in text
    assert not [s for s in personal.strings() if s in text]
    login(client, "登记员导出", Role.REGISTRAR)
    text = _texts(client.get("/register/export.xlsx", params={"agency": OTHER_AGENCY}).content)
    assert OURS.name in text and OURS.contact in text and OURS.id_number not in text  # IDs are only hashed
    logout(client)


def test_an_exported_register_imports_into_an_empty_one_and_a_second_import_stores_nothing(
    filled: tuple[TestClient, Personal], tmp_path: Path
) -> None:
    client, _ = filled
    login(client, "登记员甲", Role.REGISTRAR)
    exported = client.get("/register/export.xlsx").content
    again = _post_workbook(client, exported)
    assert again.status_code == 400 and "整份台账没有导入" in again.text and "已在登记簿中" in again.text
    logout(client)

    with TestClient(create_app(settings_for(tmp_path))) as empty:
        assert "导入台账（Excel）" in empty.get("/register/import").text
        refused = _post_workbook(empty, exported)
        assert refused.status_code == 401  # a login is needed
        login(empty, "登记员乙", Role.REGISTRAR)
        done = _post_workbook(empty, exported)
        assert done.status_code == 200, done.text
        imported = len(filled[0].app.state.repo.applications())  # type: ignore[attr-defined]
        assert f"已导入 {imported} 件申请" in done.text
        assert len(empty.app.state.repo.applications()) == imported  # type: ignore[attr-defined]


def test_a_broken_workbook_lists_every_bad_row_and_stores_nothing(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "target").mkdir()
    with TestClient(create_app(settings_for(tmp_path / "source"))) as source:
        fill(source, applications=20)
        exported = source.get("/register/export.xlsx").content
    book = load_workbook(io.BytesIO(exported))
    sheet = book[APPLICATIONS_SHEET]
    headers = [c.value for c in sheet[1]]
    channel = headers.index("收到方式") + 1
    sheet.cell(row=3, column=channel, value="信鸽")
    sheet.cell(row=5, column=channel, value="烽火台")
    broken = io.BytesIO()
    book.save(broken)
    with TestClient(create_app(settings_for(tmp_path / "target"))) as client:
        login(client, "登记员丙", Role.REGISTRAR)
        response = _post_workbook(client, broken.getvalue())
        assert response.status_code == 400
        assert "信鸽" in response.text and "烽火台" in response.text and "整份台账没有导入" in response.text
        assert client.app.state.repo.applications() == []  # type: ignore[attr-defined]
        wrong = _post_workbook(client, b"not a workbook", name="台账.csv")
        assert wrong.status_code == 400 and "台账只支持 XLSX 文件" in wrong.text


def _post_workbook(client: TestClient, data: bytes, name: str = "台账.xlsx") -> object:
    return client.post(
        "/register/import",
        files={"file": (name, data, "application/octet-stream")},
        data={"csrf_token": csrf(client)["X-CSRF-Token"]},
    )


def _letter_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_letters_of_an_application(filled: tuple[TestClient, Personal]) -> None:
    client, _ = filled
    base = f"/register/{OTHER_AGENCY}/2026-00001"
    logout(client)
    page = client.get(base).text
    assert "文书（Word）" in page and f"/register/{quote(OTHER_AGENCY)}/2026-00001/letters/receipt.docx" in page
    assert "收费通知书（" in page  # no fee notice registered: offered with its reason, not as a link
    receipt = client.get(f"{base}/letters/receipt.docx")
    assert receipt.status_code == 200 and receipt.content[:2] == b"PK"
    text = _letter_text(receipt.content)
    assert "2026-00001" in text and OURS.name not in text
    extension = _letter_text(client.get(f"{base}/letters/extension.docx").content)
    assert "延期" in extension
    fee = client.get(f"{base}/letters/fee.docx")
    assert fee.status_code == 409 and "不能生成收费通知书" in fee.text
    assert client.get(f"{base}/letters/poem.docx").status_code == 404
    assert client.get(f"/register/{OTHER_AGENCY}/2026-99999/letters/receipt.docx").status_code == 404
    login(client, "登记员丁", Role.REGISTRAR)
    assert OURS.name in _letter_text(client.get(f"{base}/letters/receipt.docx").content)
    logout(client)


def test_an_admin_enters_a_notice_and_confirms_the_year(filled: tuple[TestClient, Personal]) -> None:
    client, _ = filled
    logout(client)
    page = client.get("/register/calendar", params={"year": 2026})
    assert page.status_code == 200 and "2026-10-01" in page.text and "需要管理员账号" in page.text
    assert client.get("/api/register/calendar", params={"year": 2026}).json()["days"]
    token = login(client, "登记员戊", Role.REGISTRAR)["X-CSRF-Token"]
    refused = client.post("/register/calendar/notice", data={"text": NOTICE_2027, "csrf_token": token})
    assert refused.status_code == 403
    token = login(client, "管理员己", Role.ADMIN)["X-CSRF-Token"]
    entered = client.post("/register/calendar/notice", data={"text": NOTICE_2027, "csrf_token": token})
    assert entered.status_code == 200 and "已导入 2027 年放假安排" in entered.text
    days = client.get("/api/register/calendar", params={"year": 2027}).json()["days"]
    assert days and {d["status"] for d in days} == {"provisional"}
    assert "确认 2027 年的放假安排为正式" in entered.text
    confirmed = client.post("/register/calendar/confirm", data={"year": "2027", "csrf_token": token})
    assert confirmed.status_code == 200 and "已确认 2027 年" in confirmed.text
    days = client.get("/api/register/calendar", params={"year": 2027}).json()["days"]
    assert {d["status"] for d in days} == {"official"} and {d["confirmed_by"] for d in days} == {"管理员己"}
    bad = client.post("/register/calendar/notice", data={"text": "随便写的", "csrf_token": token})
    assert bad.status_code == 400 and "放假安排通知无法导入" in bad.text
    logout(client)
