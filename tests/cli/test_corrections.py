"""``gongkai correct`` and ``gongkai corrections``: a cell corrected from the command line, the findings that
changed printed, show marking it, withdrawal, and Chinese refusals with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
SEED = "seeds/004_e7d4e3b0369f5572.txt"  # 阳泉市人民政府 2021
CARRIED = "applications.carried.person"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    seed = shared_or_skip(CORPUS / SEED)
    assert runner.invoke(app, ["ingest", str(seed), "--db", url, "--workers", "0"]).exit_code == 0
    return url


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_correct_prints_the_findings_that_changed(db: str) -> None:
    code, out = _invoke("correct", "1", CARRIED, "1", "--reason", "扫描件上此格为1", "--by", "王审核", "--db", db)
    assert code == 0, out
    assert f"#1 {CARRIED}：更正为 1（读取值 空；理由：扫描件上此格为1）" in out
    assert "重新检查后变化的问题" in out
    assert "新增" in out and "row-total" in out and "消失" in out and "balance" in out


def test_show_marks_the_corrected_cell_and_says_both_values(db: str) -> None:
    _invoke("correct", "1", CARRIED, "1", "--reason", "扫描件上此格为1", "--by", "王审核", "--db", db)
    code, out = _invoke("show", "1", "--db", db)
    assert code == 0, out
    assert "1†" in out and "† = 审核人更正的值" in out
    assert f"（{CARRIED}）：读取值 空 → 更正值 1（扫描件上此格为1，王审核" in out
    code, out = _invoke("show", "1", "--db", db, "--json")
    cell = json.loads(out)["cells"][CARRIED]
    assert cell["value"] == 1 and cell["correction"]["read_state"] == "blank"
    assert cell["correction"]["reason"] == "扫描件上此格为1" and cell["correction"]["author"] == "王审核"
    assert "correction" not in json.loads(out)["cells"]["applications.new.person"]


def test_corrections_lists_the_history_and_withdraw_restores(db: str) -> None:
    _invoke("correct", "1", CARRIED, "1", "--reason", "扫描件上此格为1", "--db", db)
    code, out = _invoke("corrections", "1", "--db", db)
    assert code == 0 and "生效" in out and "扫描件上此格为1" in out
    code, out = _invoke("correct", "1", CARRIED, "--withdraw", "--by", "复核员", "--db", db, "--json")
    assert code == 0, out
    result = json.loads(out)
    assert result["withdrawn"] and result["value"] is None and result["state"] == "blank"
    assert [f["rule"] for f in result["findings_added"]] == ["balance"]
    code, out = _invoke("corrections", "1", "--db", db, "--json")
    [row] = json.loads(out)
    assert row["in_force"] is False and row["withdrawn_at"] and row["withdrawn_by"] == "复核员"
    code, out = _invoke("corrections", "1", "--db", db)
    assert "已撤回（复核员）" in out
    code, out = _invoke("show", "1", "--db", db)
    assert "1†" not in out and "审核人更正的单元格" not in out
    code, out = _invoke("correct", "1", CARRIED, "--withdraw", "--db", db)
    assert code == 2 and "没有生效的更正" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", CARRIED, "x", "--reason", "r"], "更正值须为数字"),
        (["1", "no.such", "1", "--reason", "r"], "不在这份报告的格式"),
        (["1", CARRIED, "1"], "更正须给出数值和理由"),
        (["1", CARRIED, "1", "--withdraw"], "撤回更正时不要给出数值"),
        (["9", CARRIED, "1", "--reason", "r"], "没有编号为 9 的报告"),
    ],
)
def test_refusals_exit_2_in_chinese(db: str, args: list[str], message: str) -> None:
    code, out = _invoke("correct", *args, "--db", db)
    assert code == 2 and message in out, out


def test_the_help_is_chinese() -> None:
    code, out = _invoke("correct", "--help")
    assert code == 0 and "更正一个读错或无法读取的单元格" in out and "--withdraw" in out and "更正理由" in out
    code, out = _invoke("corrections", "--help")
    assert code == 0 and "列出一份报告的全部单元格更正" in out
