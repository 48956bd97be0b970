"""``gongkai write`` through typer's runner: forms by suffix, the input, the checks before writing, exits."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gongkai.api import read_file
from gongkai.cli import app
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.tables import year_tables
from gongkai.store import open_database
from gongkai.store.repository import Repository

runner = CliRunner()
AGENCY = "宁国市商务局"
ON_TIME = "2026-01-20"  # before a department's 31 January deadline for 2025


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A register of one department over 2024–2025."""
    path = tmp_path_factory.mktemp("write") / "register.sqlite"
    database = open_database(str(path))
    try:
        Repository(database).add_applications(
            demo_register(DemoSpec(applications=160, years=(2024, 2025), seed=12, agency=AGENCY))
        )
    finally:
        database.close()
    return str(path)


def expected(db: str, year: int) -> dict[str, int]:
    database = open_database(db)
    try:
        tables = year_tables(Repository(database).applications(AGENCY), year, AGENCY)
    finally:
        database.close()
    return {cid: len(ids) for cid, ids in tables.cells.items()}


@pytest.mark.parametrize("suffix", [".md", ".html", ".docx"])
def test_each_form_is_written_and_reads_back_exactly(db: str, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"年报{suffix}"
    result = run("write", "--year", "2025", "--db", db, "--date", ON_TIME, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "发布期限：2026年1月31日前" in result.output and "草稿" in result.output
    assert f"已写出 {out}" in result.output
    read = read_file(out)
    assert {cid: read.value(cid) for cid in expected(db, 2025)} == expected(db, 2025)
    assert all(read.value(c) is None for c in read.cells if c.startswith("proactive."))  # a draft: table 二 blank


def test_the_input_gives_table_two_and_the_prose(db: str, tmp_path: Path) -> None:
    given = tmp_path / "输入.yaml"
    given.write_text(
        "表二:\n  行政许可: {本年处理决定数量: 530}\n  行政事业性收费: {本年收费金额（单位：万元）: 1.2500}\n"
        "正文:\n  五: 主要问题是栏目更新不及时。\n",
        encoding="utf-8",
    )
    out = tmp_path / "年报.md"
    result = run(
        "write", "--year", "2025", "--db", db, "--date", ON_TIME, "--input", str(given), "--profile", "gbt9704",
        "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "主要问题是栏目更新不及时。" in text and "【草稿】" not in text and "profile: gbt9704" in text
    read = read_file(out)
    assert read.value("proactive.licensing.decisions") == 530
    assert str(read.value("proactive.fees.amount")) == "1.2500"
    assert "输入未提供第一部分的文字" in result.output


def test_a_bad_input_names_the_file_and_the_field(db: str, tmp_path: Path) -> None:
    given = tmp_path / "输入.yaml"
    given.write_text("表二:\n  规章: {本年制发件数: -3}\n", encoding="utf-8")
    result = run("write", "--year", "2025", "--db", db, "--input", str(given), "-o", str(tmp_path / "x.md"))
    assert result.exit_code == 2
    assert "表二.规章.本年制发件数" in result.output and "应为不小于0的数" in result.output
    assert not (tmp_path / "x.md").exists()


def test_writing_after_the_deadline_needs_a_reason_kept_in_the_file(db: str, tmp_path: Path) -> None:
    out = tmp_path / "年报.html"
    late = run("write", "--year", "2025", "--db", db, "--kind", "政府部门", "--date", "2026-02-10", "-o", str(out))
    assert late.exit_code == 1 and "未写出" in late.output and "--override" in late.output
    assert "晚于法定期限2026-01-31" in late.output and not out.exists()
    reason = "系统迁移延误，已报告主管部门"
    kept = run("write", "--year", "2025", "--db", db, "--date", "2026-02-10", "--override", reason, "-o", str(out))
    assert kept.exit_code == 0, kept.output
    assert f'<meta name="gongkai-override" content="{reason}">' in out.read_text(encoding="utf-8")


def test_prose_copied_from_last_years_report_in_the_corpus_is_flagged(db: str, tmp_path: Path) -> None:
    last = tmp_path / "2024年报.md"
    assert run("write", "--year", "2024", "--db", db, "--date", "2025-01-10", "-o", str(last)).exit_code == 0
    stored = run("ingest", str(last), "--db", db, "--workers", "0")
    assert stored.exit_code == 0, stored.output
    result = run("write", "--year", "2025", "--db", db, "--date", ON_TIME, "-o", str(tmp_path / "2025.md"))
    assert result.exit_code == 0, result.output
    assert "内容雷同" in result.output and "2024年度报告" in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--year", "2025", "-o", "年报.txt"), "输出文件的后缀应为 .docx、.html、.md、.pdf、.yaml、.yml 之一"),
        (("--year", "2025", "--profile", "公文", "-o", "年报.md"), "版式应为 template、gbt9704 之一"),
        (("--year", "2025", "--kind", "事业单位", "-o", "年报.md"), "机关类型应为 人民政府、政府部门、乡镇/街道 之一"),
        (("--year", "2025", "--date", "明天", "-o", "年报.md"), "发布日期应为 YYYY-MM-DD"),
        (("--year", "2025", "--agency", "某某局", "-o", "年报.md"), "登记簿中没有机关“某某局”"),
        (("--year", "2010", "-o", "年报.md"), "2010年没有任何申请"),
    ],
)
def test_usage_problems_are_said_in_chinese_with_exit_2(
    db: str, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    argv = [a if not a.startswith("年报") else str(tmp_path / a) for a in args]
    result = run("write", "--db", db, *argv)
    assert result.exit_code == 2 and words in result.output, result.output


def test_an_empty_register_is_a_chinese_sentence_and_exit_2(tmp_path: Path) -> None:
    result = run("write", "--year", "2025", "--db", str(tmp_path / "空.sqlite"), "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2
    assert "登记簿为空" in result.output and "gongkai register demo" in result.output


def test_the_help_is_chinese() -> None:
    result = run("write", "--help")
    assert result.exit_code == 0
    assert "由申请登记簿和少量输入写出政府信息公开工作年度报告" in result.output and "--override" in result.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_pdf_is_printed_in_the_gongwen_profile_and_reads_back(db: str, tmp_path: Path) -> None:
    out = tmp_path / "年报.pdf"
    result = run("write", "--year", "2025", "--db", db, "--date", ON_TIME, "--profile", "gbt9704", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and b"NotoSerifCJK" in out.read_bytes()
    read = read_file(out)
    assert {cid: read.value(cid) for cid in expected(db, 2025)} == expected(db, 2025)


def test_a_yaml_output_is_the_draft_as_an_input_to_edit(db: str, tmp_path: Path) -> None:
    given = tmp_path / "输入.yaml"
    result = run("write", "--year", "2025", "--db", db, "-o", str(given))
    assert result.exit_code == 0 and "已写出输入文件" in result.output
    text = given.read_text(encoding="utf-8")
    assert "行政许可:\n    本年处理决定数量:\n" in text and "（请填写：" in text
    text = text.replace("行政许可:\n    本年处理决定数量:\n", "行政许可:\n    本年处理决定数量: 77\n")
    given.write_text(text.replace("（请填写：下一年度的改进措施。）", "下一年度将改版公开专栏。"), encoding="utf-8")
    out = tmp_path / "年报.md"
    final = run("write", "--year", "2025", "--db", db, "--date", ON_TIME, "--input", str(given), "-o", str(out))
    assert final.exit_code == 0, final.output
    assert "第一部分仍有“（请填写：……）”提示" in final.output  # the prompts left are pointed out
    assert read_file(out).value("proactive.licensing.decisions") == 77
    written = out.read_text(encoding="utf-8")
    assert "【草稿】" not in written and "下一年度将改版公开专栏。" in written


def test_two_agencies_in_the_register_need_agency(tmp_path: Path) -> None:
    path = str(tmp_path / "两个机关.sqlite")
    database = open_database(path)
    try:
        for seed, name in ((1, AGENCY), (2, "宁国市教育局")):
            apps = demo_register(DemoSpec(applications=20, years=(2025,), seed=seed, agency=name))
            Repository(database).add_applications(apps)
    finally:
        database.close()
    out = tmp_path / "年报.md"
    unsure = run("write", "--year", "2025", "--db", path, "-o", str(out))
    assert unsure.exit_code == 2 and "登记簿有 2 个机关，请用 --agency 指定" in unsure.output
    chosen = run("write", "--year", "2025", "--db", path, "--agency", "宁国市教育局", "--date", ON_TIME, "-o", str(out))
    assert chosen.exit_code == 0, chosen.output
    assert read_file(out).agency == "宁国市教育局"


def test_without_libreoffice_a_pdf_is_refused_in_chinese(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai import libreoffice

    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    out = tmp_path / "年报.pdf"
    result = run("write", "--year", "2025", "--db", db, "--date", ON_TIME, "-o", str(out))
    assert result.exit_code == 2 and "未安装 LibreOffice" in result.output and not out.exists()


def test_an_xlsx_input_is_taken_like_the_yaml(db: str, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表二"
    sheet.append(["信息内容", "栏目", "数值"])
    sheet.append(["行政处罚", "本年处理决定数量", 44])
    prose = book.create_sheet("正文")
    prose.append(["部分", "内容"])
    prose.append(["五", "问题在于解读不够。"])
    given = tmp_path / "输入.xlsx"
    book.save(given)
    out = tmp_path / "年报.html"
    result = run("write", "--year", "2025", "--db", db, "--date", ON_TIME, "--input", str(given), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert read_file(out).value("proactive.penalty.decisions") == 44
    assert "问题在于解读不够。" in out.read_text(encoding="utf-8")


def test_a_frozen_snapshot_is_what_the_report_prints(tmp_path: Path) -> None:
    """Applications registered after the year's snapshot change the live tables, not the written report."""
    path = str(tmp_path / "frozen.sqlite")
    database = open_database(path)
    try:
        repo = Repository(database)
        repo.add_applications(demo_register(DemoSpec(applications=80, years=(2024, 2025), seed=3, agency=AGENCY)))
    finally:
        database.close()
    live = run("write", "--year", "2025", "--db", path, "--date", ON_TIME, "-o", str(tmp_path / "live.md"))
    assert live.exit_code == 0 and "尚无年度快照" in live.output, live.output
    frozen_cells = expected(path, 2025)
    assert run("register", "snapshot", "--year", "2025", "--db", path, "--by", "定稿人").exit_code == 0
    later = demo_register(DemoSpec(applications=30, years=(2025,), seed=4, agency=AGENCY))
    database = open_database(path)
    try:
        Repository(database).add_applications([replace(a, id=f"2025-9{a.id[-4:]}") for a in later])
    finally:
        database.close()
    assert expected(path, 2025) != frozen_cells  # the register moved on
    out = tmp_path / "frozen.md"
    result = run("write", "--year", "2025", "--db", path, "--date", ON_TIME, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "表三、表四取自年度快照" in result.output and "定稿人" in result.output
    read = read_file(out)
    assert {cid: read.value(cid) for cid in frozen_cells} == frozen_cells
