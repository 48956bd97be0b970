"""The import contracts that keep the layers apart (which package may import which).

Imports are read from the source with ``ast``, lazy ones inside functions included, so a
contract cannot be dodged by importing late. A package is the first dotted part under
``gongkai`` (``gongkai.store.writes`` belongs to ``store``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO

SRC = REPO / "src" / "gongkai"

# what each package may import of gongkai (besides itself); None = no contract
ALLOWED: dict[str, set[str] | None] = {
    "errors": set(),
    "document": set(),
    "formats": set(),
    "limits": set(),
    "_version": set(),
    "libreoffice": {"errors"},
    "serialize": {"check", "model"},
    "model": {"document", "formats"},
    "law": {"model", "formats"},
    "ingest": {"document", "errors", "libreoffice", "limits"},
    "read": {"document", "errors", "formats", "law", "limits", "model"},
    "check": {"document", "errors", "formats", "law", "model"},
    "render": {"check", "document", "errors", "formats", "model", "libreoffice"},
    "register": {"check", "errors", "formats", "law", "limits", "model"},  # check: the Finding type only
    "write": {"register", "render", "check", "formats", "law", "model", "errors", "libreoffice"},
}


def _module_of(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every gongkai import in ``path``."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("gongkai"):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("gongkai"):
                if node.module is None or target == "gongkai":
                    for alias in node.names:  # "from .. import x": a submodule, or a name of the package face
                        yield node.lineno, f"{target}.{alias.name}" if _is_module(target, alias.name) else target
                else:
                    yield node.lineno, target


def _is_module(package: str, name: str) -> bool:
    folder = SRC.parent.joinpath(*package.split("."))
    return (folder / f"{name}.py").exists() or (folder / name / "__init__.py").exists()


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _edges() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, target in _imports(path):
            out.append((_module_of(path), line, target))
    return out


EDGES = _edges()


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    allowed = ALLOWED[package]
    assert allowed is not None
    bad = [
        f"{source}:{line} imports {target}"
        for source, line, target in EDGES
        if _package(source) == package and _package(target) not in allowed | {package}
    ]
    assert not bad, "\n".join(bad)


def test_store_never_imports_the_rule_registry() -> None:
    """The store is handed the cross-year check; it may know the Finding type, not the rules."""
    bad = [
        f"{source}:{line} imports {target}"
        for source, line, target in EDGES
        if _package(source) == "store" and _package(target) == "check" and target != "gongkai.check.finding"
    ]
    assert not bad, "\n".join(bad)


def test_render_never_imports_the_store() -> None:
    bad = [f"{s}:{line} imports {t}" for s, line, t in EDGES if _package(s) == "render" and _package(t) == "store"]
    assert not bad, "\n".join(bad)


def test_nothing_inside_imports_the_package_face() -> None:
    bad = [f"{s}:{line}" for s, line, t in EDGES if t == "gongkai" and s != "gongkai"]
    assert not bad, "\n".join(bad)


def test_the_product_never_imports_measurement_code() -> None:
    """Evaluation, synthetic corpora and benchmarks are reached only from the CLI's commands."""
    bad = [
        f"{s}:{line} imports {t}"
        for s, line, t in EDGES
        if _package(t) == "measure" and _package(s) not in ("measure", "cli")
    ]
    assert not bad, "\n".join(bad)


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    """The contract reader sees a lazy import inside a function (what a violation would look like)."""
    fake = SRC / "store" / "zz_contract_probe.py"
    fake.write_text("def f():\n    from ..check.registry import RULES\n    return RULES\n", encoding="utf-8")
    try:
        found = list(_imports(fake))
    finally:
        fake.unlink()
    assert found == [(2, "gongkai.check.registry")]
