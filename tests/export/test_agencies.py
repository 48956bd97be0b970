"""The agency registry as a file: XLSX and CSV round trips, the files as Excel users have them, bad rows named.

The registry is the one the real pipeline builds from ingesting seeds and dev, with a county's
organs imported beneath it; a file written from it and imported into an empty store gives the
same registry back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.errors import ExportError
from gongkai.export.agencies import COLUMNS, import_agency_file, read_agencies, write_agencies
from gongkai.store import open_database
from gongkai.store.repository import Repository
from gongkai.store.views import AgencyEntry, AgencyRow

from ..conftest import CORPUS, shared_or_skip

COUNTY = [
    AgencyEntry("江苏省淮安市人民政府", region="江苏省淮安市"),
    AgencyEntry("洪泽区人民政府", parent="淮安市人民政府", region="江苏省淮安市洪泽区", note="区政府"),
    AgencyEntry("洪泽区教育局", parent="洪泽区人民政府"),
    AgencyEntry("洪泽区岔河镇人民政府", kind="township", parent="洪泽区人民政府", note="含“引号”, 逗号"),
]


def _repository(path: Path) -> Iterator[Repository]:
    database = open_database(f"sqlite:///{path}")
    try:
        yield Repository(database)
    finally:
        database.close()


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Repository]:
    """A store the pipeline filled from seeds and dev, with a county's organs imported into its registry."""
    shared_or_skip(CORPUS)
    for repository in _repository(tmp_path / "corpus.sqlite"):
        summary = ingest([CORPUS / "seeds", CORPUS / "dev"], repository, InlineExecutor())
        assert summary.read > 0 and not summary.failed
        assert repository.import_agencies(COUNTY) == []
        yield repository


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Repository]:
    yield from _repository(tmp_path / "empty.sqlite")


def _shape(rows: list[AgencyRow]) -> list[tuple[object, ...]]:
    return [(r.key, r.name, r.kind, r.parent_key, r.region, r.note) for r in rows]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_registry_file_imports_back_to_the_same_registry(
    registry: Repository, empty: Repository, tmp_path: Path, suffix: str
) -> None:
    rows = registry.list_agencies()
    assert len(rows) >= 10 and any(r.origin == "report" for r in rows)
    path = tmp_path / f"名录{suffix}"
    assert write_agencies(rows, path) == len(rows)
    outcome = import_agency_file(empty, path)
    assert outcome.problems == [] and outcome.imported == len(rows)
    assert _shape(empty.list_agencies()) == _shape(rows)
    assert {r.origin for r in empty.list_agencies()} == {"import"}


def test_the_xlsx_has_chinese_headers_a_frozen_header_row_and_a_filter(registry: Repository, tmp_path: Path) -> None:
    path = tmp_path / "名录.xlsx"
    write_agencies(registry.list_agencies(), path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet.title == "机关名录"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    by_name = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    education = by_name["洪泽区教育局"]
    assert education[2:8] == ("政府部门", "department", "洪泽区人民政府", "洪泽区人民政府", "江苏省淮安市洪泽区", None)
    assert by_name["成安县人民政府"][8] == "由报告生成"
    assert sheet.column_dimensions["A"].width >= 10


def test_the_csv_opens_in_excel_as_utf8(registry: Repository, tmp_path: Path) -> None:
    path = tmp_path / "名录.csv"
    write_agencies(registry.list_agencies(), path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    township = next(r for r in rows if r["机关名称"] == "洪泽区岔河镇人民政府")
    assert (township["类型"], township["备注"], township["地区"]) == (
        "乡镇/街道",
        "含“引号”, 逗号",
        "江苏省淮安市洪泽区岔河镇",
    )


def test_a_file_of_names_only_computes_keys_and_kinds(empty: Repository, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("机关名称\n淮安市洪泽区人民政府\n洪泽区教育局\n岔河镇\n", encoding="utf-8")
    assert import_agency_file(empty, path).problems == []
    rows = {r.key: r for r in empty.list_agencies()}
    assert set(rows) == {"洪泽区人民政府", "洪泽区教育局", "岔河镇"}
    assert (rows["洪泽区人民政府"].kind, rows["洪泽区人民政府"].region) == ("government", "淮安市洪泽区")
    assert rows["洪泽区教育局"].kind == "department" and rows["岔河镇"].kind == "township"


def test_a_gb18030_csv_from_a_chinese_excel_is_read(empty: Repository, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("机关名称,类型,地区\n洪泽区教育局,部门,江苏省淮安市洪泽区\n".encode("gb18030"))
    assert import_agency_file(empty, path).imported == 1
    row = empty.agency("洪泽区教育局")
    assert row is not None and (row.kind, row.region) == ("department", "江苏省淮安市洪泽区")


def test_bad_rows_are_named_by_file_and_row_and_the_rest_imported(empty: Repository, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["机关名称", "类型", "上级机关", "备注"])
    sheet.append(["洪泽区人民政府", "政府", None, None])  # row 2
    sheet.append([None, "部门", None, "无名"])  # row 3
    sheet.append(["洪泽区教育局", "县级部门", None, None])  # row 4
    sheet.append([None, None, None, None])  # row 5: blank, skipped quietly
    sheet.append(["洪泽区财政局", "department", "不存在的区", None])  # row 6
    sheet.append(["洪泽区人民政府", "政府", None, None])  # row 7: the same organ again
    sheet.append(["洪泽区审计局", "部门", "洪泽区人民政府", 2024])  # row 8
    path = tmp_path / "名录.xlsx"
    book.save(path)
    outcome = import_agency_file(empty, path)
    assert outcome.imported == 3
    assert outcome.problems == [
        "名录.xlsx 第3行：缺少机关名称，未导入",
        "名录.xlsx 第4行：类型“县级部门”无法识别（可填 人民政府、部门、乡镇、其他（或 government、department、"
        "township、other）），未导入",
        "名录.xlsx 第6行：上级机关“不存在的区”不在名录中，未设上级",
        "名录.xlsx 第7行：与第2行是同一机关，未导入",
    ]
    assert [r.name for r in empty.list_agencies(under="洪泽区人民政府")] == ["洪泽区人民政府", "洪泽区审计局"]
    assert empty.agency("洪泽区审计局").note == "2024"  # type: ignore[union-attr]
    assert empty.agency("洪泽区财政局").parent_key is None  # type: ignore[union-attr]


def test_english_headers_and_a_parent_by_key_are_understood(empty: Repository, tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text(
        "name,key,kind,parent,region\n区政府,洪泽区人民政府,government,,江苏省淮安市洪泽区\n"
        "教育局,洪泽区教育局,部门,洪泽区人民政府,\n",
        encoding="utf-8",
    )
    assert import_agency_file(empty, path).problems == []
    row = empty.agency("洪泽区教育局")
    assert row is not None and (row.name, row.parent_name, row.region) == ("教育局", "区政府", "江苏省淮安市洪泽区")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名录.txt", b"x", "只支持 XLSX 或 CSV"),
        ("名录.csv", b"", "文件是空的"),
        ("名录.csv", "名称x,类型\n甲,部门\n".encode(), "机关名称"),
        ("名录.csv", b"\xff\xfe\x00\xd8\x00", "编码"),
        ("名录.xlsx", b"not a workbook", "无法作为 XLSX"),
    ],
)
def test_a_file_that_is_no_registry_is_refused_in_chinese(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExportError, match=message) as caught:
        read_agencies(path)
    assert name in str(caught.value)
