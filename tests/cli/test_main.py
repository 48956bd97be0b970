"""The command line, through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app

from ..conftest import CORPUS, GOLD, shared_or_skip

runner = CliRunner()
SEED = CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt"


def test_read_json_has_the_documented_shape() -> None:
    result = runner.invoke(app, ["read", "--json", str(shared_or_skip(SEED))])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"source", "agency", "entity_type", "year", "format", "published", "cells", "findings"} <= set(data)
    cell = data["cells"]["applications.new.person"]
    assert cell["value"] == 36 and cell["state"] == "read" and cell["span"]["line"] > 0
    assert {"rule", "severity", "cells", "message"} == set(data["findings"][0])


def test_read_shows_tables_and_findings_in_chinese() -> None:
    result = runner.invoke(app, ["read", str(shared_or_skip(SEED))])
    assert result.exit_code == 0
    assert "收到和处理政府信息公开申请情况" in result.stdout and "勾稽关系不成立" in result.stdout


def test_check_exit_code_and_a_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage")
    result = runner.invoke(app, ["check", str(broken), str(shared_or_skip(SEED))])
    assert result.exit_code == 1  # seed 004 has an error-level finding
    assert "broken.pdf" in result.output and "勾稽关系" in result.output


def test_eval_prints_a_summary_line() -> None:
    result = runner.invoke(app, ["eval", str(shared_or_skip(CORPUS / "seeds")), str(GOLD / "seeds")])
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1].startswith("TOTAL 5 files: cells 998/998 exact")


def test_rules_json_lists_the_catalog() -> None:
    result = runner.invoke(app, ["rules", "--json"])
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert {"balance", "row-total", "narrative-mismatch", "publication-late", "carry-mismatch"} <= ids


def test_ingest_of_a_path_that_does_not_exist_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(tmp_path / "nowhere"), "--db", f"sqlite:///{tmp_path / 'c.sqlite'}"]
    )
    assert result.exit_code == 2
    assert "没有这个文件或文件夹" in result.output


def test_filters_take_the_chinese_words_a_user_types(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    seeds = shared_or_skip(CORPUS / "seeds")
    assert CliRunner().invoke(app, ["ingest", str(seeds), "--db", db, "--workers", "0"]).exit_code == 0
    by_code = CliRunner().invoke(app, ["list", "--db", db, "--level", "government", "--json"])
    by_word = CliRunner().invoke(app, ["list", "--db", db, "--level", "人民政府", "--json"])
    assert by_code.exit_code == by_word.exit_code == 0
    assert by_code.stdout == by_word.stdout
    assert CliRunner().invoke(app, ["list", "--db", db, "--format", "2021版", "--json"]).exit_code == 0
    unknown = CliRunner().invoke(app, ["list", "--db", db, "--level", "省级"])
    assert unknown.exit_code == 2
    assert "不接受" in unknown.output
