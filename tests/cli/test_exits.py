"""Exit codes: 0 fine, 1 error findings, 2 unreadable input or usage, 3 internal failure (one Chinese line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.cli import app, main
from gongkai.cli.exits import DEBUG_VARIABLE, EXIT_CODES, INTERNAL, UNREADABLE, GongkaiApp
from gongkai.errors import StoreError

from ..conftest import CORPUS, REPO, shared_or_skip

SEED = CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt"
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "300"}  # this checkout's sources, wherever run


def _exit(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        app(argv, prog_name="gongkai")
    code = exited.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def _crash(*args: object) -> None:
    raise RuntimeError("坏了\n第二行")


def test_the_entry_point_is_the_wrapped_app() -> None:
    assert isinstance(app, GongkaiApp)


def test_an_internal_failure_exits_3_with_one_chinese_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(DEBUG_VARIABLE, raising=False)
    monkeypatch.setattr(main, "read_and_check", _crash)
    assert _exit(["read", "x.txt"]) == INTERNAL == 3
    err = capsys.readouterr().err
    assert err.startswith("内部错误：gongkai 自身出错（RuntimeError：坏了），请报告此问题")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_traceback_is_shown_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DEBUG_VARIABLE, "1")
    monkeypatch.setattr(main, "read_and_check", _crash)
    assert _exit(["read", "x.txt"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "_crash" in err


def test_a_gongkai_error_that_escapes_a_command_is_a_sentence_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def refuse(*args: object) -> None:
        raise StoreError("数据库是只读的")

    monkeypatch.setattr(main, "read_and_check", refuse)
    (tmp_path / "a.txt").write_text("一、总体情况", encoding="utf-8")
    assert _exit(["bench", str(tmp_path / "a.txt")]) == UNREADABLE == 2  # bench lets it escape
    assert capsys.readouterr().err == "错误：数据库是只读的\n"


def test_unreadable_input_and_usage_exit_2(tmp_path: Path) -> None:
    assert _exit(["read", str(tmp_path / "missing.txt")]) == 2
    assert _exit(["read"]) == 2  # usage
    assert _exit(["no-such-command"]) == 2


def test_error_findings_exit_1_and_a_clean_run_0() -> None:
    seed = shared_or_skip(SEED)  # its balance does not hold: error findings
    assert _exit(["check", str(seed)]) == 1
    assert _exit(["rules", "--json"]) == 0


def test_the_codes_are_in_the_help() -> None:
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "--help"], capture_output=True, text=True, env=ENV)
    assert result.returncode == 0
    assert "退出码：" in result.stdout and "3 内部错误" in result.stdout
    assert "退出码" in EXIT_CODES and DEBUG_VARIABLE in EXIT_CODES


def test_the_console_script_exits_3_on_an_internal_failure(tmp_path: Path) -> None:
    script = (
        "import sys; from gongkai.cli import main\n"
        "main.read_and_check = lambda *a: (_ for _ in ()).throw(KeyError('x'))\n"
        "main.app(['read', 'a.txt'], prog_name='gongkai')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=ENV)
    assert result.returncode == 3
    assert result.stderr.startswith("内部错误") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("library_words", "sentence"),
    [
        ("attempt to write a readonly database", "数据库是只读的"),
        ("database or disk is full", "磁盘已满"),
        ("database is locked", "正被其他程序占用"),
        ("something else", "数据库出错"),
    ],
)
def test_a_database_that_refuses_a_write_is_a_sentence_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library_words: str, sentence: str
) -> None:
    from sqlalchemy.exc import OperationalError
    from typer.testing import CliRunner

    from gongkai.store.writes import Writes

    def refuse(*args: object, **kwargs: object) -> object:
        raise OperationalError("INSERT INTO sources …", {}, Exception(library_words))

    monkeypatch.setattr(Writes, "write", refuse)
    seed = shared_or_skip(CORPUS / "seeds" / "000_6e817ece59bf6a07.txt")
    result = CliRunner().invoke(app, ["ingest", str(seed), "--db", str(tmp_path / "c.sqlite"), "--workers", "0"])
    assert result.exit_code == UNREADABLE, result.output
    assert sentence in result.output and "INSERT" not in result.output
