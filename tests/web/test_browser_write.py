"""撰写年报 in a real browser: the draft beside its checks, an edit previewed, the DOCX downloaded and read back.
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from gongkai.api import read_file
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.tables import year_tables
from gongkai.store import open_database
from gongkai.store.repository import Repository

from .conftest import screenshot, settings_for

AGENCY = "宁国市商务局"
YEAR = date.today().year


def test_write_preview_edit_and_download(browser_page, live_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    apps = demo_register(DemoSpec(applications=80, years=(YEAR - 1, YEAR), seed=9, agency=AGENCY))
    database = open_database(settings_for(tmp_path).database_url)
    try:
        Repository(database).add_applications(apps)
    finally:
        database.close()
    cells = {cid: len(ids) for cid, ids in year_tables(apps, YEAR, AGENCY).cells.items()}
    page = browser_page
    page.goto(f"{live_server}/write?year={YEAR}")
    page.wait_for_selector(".report-preview table.official")
    assert f"{AGENCY}{YEAR}年政府信息公开工作年度报告" in page.inner_text(".report-preview")
    assert "发布期限" in page.inner_text(".write-checks")
    screenshot(page, "write")

    page.fill("textarea[name='section:5']", "主要问题是栏目更新不及时，下一年度将逐月检查。")
    page.fill("input[name='cell:proactive.licensing.decisions']", "321")
    page.click("button:has-text('预览与核查')")
    page.wait_for_selector("text=主要问题是栏目更新不及时，下一年度将逐月检查。")
    assert "【草稿】" not in page.inner_text(".report-preview")
    with page.expect_download() as info:
        page.click("button:has-text('下载 Word（DOCX）')")
    saved = tmp_path / "下载.docx"
    info.value.save_as(saved)
    read = read_file(saved)
    assert {cid: read.value(cid) for cid in cells} == cells
    assert read.value("proactive.licensing.decisions") == 321
    assert page.csp_violations == []  # type: ignore[attr-defined]
