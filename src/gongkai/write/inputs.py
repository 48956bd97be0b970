"""The writer's small input: table 二's figures and each section's prose (YAML or XLSX), validated.

YAML (keys in Chinese; table 二 by the template's own row and column words)::

    机关: 示例市自然资源和规划局
    机关类型: 政府部门            # 人民政府 / 政府部门 / 乡镇/街道
    表二:
      规章: {本年制发件数: 1, 本年废止件数: 0, 现行有效件数: 12}
      行政许可: {本年处理决定数量: 530}
      行政事业性收费: {本年收费金额（单位：万元）: 12.3456}
    正文:
      一: |
        第一段……
        第二段……
      五: ……

XLSX: a sheet 表二 with the columns 信息内容 | 栏目 | 数值, a sheet 正文 with 部分 | 内容 and,
optionally, a sheet 机关 with 项目 | 值. A cell of table 二 not given is absent (printed
blank), never 0. Every error names the file and the field.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import GongkaiError
from ..formats import FORMAT_2021, CellId
from ..model import EntityType
from .model import PROACTIVE, AnnualReport, Value

NUMERALS = "一二三四五六"
MAX_DECIMALS = 4  # 万元 to four places = 1 元
KEY_AGENCY, KEY_KIND, KEY_TABLE, KEY_PROSE = "机关", "机关类型", "表二", "正文"
KINDS = {k.zh: k for k in (EntityType.GOVERNMENT, EntityType.DEPARTMENT, EntityType.TOWNSHIP)}


class InputError(GongkaiError):
    """The input file cannot be used: the message names the file and the field."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        super().__init__(f"{source}：{where}：{problem}" if where else f"{source}：{problem}")
        self.source, self.where, self.problem = source, where, problem


@dataclass(slots=True)
class WriterInput:
    """What the writer gave: table 二 (only the cells given) and the prose of the sections given."""

    source: str
    agency: str | None = None
    entity_type: EntityType | None = None
    proactive: dict[CellId, Value] = field(default_factory=dict)
    sections: dict[int, str] = field(default_factory=dict)


def _cells_by_words() -> dict[tuple[str, str], CellId]:
    out = {}
    for block in PROACTIVE.blocks:
        for row in block.rows:
            for col in block.columns:
                out[(row.label, col.label)] = PROACTIVE.cell(row.id, col.id)
    return out


CELLS_BY_WORDS = _cells_by_words()
_ROWS = {row for row, _col in CELLS_BY_WORDS}
_DECIMAL = {PROACTIVE.cell(r.id, c.id) for b in PROACTIVE.blocks for r in b.rows for c in b.columns if c.decimal}


def section_number(key: object, source: str, where: str) -> int:
    """A section named by its numeral (一), its number (1), its heading (总体情况) or both (一、总体情况)."""
    text = str(key).strip()
    for s in FORMAT_2021.sections:
        if text in (NUMERALS[s.number - 1], str(s.number), s.heading, s.numbered):
            return s.number
    known = "、".join(NUMERALS)
    raise InputError(source, where, f"没有“{text}”这一部分（应为 {known}，或部分的标题）")


