"""The workbench a reviewer works in, in a real browser (Debian chromium driven by Playwright).

One dev report uploaded as its PDF, as a scan of it and as DOCX leaves one current report and two
superseded versions, and the dashboard, the statistics and the export count it once; a meeting
notice is refused with its reason on the page; errors are shown; the main pages fit a 375 px
phone; the API docs load with the internet cut off; printing hides the workbench around a report.
The scan and the DOCX are made from the dev PDF (tests/web/forms.py): the corpus holds one form.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from gongkai.web import create_app

from ..conftest import CORPUS, shared_or_skip
from .conftest import screenshot, settings_for
from .forms import NOTICE, rendered_forms, scan_of, upload_job

PDF = "001_huaian-hongze-qu-2023.pdf"


def _upload(page, base: str, path: Path, **choices: str) -> object:
    """Upload ``path`` through the page; the finished job's card."""
    page.goto(f"{base}/upload")
    page.set_input_files("input[type=file]", str(path))
    if choices.get("versions"):
        page.check(f"input[name=versions][value={choices['versions']}]")
    if choices.get("force"):
        page.check("input[name=accept_unrecognised]")
    page.click("button:has-text('上传并读取')")
    page.wait_for_selector("section.job[data-finished]", timeout=90_000)
    return page.locator("section.job")


def _cells(csv_text: str) -> Counter[tuple[str, str]]:
    """(cell, value) of every row of a long CSV export, whatever its headings."""
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert rows, csv_text[:200]
    cell = next(k for k in rows[0] if k in ("cell_id", "单元格"))
    value = next(k for k in rows[0] if k in ("value", "数值"))
    return Counter((r[cell], r[value]) for r in rows)


def _single(tmp_path: Path, name: str, data: bytes) -> tuple[dict, Counter[tuple[str, str]]]:
    """Stats and exported cells of a corpus holding this one upload."""
    folder = tmp_path / f"single-{Path(name).suffix.lstrip('.')}"
    folder.mkdir()
    with TestClient(create_app(settings_for(folder))) as client:
        upload_job(client, (name, data))
        stats = client.get("/api/stats").json()
        cells = _cells(client.get("/export/download", params={"fmt": "csv", "form": "long"}).text)
    return stats, cells


def test_one_report_in_three_forms_is_one_current_report(browser_page, live_server: str, tmp_path: Path) -> None:
    page = browser_page
    pdf = shared_or_skip(CORPUS / "dev" / PDF)
    scan = scan_of(pdf, tmp_path)
    docx = tmp_path / f"{pdf.stem}.docx"
    docx.write_bytes(rendered_forms(pdf)[docx.name])

    for number, path in enumerate((pdf, scan, docx), start=1):
        job = _upload(page, live_server, path)
        row = job.locator("table.results-table tbody tr")
        assert row.count() == 1
        text = row.inner_text()
        assert "已入库" in text and "洪泽区人民政府" in text and "2023" in text and f"第 {number} 版" in text
        if number == 2:
            screenshot(page, "upload-results")

    api = page.request
    reports = api.get(f"{live_server}/api/reports").json()
    assert reports["total"] == 1
    current = reports["reports"][0]
    assert current["source"] == docx.name and current["version"] == 3
    versions = api.get(f"{live_server}/api/reports/{current['id']}/versions").json()["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, False), (3, True)]
    assert [v["source"] for v in versions] == [pdf.name, scan.name, docx.name]

    page.goto(f"{live_server}/reports/{current['id']}")
    history = page.locator("details.versions")
    assert "共 3 版，本页为第 3 版（当前）" in history.inner_text()
    history.locator("summary").click()
    assert history.locator("tbody tr").count() == 3
    screenshot(page, "report-versions")
    page.click(f"details.versions a[href='/reports/{versions[0]['id']}']")
    page.wait_for_selector(".alert-superseded")
    assert "这是已被取代的第 1 版" in page.locator(".alert-superseded").inner_text()
    page.click(".alert-superseded a")
    page.wait_for_url(f"**/reports/{current['id']}")

    # what the corpus counts: the same as a corpus holding one upload
    stats = api.get(f"{live_server}/api/stats").json()
    cells = _cells(api.get(f"{live_server}/export/download?fmt=csv&form=long").text())
    only_docx, docx_cells = _single(tmp_path, docx.name, docx.read_bytes())
    only_pdf, pdf_cells = _single(tmp_path, pdf.name, pdf.read_bytes())
    assert stats == only_docx
    assert cells == docx_cells
    for key in ("reports", "reports_by_year", "applications_by_year", "outcomes", "correction_rate"):
        assert stats[key] == only_pdf[key], key
    assert cells == pdf_cells  # the DOCX carries the PDF's numbers
    page.goto(f"{live_server}/dashboard")
    assert page.locator(".kpi", has_text="报告").first.locator("strong").inner_text() == "1"


def test_a_meeting_notice_is_refused_with_its_reason(browser_page, live_server: str, tmp_path: Path) -> None:
    page = browser_page
    notice = tmp_path / "关于召开政务公开工作会议的通知.txt"
    notice.write_bytes(NOTICE)
    job = _upload(page, live_server, notice)
    row = job.locator("tr.result-held_out")
    assert row.is_visible()
    assert "未作为报告入库" in row.inner_text() and "未识别为政府信息公开工作年度报告" in row.inner_text()
    assert row.locator("a").count() == 0
    screenshot(page, "upload-held-out")
    assert page.request.get(f"{live_server}/api/reports").json()["total"] == 0
    page.goto(f"{live_server}/reports")
    assert "没有符合条件的报告" in page.locator("#results").inner_text()
    # the history beside the form tells the same
    page.goto(f"{live_server}/upload")
    assert notice.name in page.locator("section.history").inner_text()


def test_an_upload_error_is_shown_and_the_progress_bar_reset(browser_page, live_server: str, tmp_path: Path) -> None:
    page = browser_page
    bad = tmp_path / "年报.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.goto(f"{live_server}/upload")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('上传并读取')")
    alert = page.locator("#job [role=alert]")
    alert.wait_for()
    assert "没有可读取的文件" in alert.inner_text() and "不支持的文件类型 .exe" in alert.inner_text()
    assert page.locator("#upload-progress").is_hidden()
    screenshot(page, "upload-error", full_page=False)


