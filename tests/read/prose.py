"""Real reports with a sentence written into their prose (a test helper for the narrative vocabulary).

A sentence goes in as a paragraph of its own at the end of section 一, just before the heading
of 二、主动公开政府信息情况, so the reader takes it as part of the report's own text. Figures for
the sentences come from the report's gold file, so every test states the table's true sums (or
a sum off by one) whatever the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai.api import read_text
from gongkai.check import Finding, check
from gongkai.formats import FORMATS, Format
from gongkai.measure.evaluate import load_gold
from gongkai.model import Report

from ..conftest import CORPUS, GOLD, shared_or_skip

# 2021-format reports: seed 000 (a 2021 report, plain text) and dev 004 (a 2025 report, Markdown)
BASES = ("seeds/000_6e817ece59bf6a07", "dev/004_shuyang-xian-2025")
SEED_2019 = "seeds/001_7d572d66493d8534"  # a 2019-format report (2020)


@dataclass(frozen=True, slots=True)
class Base:
    name: str
    source: Path
    text: str
    year: int
    format: Format
    cells: dict[str, object]

    def value(self, cid: str) -> int:
        return int(self.cells[cid] or 0)  # type: ignore[call-overload]

    def total(self, *cells: str) -> int:
        return sum(self.value(c) for c in cells)

    def read(self, *sentences: str) -> Report:
        return read_text(with_sentences(self.text, *sentences), self.source.name)

    def findings(self, *sentences: str) -> list[Finding]:
        return check(self.read(*sentences))

    def added(self, *sentences: str, rule: str = "narrative-mismatch") -> list[Finding]:
        """Findings of ``rule`` the sentences add to those the report has on its own."""
        before = {(f.rule, f.cells, f.message) for f in check(self.read())}
        return [f for f in self.findings(*sentences) if f.rule == rule and (f.rule, f.cells, f.message) not in before]

    def statements_of(self, sentence: str) -> list[tuple[str, float, tuple[tuple[str, ...], ...]]]:
        """What the reader takes from ``sentence``: (measure, figure, readings) of each figure."""
        report = self.read(sentence)
        return [(s.measure, s.value, s.readings) for s in report.statements if _same_sentence(s.quote, sentence)]


def _same_sentence(quote: str, sentence: str) -> bool:
    core = "".join(ch for ch in sentence if ch not in "，,、；;。 ")
    return core[:12] in "".join(ch for ch in quote if ch not in "，,、；;。 ")


def with_sentences(text: str, *sentences: str) -> str:
    """``text`` with ``sentences`` as a paragraph just before the heading of section 二."""
    if not sentences:
        return text
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith("二、主动公开政府信息情况"))
    return "\n".join([*lines[:at], "".join(sentences), "", *lines[at:]])


def base(name: str) -> Base:
    corpus = sorted(shared_or_skip(CORPUS / name.split("/")[0]).glob(name.split("/")[1] + ".*"))
    gold_path = shared_or_skip(GOLD / f"{name}.json")
    gold = load_gold(gold_path)
    source = shared_or_skip(corpus[0]) if corpus else shared_or_skip(CORPUS / f"{name}.txt")
    return Base(
        name,
        source,
        source.read_text(encoding="utf-8"),
        int(gold.metadata["year"]),  # type: ignore[call-overload]
        FORMATS[str(gold.metadata["format"])],
        gold.cells,
    )