def cell_value(cid: CellId, raw: object, source: str, where: str) -> Value:
    """A table 二 figure: a whole number ≥ 0, or for 收费金额 a decimal ≥ 0 with at most four places."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise InputError(source, where, f"应为数字，不是 {raw!r}")
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise InputError(source, where, f"应为数字，不是“{raw}”") from None
    if not number.is_finite() or number < 0:
        raise InputError(source, where, f"应为不小于0的数，不是“{raw}”")
    if cid in _DECIMAL:
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
            raise InputError(source, where, f"单位为万元，最多保留{MAX_DECIMALS}位小数（1元），不是“{raw}”")
        return number
    if number != number.to_integral_value():
        raise InputError(source, where, f"应为整数件数，不是“{raw}”")
    return int(number)


def _cell_id(row: str, col: str, source: str) -> CellId:
    cid = CELLS_BY_WORDS.get((row, col))
    if cid is not None:
        return cid
    if row not in _ROWS:
        raise InputError(source, f"{KEY_TABLE}.{row}", f"表二没有“{row}”这一项（应为：{'、'.join(sorted(_ROWS))}）")
    columns = "、".join(c for r, c in CELLS_BY_WORDS if r == row)
    raise InputError(source, f"{KEY_TABLE}.{row}.{col}", f"“{row}”没有“{col}”这一栏（应为：{columns}）")


def _kind(raw: object, source: str) -> EntityType:
    kind = KINDS.get(str(raw).strip())
    if kind is None:
        raise InputError(source, KEY_KIND, f"应为 {'、'.join(KINDS)} 之一，不是“{raw}”")
    return kind


def _table(triples: Iterable[tuple[str, str, object, str]], source: str) -> dict[CellId, Value]:
    out: dict[CellId, Value] = {}
    for row, col, raw, where in triples:
        cid = _cell_id(row, col, source)
        if cid in out:
            raise InputError(source, where, "重复填写")
        value = cell_value(cid, raw, source, where)
        if value is not None:
            out[cid] = value
    return out


def from_mapping(data: object, source: str) -> WriterInput:
    """Validate parsed YAML (a mapping with Chinese keys) into a ``WriterInput``."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(source, "", "内容应为键值对（机关、机关类型、表二、正文）")
    unknown = [str(k) for k in data if k not in (KEY_AGENCY, KEY_KIND, KEY_TABLE, KEY_PROSE)]
    if unknown:
        raise InputError(source, unknown[0], f"不认识的项（可用：{KEY_AGENCY}、{KEY_KIND}、{KEY_TABLE}、{KEY_PROSE}）")
    out = WriterInput(source)
    if data.get(KEY_AGENCY) is not None:
        out.agency = str(data[KEY_AGENCY]).strip() or None
    if data.get(KEY_KIND) is not None:
        out.entity_type = _kind(data[KEY_KIND], source)
    table = data.get(KEY_TABLE) or {}
    if not isinstance(table, Mapping):
        raise InputError(source, KEY_TABLE, "应为“项目: {栏目: 数值}”的键值对")
    triples = []
    for row, cols in table.items():
        if not isinstance(cols, Mapping):
            raise InputError(source, f"{KEY_TABLE}.{row}", "应为“栏目: 数值”的键值对")
        triples += [(str(row), str(col), raw, f"{KEY_TABLE}.{row}.{col}") for col, raw in cols.items()]
    out.proactive = _table(triples, source)
    prose = data.get(KEY_PROSE) or {}
    if not isinstance(prose, Mapping):
        raise InputError(source, KEY_PROSE, "应为“部分: 文字”的键值对，如 一: ……")
    for key, text in prose.items():
        where = f"{KEY_PROSE}.{key}"
        number = section_number(key, source, where)
        if number in out.sections:
            raise InputError(source, where, "重复填写")
        if text is not None and not isinstance(text, str):
            raise InputError(source, where, "应为文字")
        if text and text.strip():
            out.sections[number] = text.strip()
    return out


def _exact(loader: Any, node: Any) -> object:
    """A YAML float as the Decimal it spells: 1.2500 stays four places (a float would print 1.25)."""
    text = loader.construct_scalar(node)
    try:
        return Decimal(text)
    except InvalidOperation:
        return text  # .inf, .nan: refused as no number by cell_value


