"""The report page's versions: history, differences, the superseded notice; and the original file's download."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

from gongkai.api import read_bytes
from gongkai.render.html import render_tables_html
from gongkai.web.routes.versions import content_disposition, content_type

from ..conftest import CORPUS, shared_or_skip
from .forms import rendered_forms, upload_job


def _two_versions(client: TestClient, seed: Path) -> tuple[int, int]:
    old = upload_job(client, (seed.name, seed.read_bytes()))["results"][0]["report_id"]
    name, html = next(iter(rendered_forms(seed).items()))
    new = upload_job(client, (name, html))["results"][0]["report_id"]
    return old, new


def test_the_current_version_shows_the_history_and_the_differences(client: TestClient, seed: Path) -> None:
    old, new = _two_versions(client, seed)
    page = client.get(f"/reports/{new}").text
    assert "共 2 版，本页为第 2 版（当前）" in page and "第 1 版 → 第 2 版的差异" in page
    history = page[page.index('class="card versions"') : page.index('id="version-diff"')]
    assert seed.name in history and f'href="/reports/{old}"' in history
    assert history.count("已被取代") == 1 and "当前" in history
    assert "这是已被取代的" not in page
    # the rendered HTML carries the tables only: findings of the prose are gone, shown as removed
    diff = client.get(f"/api/reports/{new}/versions/diff", params={"against": old}).json()
    assert diff["findings_removed"] or diff["findings_added"] or diff["cells"]
    for finding in diff["findings_removed"]:
        assert finding["message"] in page


def test_a_superseded_version_says_so_at_the_top_with_a_link(client: TestClient, seed: Path) -> None:
    old, new = _two_versions(client, seed)
    page = client.get(f"/reports/{old}").text
    notice = page.index("这是已被取代的第 1 版")
    assert notice < page.index('class="page-head"')
    assert f'<a href="/reports/{new}">第 2 版' in page


def test_a_report_of_one_version_shows_no_history(client: TestClient, seed: Path) -> None:
    rid = upload_job(client, (seed.name, seed.read_bytes()))["results"][0]["report_id"]
    page = client.get(f"/reports/{rid}").text
    assert 'class="card versions"' not in page and "已被取代" not in page
    assert f'href="/reports/{rid}/original"' in page


def test_the_differences_of_another_pair_come_as_a_fragment(client: TestClient, seed: Path) -> None:
    old, new = _two_versions(client, seed)
    fragment = client.get(f"/reports/{old}/versions/diff", params={"against": new}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "第 1 版 → 第 2 版的差异" in fragment.text
    assert "<!DOCTYPE" not in fragment.text
    assert client.get(f"/reports/{old}/versions/diff", params={"against": old}).status_code == 404
    assert client.get(f"/api/reports/{old}/versions/diff", params={"against": 9999}).status_code == 404
    assert client.get("/api/reports/9999/versions").status_code == 404


def test_a_changed_cell_shows_its_difference_and_percent(client: TestClient, seed: Path) -> None:
    report = read_bytes(seed.read_bytes(), seed.name)
    assert report.format is not None and report.format.applications is not None
    cid = report.format.applications.cell(report.format.applications.new)
    before = report.value(cid)
    assert before  # a number other than 0, so the change has a percentage
    values = {c: cell.value for c, cell in report.cells.items()}
    values[cid] = before + 5
    corrected = render_tables_html(report.format_id, values, title=report.title).encode()
    upload_job(client, (seed.name, seed.read_bytes()))
    new = upload_job(client, ("更正版.html", corrected))["results"][0]["report_id"]
    page = client.get(f"/reports/{new}").text
    table = page[page.index('class="list version-cells"') :]
    table = table[: table.index("</table>")]
    row = next(r for r in table.split("<tr>") if f'title="{cid}"' in r)
    assert f">{before}<" in row and f">{before + 5}<" in row and ">+5<" in row
    assert f">+{Decimal(500) / Decimal(before):.1f}%<" in row


def test_the_original_text_file_downloads_under_its_chinese_name(client: TestClient, seed: Path) -> None:
    data = seed.read_bytes()
    job = upload_job(client, ("阳泉市2021年报告.txt", data))
    rid = job["results"][0]["report_id"]
    response = client.get(f"/reports/{rid}/original")
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('阳泉市2021年报告.txt')}" in disposition
    assert f'filename="report-{rid}.txt"' in disposition
    assert disposition.encode("latin-1")  # a header of ASCII only
    assert response.headers["content-security-policy"] == "sandbox"


def test_the_original_pdf_downloads_as_pdf(client: TestClient) -> None:
    pdf = shared_or_skip(CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf")
    rid = upload_job(client, (pdf.name, pdf.read_bytes()))["results"][0]["report_id"]
    response = client.get(f"/reports/{rid}/original")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert f'filename="{pdf.name}"' in response.headers["content-disposition"]


def test_no_such_report_has_no_original(client: TestClient) -> None:
    response = client.get("/reports/12345/original")
    assert response.status_code == 404 and "没有编号为 12345 的报告" in response.text


def test_content_types_and_dispositions() -> None:
    assert content_type("a.DOCX").startswith("application/vnd.openxmlformats")
    assert content_type("扫描件.jpg") == "image/jpeg"
    assert content_type("x.unknownext") == "application/octet-stream"
    assert content_disposition("plain-name.pdf", "report-1.pdf") == (
        "attachment; filename=\"plain-name.pdf\"; filename*=UTF-8''plain-name.pdf"
    )
    header = content_disposition('报告 "引号".pdf', "report-1.pdf")
    assert 'filename="report-1.pdf"' in header and "%E6%8A%A5%E5%91%8A" in header and '"引号"' not in header
