"""The store's boundary: it is handed the cross-year check, so it imports nothing of check but the Finding type."""

from __future__ import annotations

import ast
from pathlib import Path

import gongkai.store

STORE = Path(gongkai.store.__file__).parent
ALLOWED = ("gongkai.check.finding",)  # the value type a handed check returns


def _check_imports(source: str, package: tuple[str, ...]) -> set[str]:
    """The ``gongkai.check`` names a module of ``package`` imports (``..check`` → ``gongkai.check``)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {n for n in names if n == "gongkai.check" or n.startswith("gongkai.check.")}


def _forbidden(names: set[str]) -> set[str]:
    return {n for n in names if not any(n == a or n.startswith(a + ".") for a in ALLOWED)}


def test_the_store_imports_no_rules_and_no_registry() -> None:
    modules = sorted(STORE.rglob("*.py"))
    assert len(modules) > 10
    offending = {}
    for path in modules:
        package = ("gongkai", *path.relative_to(STORE.parent).parent.parts)
        if found := _forbidden(_check_imports(path.read_text(encoding="utf-8"), package)):
            offending[str(path.relative_to(STORE))] = found
    assert offending == {}


def test_the_scan_sees_a_forbidden_import() -> None:
    # what repository.py imported before the store was handed its check
    source = "from ..check import RULES, Finding\nfrom ..check.finding import Severity\nimport gongkai.check.rules\n"
    found = _check_imports(source, ("gongkai", "store"))
    assert _forbidden(found) == {"gongkai.check", "gongkai.check.RULES", "gongkai.check.Finding", "gongkai.check.rules"}
    assert "gongkai.check.finding.Severity" in found