def load_yaml(data: bytes, source: str) -> WriterInput:
    """Read a YAML input (numbers with a point are read as exact decimals)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:float", _exact)
    try:
        parsed = yaml.load(data.decode("utf-8-sig"), Loader=Loader)  # a SafeLoader subclass
    except UnicodeDecodeError:
        raise InputError(source, "", "不是 UTF-8 编码的文本") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise InputError(source, where, "YAML 格式有误") from None
    return from_mapping(parsed, source)


def _sheet_rows(book: object, name: str) -> list[tuple[int, list[object]]]:
    sheet = book[name]  # type: ignore[index]
    rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number == 1 or not any(v is not None and str(v).strip() for v in row):
            continue  # the header line, empty lines
        rows.append((number, list(row)))
    return rows


def load_xlsx(data: bytes, source: str) -> WriterInput:
    """Read an XLSX input: sheets 表二 (信息内容 | 栏目 | 数值), 正文 (部分 | 内容), 机关 (项目 | 值)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise InputError(source, "", "不是可读取的 XLSX 工作簿") from None
    mapping: dict[str, object] = {}
    names = set(book.sheetnames)
    unknown = sorted(names - {KEY_AGENCY, KEY_TABLE, KEY_PROSE})
    if unknown:
        raise InputError(
            source, f"工作表“{unknown[0]}”", f"不认识的工作表（可用：{KEY_AGENCY}、{KEY_TABLE}、{KEY_PROSE}）"
        )
    if KEY_AGENCY in names:
        for number, (key, value, *_rest) in _sheet_rows(book, KEY_AGENCY):
            if key not in (KEY_AGENCY, KEY_KIND):
                raise InputError(source, f"工作表“{KEY_AGENCY}”第{number}行", f"项目应为{KEY_AGENCY}或{KEY_KIND}")
            mapping[str(key)] = value
    out = from_mapping(mapping, source)
    if KEY_TABLE in names:
        triples = []
        for number, row in _sheet_rows(book, KEY_TABLE):
            padded = [*row, None, None, None][:3]
            item, col, raw = padded
            triples.append((str(item or "").strip(), str(col or "").strip(), raw, f"工作表“{KEY_TABLE}”第{number}行"))
        out.proactive = _table(triples, source)
    if KEY_PROSE in names:
        for number, row in _sheet_rows(book, KEY_PROSE):
            key, text = [*row, None, None][:2]
            where = f"工作表“{KEY_PROSE}”第{number}行"
            section = section_number(key, source, where)
            if text is not None and str(text).strip():
                previous = out.sections.get(section)
                out.sections[section] = f"{previous}\n{str(text).strip()}" if previous else str(text).strip()
    return out


def load_input(path: Path) -> WriterInput:
    """Read the input file (.yaml, .yml or .xlsx) named by ``path``; errors name the file and the field."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, "", f"无法读取（{exc.strerror or exc}）") from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_yaml(data, source)
    if suffix == ".xlsx":
        return load_xlsx(data, source)
    raise InputError(source, "", "输入文件应为 .yaml、.yml 或 .xlsx")


def input_yaml(report: AnnualReport) -> str:
    """An input file to edit: the report's agency and kind, table 二 as it stands (blank = null), its prose.

    ``gongkai write -o 输入.yaml`` writes the generated draft this way; read back with
    ``load_input`` it gives the same table 二 and sections.
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    def exact(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))

    def blank(dumper: yaml.SafeDumper, _value: None) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:null", "")

    Dumper.add_representer(str, text)
    Dumper.add_representer(type(None), blank)
    Dumper.add_representer(Decimal, exact)
    table: dict[str, dict[str, object]] = {}
    for (row, col), cid in CELLS_BY_WORDS.items():
        table.setdefault(row, {})[col] = report.proactive.get(cid)
    data: dict[str, object] = {KEY_AGENCY: report.agency}
    if report.entity_type in KINDS.values():
        data[KEY_KIND] = report.entity_type.zh
    data[KEY_TABLE] = table
    data[KEY_PROSE] = {
        NUMERALS[s.number - 1]: report.sections[s.number] for s in FORMAT_2021.sections if s.number in report.sections
    }
    head = (
        "# gongkai write 的输入：表二各项数字（留空即不填，不是0）和各部分文字。\n"
        f"# 改好后：gongkai write --year {report.year} --input 本文件 -o 年报.docx\n"
    )
    return head + yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
