"""No English reaches a user of the CLI: every ``--help``, usage errors, and commands over real reports."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gongkai.check import RULES
from gongkai.cli import app
from gongkai.cli.chinese import ChineseCommand, ChineseGroup
from gongkai.register.events import Channel, EventKind

from ..conftest import CORPUS, shared_or_skip
from ..english import english_words

runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # one line per help row: a translation is judged beside its Chinese, not wrapped away
DEV = CORPUS / "dev"
HONGZE_2023 = DEV / "001_huaian-hongze-qu-2023.pdf"
HONGZE_2024 = DEV / "002_huaian-hongze-qu-2024.pdf"
SHUYANG_HTML = DEV / "015_shuyang-xian-fgj-2023.html"

# the words a user types: the commands, and the codes the options accept beside their Chinese words
CODES = {"long", "wide", "findings", "xlsx", "csv", "parquet", "json", "open", "confirmed", "dismissed"}
CODES |= {"government", "department", "township", "other", "pre2019"}
CODES |= {"template", "gbt9704", "yaml", "yml"}  # gongkai write: the layout profiles, the input file's suffix
# the register's codes (channels, event kinds), shown as 中文（code）: a Chinese word ending in ）is not a gloss
CODES |= {word for code in (*Channel, *EventKind) for word in code.value.split("_")}


def _commands(group: typer.core.TyperGroup, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


ROOT = typer.main.get_command(app)
assert isinstance(ROOT, typer.core.TyperGroup)
COMMANDS = list(_commands(ROOT))
COMMAND_WORDS = {word for path in COMMANDS for part in path for word in part.split("-")} | set(RULES)


def _english(text: str, *more: str) -> list[str]:
    return english_words(text, COMMAND_WORDS | CODES | set(more))


def _run(*args: str, code: int | None = 0) -> str:
    result = runner.invoke(app, list(args), env=WIDE, prog_name="gongkai")
    if code is not None:
        assert result.exit_code == code, (args, result.output)
    return result.output


def test_every_command_is_a_chinese_one() -> None:
    for path in COMMANDS[1:]:
        command = ROOT
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert isinstance(command, ChineseCommand | ChineseGroup), path


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "gongkai")
def test_help_is_chinese(path: tuple[str, ...]) -> None:
    output = _run(*path, "--help")
    assert "用法：" in output and "显示此帮助并退出。" in output
    assert _english(output) == [], _english(output)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["read"], "缺少参数 '文件'"),
        (["read", "a.txt", "b.txt"], "多余的参数：b.txt"),
        (["list", "--limit", "many"], "'--limit' 的值无效：“many”不是整数"),
        (["list", "--bogus"], "没有这个选项：--bogus"),
        (["list", "--limt", "3"], "是否想用 --limit"),
        (["list", "--limit"], "选项 --limit 需要一个值"),
        (["lisst"], "没有这个命令：lisst"),
        (["export"], "请用 -o 给出要写入的文件"),  # -o is optional: ``export --issues FILE`` needs none
        (["review", "1", "abc"], "请用 --status 给出审核状态"),
        (["list", "--level", "ministry"], "--level 不接受“ministry”"),
        (["list", "--format", "2030"], "--format 不接受“2030”"),
        (["ingest", "no/such/folder"], "没有这个文件或文件夹"),
    ],
)
def test_usage_errors_are_chinese(args: list[str], says: str, tmp_path: Path) -> None:
    if args[0] == "list":  # a database of its own, named before the option under test
        args = ["list", "--db", str(tmp_path / "x.sqlite"), *args[1:]]
    output = _run(*args, code=2)
    assert says in output
    assert "Usage" not in output and "Error" not in output
    assert _english(output, "many", "ministry", "lisst", "bogus", "limt", "abc") == []


def test_no_arguments_shows_the_chinese_help() -> None:
    output = _run(code=2)
    assert "用法：" in output and "命令" in output
    assert _english(output) == [], _english(output)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    for path in (HONGZE_2023, HONGZE_2024, SHUYANG_HTML):
        shared_or_skip(path)
    folder = tmp_path_factory.mktemp("reports")
    for path in (HONGZE_2023, HONGZE_2024, SHUYANG_HTML):
        shutil.copy(path, folder / path.name)
    (folder / "notice.txt").write_text("关于召开全区政务公开工作会议的通知\n请各单位派员参加。\n", encoding="utf-8")
    db = str(tmp_path_factory.mktemp("db") / "corpus.sqlite")
    output = _run("ingest", str(folder), "--db", db, "--workers", "0")
    assert _english(output) == [], output
    return db


def _ids(db: str) -> list[int]:
    return [row["id"] for row in json.loads(_run("list", "--db", db, "--json"))]


def test_commands_over_real_reports_say_everything_in_chinese(corpus_db: str, tmp_path: Path) -> None:
    first, second, *_ = sorted(_ids(corpus_db))
    outputs = [
        _run("read", str(HONGZE_2023)),
        _run("check", str(HONGZE_2023), str(SHUYANG_HTML), code=None),
        _run("rules"),
        _run("list", "--db", corpus_db, "--all-versions"),
        _run("list", "--db", corpus_db, "--level", "部门"),
        _run("show", str(first), "--db", corpus_db),
        _run("compare", str(first), str(second), "--db", corpus_db),
        _run("stats", "--db", corpus_db),
        _run("export", "--db", corpus_db, "-o", str(tmp_path / "all.xlsx")),
        _run("ingest", str(HONGZE_2023), "--db", corpus_db, "--workers", "0"),
    ]
    for output in outputs:
        assert _english(output) == [], _english(output)


def test_errors_of_the_corpus_commands_are_chinese(corpus_db: str, tmp_path: Path) -> None:
    outputs = [
        _run("show", "999", "--db", corpus_db, code=2),
        _run("compare", "1", "999", "--db", corpus_db, code=2),
        _run("compare", "--agency", "无此机关", "--years", "2001", "--years", "2002", "--db", corpus_db, code=2),
        _run("compare", "--db", corpus_db, code=2),
        _run("review", "1", "ffffff", "--status", "confirmed", "--db", corpus_db, code=2),
        _run("review", "1", "ffffff", "--status", "maybe", "--db", corpus_db, code=2),
        _run("export", "--db", corpus_db, "--format", "pdf", "-o", str(tmp_path / "x.pdf"), code=2),
        _run("list", "--db", str(tmp_path / "no" / "such" / "dir" / "x.sqlite"), code=2),
    ]
    for output in outputs:
        assert "错误" in output
        assert _english(output, "maybe") == [], output


def test_a_broken_pdf_is_reported_by_its_chinese_problem_only(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf at all\n")
    for output in (_run("read", str(broken), code=2), _run("check", str(broken), code=2)):
        assert "错误" in output
        assert _english(output) == [], _english(output)
    checked = json.loads(runner.invoke(app, ["check", str(broken), "--json"]).stdout)
    assert _english(checked[0]["error"]) == []


def test_the_scanner_keeps_translations_and_names_but_finds_english_left_alone() -> None:
    assert english_words("列出规则目录。List the rule catalog.") == []
    assert english_words("PDF 已损坏或无法读取（damaged or unreadable PDF）") == []
    assert english_words("gongkai --format xlsx -o /tmp/a.xlsx；$GONGKAI_DB；https://example.org/x；a@b.cn") == []
    assert english_words("单元格 applications.new.person；规则 row-total；指纹 3fa2c1d0") == []
    assert len(english_words("无法读取 a.pdf: Failed to load document")) == 4
    assert len(english_words("错误 no stored report")) == 3
    assert [w.split()[0] for w in english_words("Usage: gongkai read")] == ["'Usage'", "'read'"]
