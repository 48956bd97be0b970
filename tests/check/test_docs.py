"""docs/rules is generated from the registry and kept in step with it."""

from __future__ import annotations

from pathlib import Path

from gongkai.check.docs import write_rule_docs

from ..conftest import REPO


def test_rule_docs_are_up_to_date(tmp_path: Path) -> None:
    for page in write_rule_docs(tmp_path):
        committed = REPO / "docs" / "rules" / page.name
        assert committed.exists(), f"run: gongkai rules --docs docs/rules ({page.name} missing)"
        assert committed.read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), page.name
