"""The benchmark command at a toy size: every row it can run here prints wall and CPU time, as JSON too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.measure.bench import ROWS, main, process_tree_cpu, timed


def test_timed_counts_cpu_apart_from_waiting() -> None:
    import time

    with timed() as idle:
        time.sleep(0.2)
    with timed() as busy:
        sum(i * i for i in range(300_000))
    assert idle.wall >= 0.2 and idle.cpu < 0.1
    assert busy.cpu > 0


def test_process_tree_cpu_reads_this_process() -> None:
    import os

    sum(i * i for i in range(300_000))
    assert process_tree_cpu(os.getpid()) > 0


def test_the_rows_at_a_toy_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "ingest,reingest,dbsize,stats,dashboard,text"
    args = ["--reports", "12", "--rows", rows, "--db", str(tmp_path / "b.sqlite"), "--corpus", str(tmp_path / "c")]
    assert main([*args, "--workers", "0", "--repeats", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    by_row = {r["row"]: r for r in out["rows"]}
    assert list(by_row) == rows.split(",")
    assert all(r["wall_s"] > 0 and r["cpu_s"] >= 0 for r in by_row.values())
    assert by_row["ingest"]["reports"] == 12 and by_row["ingest"]["cpu_ms_per_report"] > 0
    assert by_row["reingest"] == {**by_row["reingest"], "sources": 12, "stored": 0}
    ingest = by_row["ingest"]  # a figure, not a timed assertion: the coordinator's memory, the writer's share
    assert ingest["coordinator_peak_mib"] > 0 and by_row["reingest"]["coordinator_peak_mib"] > 0
    assert 0 < ingest["writer_cpu_s"] <= ingest["coordinator_cpu_s"] <= ingest["cpu_s"]
    assert ingest["readers_cpu_s"] >= 0 and ingest["writer_ms_per_report"] > 0
    sizes = by_row["dbsize"]["bytes_per_report"]
    assert by_row["dbsize"]["reports"] == 12 and "cells" in sizes and "report_figures" in sizes
    assert by_row["stats"]["reports"] == 12 and by_row["text"]["reports"] == 12
    assert out["machine"]["cores"] >= 1

    # the corpus is kept: a second run reuses it, and the ingest row refuses a database holding reports
    assert main([*args[:4], "--rows", "stats", "--db", str(tmp_path / "b.sqlite"), "--repeats", "1"]) == 0
    printed = capsys.readouterr().out
    assert "统计（stats, warm）：墙钟" in printed and "CPU" in printed and "平均负载" in printed
    with pytest.raises(SystemExit, match="already holds reports"):
        main([*args[:4], "--rows", "ingest", "--db", str(tmp_path / "b.sqlite"), "--corpus", str(tmp_path / "c")])


def test_unknown_rows_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--rows", "stats,nonsense"])
    assert "nonsense" in capsys.readouterr().err
    assert set(ROWS) >= {"web", "stats", "dashboard", "ingest", "reingest", "dbsize", "text", "pdf", "ocr"}
