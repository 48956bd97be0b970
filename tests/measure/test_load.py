"""The load test: a short run on a small corpus answers every request of the mix without an error."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from gongkai.measure import load
from gongkai.measure.bench import Bench
from gongkai.measure.load import (
    DASHBOARD_QUERIES,
    MIX,
    PAGES_MIX,
    Sample,
    mix_named,
    request_path,
    run_load,
    sample,
    stored_reports,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A corpus made the way the load test makes one (``gongkai bench-ingest``), shared by this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'load.sqlite'}"
    load.build_corpus(url, 120)
    return url


def test_the_corpus_is_built_once_and_reused(
    corpus: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stored_reports(corpus) == 120
    assert stored_reports("sqlite:////nonexistent/folder/x.sqlite") == 0

    def no_second_build(url: str, reports: int) -> None:
        raise AssertionError("the stored corpus should have been reused")

    monkeypatch.setattr(load, "build_corpus", no_second_build)
    assert load.main(["--reports", "100", "--clients", "2", "--seconds", "1", "--db", corpus, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reports"] == 120


def test_a_short_corpus_is_built(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built: list[tuple[str, int]] = []
    monkeypatch.setattr(load, "build_corpus", lambda url, reports: built.append((url, reports)))
    monkeypatch.setattr(load, "run_load", lambda *args, **kwargs: load.LoadResult(reports=0, clients=1))
    assert load.main(["--reports", "30", "--db", str(tmp_path / "new.sqlite")]) == 0
    assert built == [(f"sqlite:///{tmp_path / 'new.sqlite'}", 30)]


def test_the_mixes() -> None:
    assert mix_named("realistic") == MIX and mix_named("pages") == PAGES_MIX
    assert mix_named("report-page") == (("report-page", 1),)
    assert {kind for kind, _ in PAGES_MIX} <= {kind for kind, _ in MIX}
    with pytest.raises(ValueError, match="不认识的请求组合"):
        mix_named("upload")


def test_the_sample_is_made_of_stored_values(corpus: str) -> None:
    s = sample(corpus, random.Random(1))
    assert len(s.ids) == 120 and s.years == [2021, 2022, 2023, 2024]
    assert s.pairs and all(a != b for a, b in s.pairs) and len(s.agencies) == 30


def test_every_kind_of_request_has_a_path() -> None:
    s = Sample(ids=[7], pairs=[(7, 8)], agencies=["安安县人民政府"], years=[2023])
    rng = random.Random(0)
    paths = {kind: request_path(kind, rng, s) for kind, _ in MIX}
    assert paths["report-page"] == "/reports/7" and paths["compare"] == "/compare?a=7&b=8"
    assert paths["export-xlsx"].startswith("/api/export?agency=") and paths["export-xlsx"].endswith("fmt=xlsx")
    dashboards = {request_path("dashboard", rng, s) for _ in range(200)}
    assert dashboards == {"/dashboard" + query for query in DASHBOARD_QUERIES}
    with pytest.raises(ValueError, match="不认识的请求类型"):
        request_path("upload", rng, s)


def test_a_short_run_has_no_errors(corpus: str) -> None:
    result = run_load(corpus, clients=5, seconds=5, seed=1)
    figures = result.to_json()
    assert figures["errors"] == 0, figures["error_kinds"]
    assert result.requests >= 10 and set(figures["by_kind"]) <= {kind for kind, _ in MIX}  # type: ignore[arg-type]
    assert len(figures["by_kind"]) >= 5  # type: ignore[arg-type]
    latency = figures["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]  # type: ignore[index]
    assert result.server_cpu_seconds > 0 and result.seconds >= 5 and result.client_cpu_seconds > 0
    assert figures["server_cpu_ms_per_request"] == round(1000 * result.server_cpu_seconds / result.requests, 2)
    assert len(figures["load_average_after"]) == 3  # type: ignore[arg-type]
    lines = result.lines()
    assert any("p95" in line for line in lines) and any("每个请求" in line for line in lines)


def test_two_server_processes_answer_the_pages_mix(corpus: str) -> None:
    """``--workers 2``: the CPU of both processes is counted, not only the supervisor's."""
    result = run_load(corpus, clients=4, seconds=3, workers=2, mix="pages", seed=2)
    figures = result.to_json()
    assert figures["errors"] == 0, figures["error_kinds"]
    assert set(figures["by_kind"]) == {"dashboard", "report-page"}  # type: ignore[arg-type]
    assert figures["workers"] == 2 and figures["mix"] == "pages"
    # the supervisor alone idles; the workers do the rendering: well over a millisecond a page
    assert result.server_cpu_ms_per_request is not None and result.server_cpu_ms_per_request > 0.5


def test_the_bench_row_is_the_load_test(corpus: str, tmp_path: Path) -> None:
    bench = Bench(reports=120, db=Path(corpus.removeprefix("sqlite:///")), corpus=tmp_path, clients=3, seconds=2)
    row = bench.row_web().to_json()
    assert row["row"] == "web" and row["errors"] == 0 and row["requests"] > 0
    assert row["wall_s"] >= 2 and row["cpu_s"] > 0 and row["server_cpu_ms_per_request"] > 0
    assert set(row["by_kind"]) == {"dashboard", "report-page"} and row["mix"] == "pages"


def test_the_command(corpus: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert load.main(["--reports", "120", "--clients", "2", "--seconds", "1", "--db", corpus, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["errors"] == 0 and figures["clients"] == 2 and figures["reports"] == 120
    assert load.main(["--clients", "0", "--db", corpus]) == 2
    assert "--clients" in capsys.readouterr().err
    assert load.main(["--workers", "0", "--db", corpus]) == 2
    assert load.main(["--mix", "everything", "--db", corpus]) == 2
    assert "不认识的请求组合" in capsys.readouterr().err


def test_an_error_answer_is_counted(corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "request_path", lambda kind, rng, s: "/reports/2000000")
    result = run_load(corpus, clients=1, seconds=1, mix="report-page")
    assert result.errors and set(result.errors) == {"report-page 404"}
