"""The application register in a real browser: a registrar signs in, registers an application through the
form, adds a 补正 notice and the corrected application (the kind chooser swaps in the fields each needs),
sees the timeline and the due date move, and opens a cell of table 三 to find the application behind it.
No Content-Security-Policy refusal on the way. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from gongkai.register.calendar import standard_calendar
from gongkai.store import open_database
from gongkai.store.accounts import set_password
from gongkai.store.roles import Role

from .conftest import screenshot

AGENCY = "测试县政务服务管理办公室"


def test_register_an_application_and_follow_its_clock(browser_page, live_server: str, tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")  # the live server's database
    try:
        set_password(database, "登记员甲", "secret-pass", Role.REGISTRAR)
    finally:
        database.close()
    page = browser_page
    page.goto(f"{live_server}/login?next=/register")
    page.fill("input[name=name]", "登记员甲")
    page.fill("input[name=password]", "secret-pass")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/register")
    assert "登记员甲（登记员）：可见申请人个人信息" in page.inner_text(".register-nav")

    page.click("main .actions >> text=登记新申请")
    page.wait_for_selector("form.register-form")
    page.fill("input[name=agency]", AGENCY)
    page.select_option("select[name=channel]", "in_person")
    page.fill("input[name=arrived]", "2026-11-02")
    page.select_option("select[name=applicant_type]", "person")
    page.fill("input[name=name]", "上官浏览")
    page.fill("input[name=contact]", "13600002222")
    page.fill("textarea[name=request]", "某小区规划条件核实意见")
    page.click("button:has-text('登记')")
    page.wait_for_selector("h1:has-text('申请 2026-00001')")
    first_due = standard_calendar().deadline(date(2026, 11, 2), 20).due
    assert page.inner_text("dd.due").startswith(first_due.isoformat())
    assert "上官浏览" in page.inner_text(".meta") and page.locator("svg.clock-bar rect.counting").count() == 1

    # 补正 requested: the kind chooser brings in the 补正期限 field (htmx), the clock stops
    page.select_option("select[name=kind]", "correction_requested")
    page.wait_for_selector("#event-fields input[name=reply_by]")
    page.fill("#event-form input[name=on]", "2026-11-04")
    page.fill("input[name=reply_by]", "2026-11-18")
    page.click("#event-form button:has-text('追加')")
    page.wait_for_selector("#event-1:has-text('告知补正')")
    assert "待补正" in page.inner_text("h1") and "补正期限：2026-11-18" in page.inner_text("#event-1")
    assert page.inner_text("dd.due").startswith("—")

    # the corrected application arrives: the clock restarts from zero, the due date moves
    page.select_option("select[name=kind]", "correction_received")
    page.wait_for_selector("#event-fields:has-text('这一事件只需发生日期')")
    page.fill("#event-form input[name=on]", "2026-11-09")
    page.click("#event-form button:has-text('追加')")
    page.wait_for_selector("#event-2:has-text('收到补正材料')")
    restarted = standard_calendar().deadline(date(2026, 11, 9), 20).due
    assert restarted != first_due
    assert page.inner_text("dd.due").startswith(restarted.isoformat())
    assert page.locator("svg.clock-bar rect.reset").count() == 1  # receipt → restart drawn as reset
    assert "重新起算" in (page.text_content("svg.clock-bar") or "")
    timeline = page.locator("#timeline > li")
    assert timeline.count() == 2 and "登记人 登记员甲" in timeline.nth(1).inner_text()
    screenshot(page, "register-application")

    # as of 5 November the register showed neither event (both were entered today): the first due date
    page.fill("form.as-of input[name=as_of]", "2026-11-05")
    page.click("form.as-of button")
    page.wait_for_selector("text=以下是 2026-11-05 当日登记簿所显示的情况")
    assert page.locator("#timeline > li").count() == 0 and "尚无事件" in page.inner_text("#timeline")
    assert page.inner_text("dd.due").startswith(first_due.isoformat())

    # table 三 of 2026: the 自然人 cell of 本年新收 leads to the application
    page.click(".register-nav >> text=年度表三、表四")
    page.wait_for_selector("table.register-table")
    screenshot(page, "register-tables")
    link = page.locator('td[data-cell="applications.new.person"] a')
    assert link.inner_text() == "1"
    link.click()
    page.wait_for_selector("table.register-list")
    assert "2026-00001" in page.inner_text("table.register-list") and "上官浏览" in page.inner_text(
        "table.register-list"
    )
    screenshot(page, "register-cell")
    page.click("table.register-list >> text=2026-00001")
    page.wait_for_selector("h1:has-text('申请 2026-00001')")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "register-application-375")
    assert page.csp_violations == []  # type: ignore[attr-defined]
