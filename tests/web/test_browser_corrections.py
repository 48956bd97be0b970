"""Correcting a cell in a real browser: click it, enter the value and reason, see the mark, the read value
and the 勾稽 error gone; withdraw it and see the error back. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

from .conftest import screenshot
from .test_browser import _upload

CELL = "applications.carried.person"  # 阳泉市 2021 prints it blank; its 自然人 balance fails


def test_correct_and_withdraw_a_cell(browser_page, live_server: str, seed: Path) -> None:
    page = browser_page
    href = _upload(page, live_server, seed)
    page.goto(live_server + href)
    assert page.locator(".finding", has_text="“自然人”列").count() == 1

    page.locator(f'td.cell[data-cell="{CELL}"]').click()
    panel = page.locator("#source")
    panel.locator("summary", has_text="更正这个单元格").click()
    panel.locator("input[name=value]").fill("一")
    panel.locator("input[name=reason]").fill("扫描件上此格为1")
    panel.locator("button", has_text="保存更正").click()
    panel.locator(".alert-error", has_text="更正值须为数字").wait_for()  # refused, said in the panel

    panel.locator("input[name=value]").fill("1")
    panel.locator("input[name=reason]").fill("扫描件上此格为1")
    panel.locator("button", has_text="保存更正").click()
    cell = page.locator(f'td.cell.corrected[data-cell="{CELL}"]')
    cell.wait_for()
    assert cell.inner_text().strip() == "1†"
    assert "已更正：读取值 空，理由：扫描件上此格为1" in (cell.get_attribute("title") or "")
    assert page.locator(".finding", has_text="“自然人”列").count() == 0

    cell.click()
    panel.locator(".corrected-note").wait_for()
    assert "读取值 空" in panel.locator(".corrected-note").inner_text()
    panel.locator(".history li", has_text="生效").wait_for()
    screenshot(page, "report-corrected-cell", full_page=False)

    page.once("dialog", lambda dialog: dialog.accept())
    panel.locator("button", has_text="撤回更正").click()
    page.locator(f'td.cell[data-cell="{CELL}"]:not(.corrected)').wait_for()
    assert page.locator(".finding", has_text="“自然人”列").count() == 1
