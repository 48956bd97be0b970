"""机关名录 and 年度发布情况 in a real browser: upload a seed, import a registry file through the form,
see the bad row named, edit an agency, and read the year's status with its overdue department.
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

from .conftest import screenshot

REGISTRY = (
    "机关名称,类型,上级机关,地区\n"
    "山西省人民政府,人民政府,,山西省\n"
    "阳泉市人民政府,人民政府,山西省人民政府,山西省阳泉市\n"
    "阳泉市教育局,部门,阳泉市人民政府,\n"
    "阳泉市某某局,县级,阳泉市人民政府,\n"
)


def test_registry_and_status_pages(browser_page, live_server: str, seed: Path, tmp_path: Path) -> None:
    page = browser_page
    page.goto(f"{live_server}/upload")
    page.set_input_files("input[type=file]", str(seed))
    page.click("button:has-text('上传并读取')")
    page.wait_for_selector("text=读取完成", timeout=30_000)

    page.click("nav >> text=机关名录")
    page.wait_for_selector("table.agencies")
    assert page.locator("table.agencies tbody tr").count() == 1  # the uploaded report's agency
    registry = tmp_path / "名录.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    page.set_input_files("input[name=file]", str(registry))
    page.click("button:has-text('导入')")
    page.wait_for_selector("text=已导入")
    assert "名录.csv 第5行：类型“县级”无法识别" in page.inner_text(".problems")
    assert page.locator("table.agencies tbody tr").count() == 3
    screenshot(page, "agencies")

    page.click("tr:has-text('阳泉市教育局') >> text=编辑")
    page.fill("#edit input[name=note]", "局属学校另报")
    page.click("#edit button:has-text('保存')")
    page.wait_for_selector("td:has-text('局属学校另报')")

    page.goto(f"{live_server}/agencies/status?year=2021&region=山西省")
    text = page.inner_text("main")
    assert "2021年度年报发布情况" in text
    assert "按时发布（1）" in text and "未发布（已逾期）（2）" in text
    overdue = page.locator("section:has-text('未发布（已逾期）（2）') tbody tr")
    assert sorted(overdue.all_inner_texts())[1].startswith("阳泉市教育局")
    page.click("section:has-text('按时发布') >> a:has-text('#')")
    page.wait_for_url("**/reports/*")
    assert "阳泉市人民政府" in page.inner_text("main")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/agencies/status?year=2021&region=山西省")
    screenshot(page, "agencies-status-375")
