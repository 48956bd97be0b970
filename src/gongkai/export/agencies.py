"""The agency registry as a file: XLSX (openpyxl) or CSV, one organ a row under Chinese column headers.

    机关名称 | 标识 | 类型 | 类型代码 | 上级机关 | 上级机关标识 | 地区 | 备注 | 来源

Reading asks only for 机关名称; 标识 is computed from the name when absent
(``law.agencies.normalise_agency_key``), 类型 may be a Chinese word or a code, the parent may be
named by name or key. A bad row is reported with the file and its row number and left out; the
rest are imported. CSV is written as UTF-8 with a BOM (Excel opens it right) and read as UTF-8,
or as GB18030 when it is not (what Excel saves on a Chinese Windows).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExportError
from ..law.kinds import kind_of
from ..store.repository import Repository
from ..store.views import AgencyEntry, AgencyRow

COLUMNS = ("机关名称", "标识", "类型", "类型代码", "上级机关", "上级机关标识", "地区", "备注", "来源")
ALIASES = {
    "名称": "机关名称",
    "机关": "机关名称",
    "name": "机关名称",
    "key": "标识",
    "kind": "类型",
    "类别": "类型",
    "上级": "上级机关",
    "parent": "上级机关",
    "parent_key": "上级机关标识",
    "区域": "地区",
    "region": "地区",
    "note": "备注",
    "说明": "备注",
}
SUFFIXES = (".xlsx", ".csv")
KIND_HINT = "人民政府、部门、乡镇、其他（或 government、department、township、other）"


@dataclass(frozen=True, slots=True)
class AgencyFile:
    """What a registry file holds: the good rows as entries with their row numbers, and the bad rows' problems."""

    entries: list[AgencyEntry] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the row number of each entry (the header is row 1)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, message naming file and row)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """An import's outcome: organs stored, and every problem with its file and row."""

    imported: int
    problems: list[str]

    def to_json(self) -> dict[str, object]:
        return {"imported": self.imported, "problems": self.problems}


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExportError(f"{path.name}：机关名录只支持 XLSX 或 CSV 文件，而不是“{path.suffix or '无扩展名'}”")
    return suffix


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(path: Path) -> Iterator[list[str]]:
    """The file's rows as text, the header first."""
    if _suffix(path) == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
            raise ExportError(f"{path.name}：无法作为 XLSX 工作簿打开（{type(exc).__name__}）") from None
        try:
            sheet = book.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                yield [_text(v) for v in row]
        finally:
            book.close()
        return
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ExportError(f"{path.name}：既不是 UTF-8 也不是 GB18030 编码的 CSV") from None
    for row in csv.reader(text.splitlines()):
        yield [v.strip() for v in row]


def read_agencies(path: Path) -> AgencyFile:
    """The organs a registry file lists; ``ExportError`` for a file unreadable or without a 机关名称 column."""
    found = AgencyFile()
    rows = _table(path)
    header = next(rows, None)
    if header is None:
        raise ExportError(f"{path.name}：文件是空的")
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        name = ALIASES.get(title.lower(), ALIASES.get(title, title))
        if name in COLUMNS and name not in columns:
            columns[name] = i
    if "机关名称" not in columns:
        raise ExportError(f"{path.name}：第1行须是列名，且含“机关名称”列（可用列：{'、'.join(COLUMNS)}）")

    def cell(row: list[str], column: str) -> str:
        i = columns.get(column)
        return row[i] if i is not None and i < len(row) else ""

    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        where = f"{path.name} 第{number}行"
        name = cell(row, "机关名称")
        if not name:
            found.problems.append((number, f"{where}：缺少机关名称，未导入"))
            continue
        kind, unknown = None, None
        for column in ("类型代码", "类型"):  # the code, where the file has one, decides
            word = cell(row, column)
            if word:
                named = kind_of(word)
                kind, unknown = (named.value, None) if named else (None, word)
                break
        if unknown:
            found.problems.append((number, f"{where}：类型“{unknown}”无法识别（可填 {KIND_HINT}），未导入"))
            continue
        key = cell(row, "标识") or None
        same = key or name
        if same in seen:
            found.problems.append((number, f"{where}：与第{seen[same]}行是同一机关，未导入"))
            continue
        seen[same] = number
        found.entries.append(
            AgencyEntry(
                name=name,
                key=key,
                kind=kind,
                parent=cell(row, "上级机关标识") or cell(row, "上级机关") or None,
                region=cell(row, "地区") or None,
                note=cell(row, "备注") or None,
            )
        )
        found.lines.append(number)
    return found


def import_agency_file(repository: Repository, path: Path) -> ImportReport:
    """Read a registry file and store its good rows (origin ``import``); the problems name file and row."""
    found = read_agencies(path)
    stored = repository.import_agencies(found.entries, origin="import")
    later = [(found.lines[p.index], f"{path.name} 第{found.lines[p.index]}行：{p.message}") for p in stored]
    problems = [m for _, m in sorted([*found.problems, *later], key=lambda p: p[0])]
    left_out = sum(1 for p in stored if not p.stored)
    return ImportReport(len(found.entries) - left_out, problems)


def _values(row: AgencyRow) -> list[str]:
    return [
        row.name,
        row.key,
        row.kind_zh,
        row.kind,
        row.parent_name or "",
        row.parent_key or "",
        row.region or "",
        row.note or "",
        row.origin_zh,
    ]


def write_agencies(rows: Iterable[AgencyRow], path: Path) -> int:
    """Write the registry rows as XLSX or CSV (by the file's suffix); how many rows were written."""
    listed = list(rows)
    if _suffix(path) == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(_values(r) for r in listed)
        return len(listed)
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "机关名录"
    sheet.append(list(COLUMNS))
    for row in listed:
        sheet.append(_values(row))
    for i, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EDEDED")
        longest = max([len(title), *(len(_values(r)[i - 1]) for r in listed)])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(2 * longest + 2, 10), 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(listed) + 1, 2)}"
    book.save(path)
    return len(listed)
