"""A source that is not an annual report is held out of the corpus, with its reason; it can be forced in."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gongkai.batch.work import NOT_A_REPORT, read_one
from gongkai.cli import app

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
NOTICE = (
    "关于召开2023年度政务公开工作会议的通知\n各单位：定于3月5日召开会议，请准时参加。\n"
    "某县人民政府办公室\n2023年3月1日\n"
)


def test_a_notice_is_recorded_as_not_a_report() -> None:
    record = read_one("notice.txt", NOTICE.encode("utf-8"), "0" * 64)
    assert record["report"] is None
    assert record["error"] == NOT_A_REPORT


def test_a_manifest_that_quotes_row_labels_is_not_a_report() -> None:
    manifest = shared_or_skip(CORPUS / "dev" / "MANIFEST.tsv")
    record = read_one("MANIFEST.txt", manifest.read_bytes(), "1" * 64)
    assert record["error"] == NOT_A_REPORT


def test_ingest_holds_it_out_and_stores_it_when_forced(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    seed = shared_or_skip(CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt")
    (folder / seed.name).write_bytes(seed.read_bytes())
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    first = runner.invoke(app, ["ingest", str(folder), "--db", db, "--workers", "0", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["read"] == 1
    listed = json.loads(runner.invoke(app, ["list", "--db", db, "--json"]).stdout)
    assert [r["source"].endswith(seed.name) for r in listed] == [True]
    stats = json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)
    assert stats["reports"] == 1 and stats["failed_sources"] == 1
    forced = ["ingest", str(folder), "--db", db, "--workers", "0", "--retry-failed", "--accept-unrecognised", "--json"]
    assert runner.invoke(app, forced).exit_code == 0
    listed = json.loads(runner.invoke(app, ["list", "--db", db, "--json"]).stdout)
    assert len(listed) == 2
