"""The workbench in a real browser (Debian chromium driven by Playwright).

Upload the seed report, open it, see the 勾稽 error on applications.new.person,
click the cell to see its source line, dismiss the finding and see the decision
survive a re-read of the same file, download the XLSX. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import screenshot


def _upload(page, base: str, seed: Path, replace: bool = False) -> str:
    page.goto(f"{base}/upload")
    page.set_input_files("input[type=file]", str(seed))
    if replace:
        page.check("input[name=replace]")
    page.click("button:has-text('上传并读取')")
    page.wait_for_selector("text=读取完成", timeout=30_000)
    link = page.locator("table.results-table a").first
    href = link.get_attribute("href")
    assert href and href.startswith("/reports/")
    return href


def test_review_workflow(browser_page, live_server: str, seed: Path) -> None:
    page = browser_page
    href = _upload(page, live_server, seed)
    screenshot(page, "upload")

    page.goto(live_server + href)
    cell = page.locator('td.cell[data-cell="applications.new.person"]')
    assert "sev-error" in (cell.get_attribute("class") or "")
    assert cell.inner_text().strip() == "36"
    screenshot(page, "report")

    cell.click()
    source = page.locator("#source")
    source.locator("pre.excerpt mark").wait_for()
    assert source.locator(".ln.target .no").inner_text() == "84"
    assert source.locator("mark").inner_text() == "36"
    screenshot(page, "report-source", full_page=False)

    finding = page.locator(".finding", has_text="“自然人”列").first
    fingerprint = (finding.get_attribute("id") or "").removeprefix("finding-")
    finding.locator("input[name=reason]").fill("原文结转数据另有说明")
    finding.locator("button[value=dismissed]").click()
    dismissed = page.locator(f"#finding-{fingerprint}")
    dismissed.locator("span.status", has_text="不是问题（误报）").wait_for()
    assert "原文结转数据另有说明" in dismissed.inner_text()

    # read the same file again: the decision re-attaches by fingerprint
    href_again = _upload(page, live_server, seed, replace=True)
    page.goto(live_server + href_again)
    again = page.locator(f"#finding-{fingerprint}")
    assert "status-dismissed" in (again.get_attribute("class") or "")
    assert "原文结转数据另有说明" in again.inner_text()
    screenshot(page, "report-after-reread")

    page.goto(f"{live_server}/reports")
    assert page.locator("table.list tbody tr").count() == 1
    screenshot(page, "reports")
    page.fill("input[name=agency]", "没有这个机关")  # htmx swaps the filtered list in, under the CSP
    page.press("input[name=agency]", "Enter")
    page.locator("p.summary", has_text="共 0 份报告").wait_for()
    page.fill("input[name=agency]", "阳泉")
    page.press("input[name=agency]", "Enter")
    page.locator("table.list tbody tr").first.wait_for()

    page.goto(f"{live_server}/dashboard")
    page.wait_for_function("() => document.querySelectorAll('.chart canvas').length >= 6")
    screenshot(page, "dashboard")

    page.goto(f"{live_server}/export")
    with page.expect_download() as download_info:
        page.click("a.button.primary")
    download = download_info.value
    assert re.search(r"\.xlsx$", download.suggested_filename)
    target = Path(download.path())
    assert target.read_bytes()[:2] == b"PK"
    screenshot(page, "export")
    assert page.csp_violations == []  # htmx, ECharts and every page work under the Content-Security-Policy


def test_pdf_cell_shows_its_page(browser_page, live_server: str) -> None:
    from ..conftest import CORPUS, shared_or_skip

    pdf = shared_or_skip(CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf")
    page = browser_page
    href = _upload(page, live_server, pdf)
    page.goto(live_server + href)
    page.locator('td.cell[data-cell="applications.new.total"]').click()
    box = page.locator("#source .page-view .bbox")
    box.wait_for()
    image = page.locator("#source .page-view img")
    page.wait_for_function("() => document.querySelector('#source .page-view img').naturalWidth > 0")
    assert image.evaluate("img => img.naturalWidth") > 500
    screenshot(page, "report-pdf-source", full_page=False)
    assert page.csp_violations == []  # the page image and its box (a style attribute) are allowed


def test_review_to_the_opinion(browser_page, live_server: str, seed: Path) -> None:
    """Confirm a finding, see its history, record it 已发送机关, open the 审核意见书's print view."""
    page = browser_page
    href = _upload(page, live_server, seed)
    page.goto(live_server + href)
    finding = page.locator(".finding", has_text="“自然人”列").first
    fingerprint = (finding.get_attribute("id") or "").removeprefix("finding-")
    finding.locator("input[name=reason]").fill("确有不符")
    finding.locator("button[value=confirmed]").click()
    confirmed = page.locator(f"#finding-{fingerprint}")
    confirmed.locator("span.status", has_text="确认问题").wait_for()
    assert confirmed.locator("button[name=status]").all_inner_texts() == ["已发送机关", "不是问题（误报）", "重新打开"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('确认问题全部记为已发送机关')")
    sent = page.locator(f"#finding-{fingerprint}")
    sent.locator("span.status", has_text="已发送机关").wait_for()
    sent.locator("summary", has_text="审核记录（2）").click()
    assert "确认问题 → 已发送机关" in sent.locator(".history").inner_text()
    screenshot(page, "report-reviewed")

    page.goto(live_server + href + "/opinion?office=" + "某市政务公开办")
    assert page.locator("h1.title").inner_text() == "政府信息公开工作年度报告审核意见书"
    assert page.locator("p.item").count() == 1 and "“自然人”列" in page.locator("p.item").inner_text()
    assert page.locator("nav, button, form").count() == 0
    page.emulate_media(media="print")
    assert not page.locator("p.hint").is_visible()  # the screen hint is not printed
    screenshot(page, "opinion-print")

    page.emulate_media(media="screen")
    page.goto(f"{live_server}/review")
    assert page.locator("table.queue tbody tr").count() == 1
    screenshot(page, "review-queue")
