"""The real reports behind the gold files (``shared/gold``), read once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from gongkai.api import read_and_check
from gongkai.check import Finding
from gongkai.measure.evaluate import load_gold
from gongkai.model import Report

from ..conftest import CORPUS, GOLD

GOLD_FILES = sorted(GOLD.glob("*/*.json")) if GOLD.exists() else []


@cache
def gold_report(gold_path: Path) -> tuple[Report, list[Finding]]:
    """The report the gold file describes, as gongkai reads and checks it."""
    gold = load_gold(gold_path)
    return read_and_check(CORPUS / gold_path.parent.name / gold.source)


def tabled(paths: list[Path]) -> list[Path]:
    """The gold files whose format prints the national tables (not pre-2019)."""
    return [p for p in paths if load_gold(p).metadata["format"] != "pre2019"]


TABLED_GOLD = tabled(GOLD_FILES)


def gold_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"
