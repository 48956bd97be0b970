"""The store's boundary: it is handed the cross-year check, so it imports nothing of check but the Finding type."""

from __future__ import annotations

import ast
from pathlib import Path

import gongkai.store

STORE = Path(gongkai.store.__file__).parent
ALLOWED = {"gongkai.check.finding"}  # the value type a handed check returns


def _imports(path: Path) -> set[str]:
    """Absolute names of the gongkai modules a store module imports (``..check`` → ``gongkai.check``)."""
    package = ["gongkai", *path.relative_to(STORE.parent).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("gongkai.")}


def _check_imports(path: Path) -> set[str]:
    return {n for n in _imports(path) if n == "gongkai.check" or n.startswith("gongkai.check.")}


def test_the_store_imports_no_rules_and_no_registry() -> None:
    modules = sorted(STORE.rglob("*.py"))
    assert len(modules) > 10
    offending = {
        str(p.relative_to(STORE)): found
        for p in modules
        if (found := {n for n in _check_imports(p) if not any(n == a or n.startswith(a + ".") for a in ALLOWED)})
    }
    assert offending == {}


def test_the_scan_sees_a_forbidden_import(tmp_path: Path) -> None:
    # the same scan on a store module that imports the registry, as repository.py once did
    module = STORE / "_probe_forbidden.py"
    module.write_text("from ..check import RULES, Finding\nfrom ..check.finding import Severity\n", encoding="utf-8")
    try:
        assert _check_imports(module) == {
            "gongkai.check",
            "gongkai.check.RULES",
            "gongkai.check.Finding",
            "gongkai.check.finding",
            "gongkai.check.finding.Severity",
        }
    finally:
        module.unlink()
