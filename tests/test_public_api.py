"""The exported surface of ``gongkai``: what ``__all__`` promises, and nothing public left out of it."""

from __future__ import annotations

import importlib
import inspect
import types

import gongkai
from gongkai import check as check_function

from .conftest import CORPUS, shared_or_skip

EXPECTED = {
    "FORMATS",
    "RULES",
    "Cell",
    "CellState",
    "Document",
    "EntityType",
    "Finding",
    "Format",
    "GongkaiError",
    "LimitExceeded",
    "Limits",
    "Report",
    "Severity",
    "SourceError",
    "SourcePlace",
    "__version__",
    "check",
    "read_and_check",
    "read_and_check_bytes",
    "read_bytes",
    "read_file",
    "read_text",
    "report_to_json",
}


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then the rest (ruff's RUF022 order, which the package keeps)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_unique_and_as_promised() -> None:
    assert gongkai.__all__ == sorted(gongkai.__all__, key=_isort_style)
    assert len(set(gongkai.__all__)) == len(gongkai.__all__)
    assert set(gongkai.__all__) == EXPECTED


def test_every_exported_name_is_importable() -> None:
    for name in gongkai.__all__:
        exec(f"from gongkai import {name}", {})
        assert getattr(gongkai, name) is not None


def test_nothing_public_is_left_out_of_all() -> None:
    public = {
        name
        for name, value in vars(gongkai).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }
    assert public <= set(gongkai.__all__), public - set(gongkai.__all__)


def test_the_front_door_says_what_it_does() -> None:
    front_door = [getattr(gongkai, n) for n in gongkai.__all__ if n.startswith("read_")]
    front_door += [gongkai.Limits, gongkai.LimitExceeded, gongkai.SourceError, gongkai.GongkaiError]
    for value in front_door:
        assert inspect.getdoc(value), value


def test_read_bytes_takes_bytes_a_name_and_limits() -> None:
    assert list(inspect.signature(gongkai.read_bytes).parameters) == ["data", "name", "limits"]
    assert list(inspect.signature(gongkai.read_and_check_bytes).parameters) == ["data", "name", "limits"]
    data = shared_or_skip(CORPUS / "dev" / "011_pingtan-zhqsyq-2022.txt").read_bytes()
    report, findings = gongkai.read_and_check_bytes(data, "平潭.txt")
    assert isinstance(report, gongkai.Report) and report.source == "平潭.txt"
    assert all(isinstance(f, gongkai.Finding) for f in findings)
    assert gongkai.read_bytes(data, "平潭.txt", gongkai.Limits()).cells == report.cells


def test_the_check_function_shadows_the_check_subpackage() -> None:
    """Documented in the package docstring: ``gongkai.check`` is the function; the subpackage is
    reached by its dotted name."""
    assert inspect.isfunction(gongkai.check) and gongkai.check is check_function
    package = importlib.import_module("gongkai.check")
    assert isinstance(package, types.ModuleType) and package.check is gongkai.check
    from gongkai.check import RULES

    assert RULES is gongkai.RULES
    assert "gongkai.check" in (gongkai.__doc__ or "") and "shadows" in (gongkai.__doc__ or "")


def test_errors_of_the_front_door_are_exported() -> None:
    assert issubclass(gongkai.LimitExceeded, gongkai.SourceError)
    assert issubclass(gongkai.SourceError, gongkai.GongkaiError)
