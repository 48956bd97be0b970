"""``gongkai register import|export|letter``: a demo register out to XLSX and back in, a broken 台账 refused
with every bad row and exit 2, personal data only with --personal, and each letter kind as a Word file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner, Result

from gongkai.cli import app
from gongkai.register.calendar import standard_calendar
from gongkai.register.clock import state
from gongkai.register.demo import DEMO_AGENCY
from gongkai.register.events import EventKind
from gongkai.store import open_database
from gongkai.store.register import Register

from ..register.test_workbook import BROKEN, GOOD, workbook

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "demo.sqlite")
    made = run("register", "demo", "--applications", "250", "--years", "2025-2026", "--seed", "9", "--db", db)
    assert made.exit_code == 0, made.output
    return db


def _apps(db: str, personal: bool = False) -> list:  # type: ignore[type-arg]
    database = open_database(db)
    try:
        return Register(database).applications(personal=personal)
    finally:
        database.close()


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_export_then_import_into_an_empty_register(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "登记簿.xlsx"
    exported = run("register", "export", "-o", str(out), "--as-of", "2026-12-31", "--db", demo_db)
    assert exported.exit_code == 0, exported.output
    assert "已导出 250 件申请" in exported.stdout and "截至 2026-12-31" in exported.stdout
    other = str(tmp_path / "other.sqlite")
    imported = run("register", "import", str(out), "--db", other)
    assert imported.exit_code == 0, imported.output
    assert "已导入 250 件申请" in imported.stdout and DEMO_AGENCY in imported.stdout
    assert _apps(other) == _apps(demo_db)
    again = run("register", "import", str(out), "--db", other, "--json")
    assert again.exit_code == 2
    data = json.loads(again.stdout)
    assert data["imported"] == 0 and len(data["problems"]) == 250 and "已在登记簿中" in data["problems"][0]["reason"]
    shown = run("register", "import", str(out), "--db", other)
    assert shown.exit_code == 2 and "另有 200 处错误" in shown.output and "第 2 行" in shown.output


def test_export_by_year_and_without_personal_data_by_default(demo_db: str, tmp_path: Path) -> None:
    people = _apps(demo_db, personal=True)
    names = {a.applicant.name for a in people if a.applicant.name}
    plain, personal = tmp_path / "plain.xlsx", tmp_path / "personal.xlsx"
    assert run("register", "export", "-o", str(plain), "--year", "2025", "--db", demo_db).exit_code == 0
    assert not [n for n in names if n in _xml(plain)]
    done = run("register", "export", "-o", str(personal), "--personal", "--db", demo_db)
    assert done.exit_code == 0 and "个人信息" in done.stdout
    assert names <= {n for n in names if n in _xml(personal)}
    reread = run("register", "import", str(plain), "--db", str(tmp_path / "y.sqlite"), "--json")
    assert json.loads(reread.stdout)["imported"] == sum(1 for a in people if a.arrived.year == 2025)


def test_a_broken_register_is_refused_with_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(BROKEN))
    db = str(tmp_path / "r.sqlite")
    result = run("register", "import", str(path), "--agency", "测试局", "--db", db)
    assert result.exit_code == 2
    assert "有 " in result.output and "全部申请均未导入" in result.output
    for row in range(4, 19):
        assert f"第 {row} 行" in result.output
    as_json = json.loads(run("register", "import", str(path), "--agency", "测试局", "--db", db, "--json").stdout)
    assert as_json["imported"] == 0 and {p["row"] for p in as_json["problems"]} == set(range(4, 19))
    assert _apps(db) == []


def test_a_good_register_is_imported_with_its_notes(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(GOOD))
    db = str(tmp_path / "r.sqlite")
    result = run("register", "import", str(path), "--agency", "测试局", "--by", "登记员甲", "--db", db)
    assert result.exit_code == 0, result.output
    assert "已导入 6 件申请" in result.stdout and "暂不起算" in result.stdout
    shown = json.loads(
        run("register", "show", "依申请〔2026〕1号", "--db", db, "--as-of", "2026-12-31", "--json").stdout
    )
    assert shown["due"] == "2026-10-19" and shown["answered"] == "2026-10-13"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("不存在.xlsx",), "无法读取"),
        (("{bad}",), "无法作为 XLSX"),
        (("{good}",), "--agency"),
    ],
)
def test_unreadable_imports_exit_2(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    bad.write_bytes(b"no workbook")
    good.write_bytes(workbook(GOOD))
    filled = [a.format(bad=bad, good=good) for a in args]
    result = run("register", "import", *filled, "--db", str(tmp_path / "r.sqlite"))
    assert result.exit_code == 2 and words in result.output


def _number_with(db: str, kind: EventKind) -> str:
    return next(a.id for a in _apps(db) if any(e.kind is kind for e in a.events))


@pytest.mark.parametrize(
    ("kind", "event", "title"),
    [
        ("receipt", EventKind.DECIDED, "登记回执"),
        ("correction", EventKind.CORRECTION_REQUESTED, "补正告知书"),
        ("consultation", EventKind.CONSULTATION_SENT, "征求"),
        ("fee", EventKind.FEE_NOTICE, "缴费通知书"),
        ("answer", EventKind.DECIDED, "告知书"),
    ],
)
def test_each_letter_kind_is_written(demo_db: str, tmp_path: Path, kind: str, event: EventKind, title: str) -> None:
    number = _number_with(demo_db, event)
    out = tmp_path / f"{kind}.docx"
    result = run("register", "letter", number, "--kind", kind, "-o", str(out), "--db", demo_db, "--court", "示例法院")
    assert result.exit_code == 0, result.output
    assert "已生成" in result.stdout
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert title in text and number in text and "__________" in text  # no name without --personal
    if kind == "answer":
        assert "60日内" in text and ("示例法院" in text or "先向" in text)


def test_a_letter_names_the_applicant_only_with_personal(demo_db: str, tmp_path: Path) -> None:
    person = next(a for a in _apps(demo_db, personal=True) if a.applicant.name)
    out = tmp_path / "r.docx"
    assert (
        run(
            "register", "letter", person.id, "--kind", "receipt", "-o", str(out), "--personal", "--db", demo_db
        ).exit_code
        == 0
    )
    assert person.applicant.name in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)


def _extensions(db: str) -> tuple[str, str]:
    """An application whose extension was notified in time, and one notified too late."""
    cal = standard_calendar()
    ok, late = [], []
    for a in _apps(db):
        ext = next((e for e in a.events if e.kind is EventKind.EXTENSION), None)
        if ext is not None:
            (ok if state(a, ext.on, cal).extended else late).append(a.id)
    return ok[0], late[0]


def test_an_extension_letter_and_a_late_one_refused(demo_db: str, tmp_path: Path) -> None:
    in_time, too_late = _extensions(demo_db)
    out = tmp_path / "e.docx"
    result = run("register", "letter", in_time, "--kind", "extension", "-o", str(out), "--db", demo_db)
    assert result.exit_code == 0, result.output
    assert "延期答复告知书" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    refused = run("register", "letter", too_late, "--kind", "extension", "-o", str(out), "--db", demo_db)
    assert refused.exit_code == 2 and "晚于原答复期限" in refused.output


def test_letters_refused_exit_2(demo_db: str, tmp_path: Path) -> None:
    plain = next(a.id for a in _apps(demo_db) if not any(e.kind is EventKind.FEE_NOTICE for e in a.events))
    out = str(tmp_path / "x.docx")
    refused = run("register", "letter", plain, "--kind", "fee", "-o", out, "--db", demo_db)
    assert refused.exit_code == 2 and "没有登记“收费通知”事件" in refused.output and not Path(out).exists()
    unknown = run("register", "letter", plain, "--kind", "poem", "-o", out, "--db", demo_db)
    assert unknown.exit_code == 2 and "未知的文书类型" in unknown.output
    missing = run("register", "letter", "1999-00001", "--kind", "receipt", "-o", out, "--db", demo_db)
    assert missing.exit_code == 2 and "没有" in missing.output
    templates = run(
        "register",
        "letter",
        plain,
        "--kind",
        "receipt",
        "-o",
        out,
        "--db",
        demo_db,
        "--templates",
        str(tmp_path / "无"),
    )
    assert templates.exit_code == 2 and "模板目录不存在" in templates.output


def test_an_agency_template_folder_from_the_command_line(demo_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "模板"
    folder.mkdir()
    document = docx.Document()
    document.add_paragraph("本局专用回执：{{ number }}")
    document.save(str(folder / "receipt.docx"))
    number = _apps(demo_db)[0].id
    out = tmp_path / "r.docx"
    result = run(
        "register", "letter", number, "--kind", "receipt", "--templates", str(folder), "-o", str(out), "--db", demo_db
    )
    assert result.exit_code == 0, result.output
    assert docx.Document(str(out)).paragraphs[0].text == f"本局专用回执：{number}"


def test_the_help_is_chinese() -> None:
    for command in ("import", "export", "letter"):
        result = run("register", command, "--help")
        assert result.exit_code == 0 and "示例" in result.output
    assert "导入台账" in run("register", "--help").output
