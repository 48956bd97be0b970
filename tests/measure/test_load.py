"""The load test: a short run on a small corpus answers every request of the mix without an error."""

from __future__ import annotations

import json
import random

import pytest

from gongkai.measure import load
from gongkai.measure.load import MIX, Sample, request_path, run_load, sample, stored_reports


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A corpus made the way the load test makes one (``gongkai bench-ingest``), shared by this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'load.sqlite'}"
    load.build_corpus(url, 120)
    return url


def test_the_corpus_is_built_once_and_reused(corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert stored_reports(corpus) == 120
    assert stored_reports("sqlite:////nonexistent/folder/x.sqlite") == 0

    def no_second_build(url: str, reports: int) -> None:
        raise AssertionError("the stored corpus should have been reused")

    monkeypatch.setattr(load, "build_corpus", no_second_build)
    result = run_load(corpus, 100, clients=2, seconds=1, seed=3)
    assert result.reports == 120 and result.requests > 0


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
    with pytest.raises(ValueError, match="不认识的请求类型"):
        request_path("upload", rng, s)


def test_a_short_run_has_no_errors(corpus: str) -> None:
    result = run_load(corpus, 120, clients=5, seconds=5, seed=1)
    figures = result.to_json()
    assert figures["errors"] == 0, figures["error_kinds"]
    assert result.requests >= 10 and set(figures["by_kind"]) <= {kind for kind, _ in MIX}  # type: ignore[arg-type]
    assert len(figures["by_kind"]) >= 5  # type: ignore[arg-type]
    latency = figures["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]  # type: ignore[index]
    assert result.server_cpu_seconds > 0 and result.seconds >= 5
    assert any("p95" in line for line in result.lines())


def test_the_command(corpus: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert load.main(["--reports", "120", "--clients", "2", "--seconds", "1", "--db", corpus, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["errors"] == 0 and figures["clients"] == 2 and figures["reports"] == 120
    assert load.main(["--clients", "0", "--db", corpus]) == 2
    assert "--clients" in capsys.readouterr().err


def test_an_error_answer_is_counted(corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MIX", (("report-page", 1),))
    monkeypatch.setattr(load, "request_path", lambda kind, rng, s: "/reports/2000000")
    result = run_load(corpus, 120, clients=1, seconds=1)
    assert result.errors and set(result.errors) == {"report-page 404"}