def test_the_main_pages_fit_a_phone(browser_page, live_server: str, seed: Path) -> None:
    page = browser_page
    _upload(page, live_server, seed)
    rid = page.request.get(f"{live_server}/api/reports").json()["reports"][0]["id"]
    page.set_viewport_size({"width": 375, "height": 800})
    for path in (
        "/reports",
        f"/reports/{rid}",
        "/upload",
        "/compare",
        "/compare?agency=阳泉",
        "/dashboard",
        "/export",
    ):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
        assert page.locator("header.topbar nav a", has_text="上传").is_visible(), path
        screenshot(page, "phone-" + (path.strip("/").split("?")[0].replace("/", "-") or "home"))


def test_the_api_docs_load_with_the_internet_cut_off(browser_page, live_server: str) -> None:
    page = browser_page
    host = urlparse(live_server).netloc
    outside: list[str] = []

    def only_local(route) -> None:
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "gongkai 工作台 API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    assert outside == []
    screenshot(page, "api-docs", full_page=False)


def test_printing_a_report_leaves_out_the_workbench(browser_page, live_server: str, seed: Path) -> None:
    page = browser_page
    _upload(page, live_server, seed)
    rid = page.request.get(f"{live_server}/api/reports").json()["reports"][0]["id"]
    page.goto(f"{live_server}/reports/{rid}")
    page.emulate_media(media="print")
    assert page.locator("header.topbar").is_hidden()
    assert page.locator(".actions").is_hidden()
    assert page.locator(".review").first.is_hidden()
    assert page.locator("table.official").first.is_visible()
    assert page.locator(".finding").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-"


def test_a_bar_opens_the_reports_behind_it(browser_page, live_server: str, seed: Path) -> None:
    page = browser_page
    _upload(page, live_server, seed)
    page.goto(f"{live_server}/dashboard")
    page.wait_for_function("document.querySelector('#chart-reports canvas') !== null")
    x, y = page.evaluate(
        """() => {
            const el = document.getElementById('chart-reports');
            const chart = echarts.getInstanceByDom(el);
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [0, 0.5]);
            const box = el.getBoundingClientRect();
            return [box.left + px, box.top + py];
        }"""
    )
    page.mouse.click(x, y)
    page.wait_for_url("**/reports?year=2021")
    assert page.locator("table.list tbody tr").count() == 1


@pytest.mark.parametrize("width", [375])
def test_an_empty_dashboard_says_no_data(browser_page, live_server: str, width: int) -> None:
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/dashboard")
    assert page.locator(".chart-empty").count() == 6
    assert page.locator(".chart-empty").first.is_visible()
    assert "暂无数据" in page.locator(".chart-empty").first.inner_text()


@pytest.fixture
def small_server(tmp_path: Path):
    """The app with a 1 MB upload limit, served by uvicorn in a thread."""
    import threading
    import time

    import uvicorn

    from .conftest import free_port

    port = free_port()
    app = create_app(settings_for(tmp_path, max_upload_bytes=1024 * 1024))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_too_large_upload_says_so_on_the_page(browser_page, small_server: str, tmp_path: Path) -> None:
    page = browser_page
    big = tmp_path / "大文件.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    page.goto(f"{small_server}/upload")
    page.set_input_files("input[type=file]", str(big))
    page.click("button:has-text('上传并读取')")
    alert = page.locator("#job [role=alert]")
    alert.wait_for()
    assert "上传内容超过1 MB的限制" in alert.inner_text()
    assert page.locator("#upload-progress").is_hidden()
