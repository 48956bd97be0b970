"""An agency's Excel register (台账) read into applications, every bad row reported, nothing guessed.

Two shapes are read:

- a **台账** as agencies keep it: one application a row under Chinese headers (登记号, 收到方式,
  收到时间, 申请人类型, …) with the handling dates in columns (补正告知日期, 答复日期, 送达日期 …);
  each filled date becomes the event it records (``ROW_EVENTS``);
- gongkai's own export (``export/register.py``): the same applications sheet plus a sheet of every
  event (``EVENT_COLUMNS``); the events then come from that sheet, exactly, and the handling
  columns of the applications sheet (derived from them) are not read.

Headers match whatever spaces, full-width punctuation or a parenthesised unit they carry, and
the synonyms of ``FIELDS``. Dates may be Excel dates, ISO text, 2025年3月5日, 2025.3.5 or
2025/3/5. A bad row is reported with its sheet, row number, column and a Chinese reason; the
caller imports nothing while any row is bad. An imported event is taken as entered on the day it
happened (the 台账 was kept at the time) unless ``recorded`` says otherwise.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from ..formats import FORMAT_2021, Row
from .events import (
    CLOSING,
    DELIVERY,
    PARTIES,
    T3,
    Applicant,
    Application,
    Channel,
    Event,
    EventKind,
    RegisterError,
    validate_application,
)
from .fees import FeeBasis

HEADER_SCAN = 10  # a 台账 often has a title line or two above its header row
APPLICATIONS_SHEET = "申请"
EVENTS_SHEET = "事件"


@dataclass(frozen=True, slots=True)
class Field:
    """A column of the register workbook: the header written on export and the synonyms read."""

    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


# Every column the register reads or writes, with the other names agencies give it (one table).
FIELDS: tuple[Field, ...] = (
    Field("agency", "机关", ("机关名称", "受理机关", "办理机关", "单位")),
    Field("number", "登记号", ("编号", "登记编号", "申请编号", "受理编号", "申请登记号"), required=True),
    Field("channel", "收到方式", ("渠道", "收到渠道", "申请渠道", "申请方式", "提交方式", "来源渠道"), required=True),
    Field(
        "arrived", "收到时间", ("收到日期", "到达时间", "到达日期", "申请时间", "申请日期", "收件日期"), required=True
    ),
    Field("receipt", "收到申请之日", ("确认收到日期", "确认日期", "确认收到申请日期")),
    Field("applicant_type", "申请人类型", ("申请人类别", "申请人性质", "申请主体类型"), required=True),
    Field("name", "申请人姓名/名称", ("申请人", "申请人姓名", "申请人名称", "姓名", "名称")),
    Field("id_number", "证件号码", ("身份证号", "身份证号码", "证件号", "统一社会信用代码")),
    Field("contact", "联系方式", ("联系电话", "电话", "手机", "手机号码", "通讯地址")),
    Field("agent", "代理人", ("委托代理人", "代理人姓名")),
    Field(
        "request", "申请内容", ("所需信息", "所需政府信息", "申请公开内容", "申请公开的内容", "申请事项", "内容描述")
    ),
    Field("form", "获取方式", ("获取信息方式", "获取信息的方式", "提供方式", "载体形式", "信息载体")),
    Field("correction_requested", "补正告知日期", ("告知补正日期", "补正通知日期", "补正告知时间")),
    Field("correction_reply_by", "补正期限", ("补正截止日期", "补正截止日", "补正期限日期")),
    Field("correction_received", "补正收到日期", ("收到补正日期", "补正材料收到日期", "补正日期")),
    Field("consultation_sent", "征求意见日期", ("征求意见时间", "征求第三方意见日期")),
    Field("consultation_party", "征求意见对象", ("征求对象", "被征求意见方")),
    Field("consultation_answered", "收到意见日期", ("意见答复日期", "意见回复日期")),
    Field("extension", "延期日期", ("延期告知日期", "延期答复日期", "延长答复期限日期")),
    Field("extension_days", "延期天数", ("延期工作日", "延长工作日", "延长天数")),
    Field("fee_notice", "收费通知日期", ("收费告知日期", "缴费通知日期")),
    Field("fee_amount", "收费金额", ("收费", "信息处理费", "金额")),
    Field("fee_pages", "计费页数", ("页数", "信息页数", "收费页数")),
    Field("fee_paid", "缴费日期", ("缴费时间", "交费日期")),
    Field("decided", "答复日期", ("答复时间", "办结日期", "处理日期", "办理日期", "告知日期")),
    Field("outcome", "答复结果", ("处理结果", "办理结果", "答复类型", "答复情况")),
    Field("ground", "依据", ("答复依据", "法律依据", "理由", "不予公开理由")),
    Field("delivery_method", "送达方式", ("答复方式", "送达途径")),
    Field("delivered", "送达日期", ("送达时间",)),
    Field("archived", "归档日期", ("归档时间",)),
)
FIELD = {f.key: f for f in FIELDS}

# The events sheet of gongkai's own export: every event as entered.
EVENT_COLUMNS: tuple[Field, ...] = (
    Field("agency", "机关", ("机关名称",)),
    Field("number", "登记号", required=True),
    Field("event_id", "事件编号", required=True),
    Field("kind", "事件", ("事件类型",), required=True),
    Field("code", "事件代码"),
    Field("on", "发生日期", required=True),
    Field("recorded", "登记日期"),
    Field("data", "内容（JSON）", ("内容",)),
    Field("note", "说明"),
    Field("corrects", "更正事件"),
    Field("refers", "对应事件"),
    Field("by", "登记人"),
)

# Channel names agencies write, with the channel's own Chinese name and code also accepted.
# Plain 邮寄 is refused: the receipt date differs between a signed-for and an unsigned letter.
CHANNEL_NAMES: dict[str, Channel] = {
    "当面": Channel.IN_PERSON,
    "当面提交": Channel.IN_PERSON,
    "当面申请": Channel.IN_PERSON,
    "现场": Channel.IN_PERSON,
    "现场提交": Channel.IN_PERSON,
    "窗口": Channel.IN_PERSON,
    "窗口提交": Channel.IN_PERSON,
    "挂号信": Channel.POST_SIGNED,
    "挂号": Channel.POST_SIGNED,
    "EMS": Channel.POST_SIGNED,
    "快递": Channel.POST_SIGNED,
    "邮寄签收": Channel.POST_SIGNED,
    "平信": Channel.POST_UNSIGNED,
    "邮寄平信": Channel.POST_UNSIGNED,
    "转来": Channel.OTHER_UNIT,
    "其他单位转来": Channel.OTHER_UNIT,
    "本机关其他单位转来": Channel.OTHER_UNIT,
    "电子邮件": Channel.EMAIL,
    "邮件": Channel.EMAIL,
    "邮箱": Channel.EMAIL,
    "EMAIL": Channel.EMAIL,
    "传真": Channel.FAX,
    "网上": Channel.ONLINE,
    "网上申请": Channel.ONLINE,
    "网上平台": Channel.ONLINE,
    "在线": Channel.ONLINE,
    "在线申请": Channel.ONLINE,
    "网站": Channel.ONLINE,
    "政府网站": Channel.ONLINE,
    "依申请公开平台": Channel.ONLINE,
}
_AMBIGUOUS_POST = ("邮寄", "信函", "邮政")

# Applicant types agencies write besides table 三's own labels, by the column's place in the table.
APPLICANT_ALIASES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("个人", "公民", "群众")),
    (1, ("企业", "公司")),
    (2, ("科研院所", "高校", "高等院校")),
    (3, ("公益组织", "社会团体")),
    (4, ("律师事务所", "律所")),
    (5, ("其他组织", "其他法人或其他组织")),
)

DELIVERY_NAMES: dict[str, str] = {
    "当面": "in_person",
    "当面领取": "in_person",
    "当面送达": "in_person",
    "现场领取": "in_person",
    "自取": "in_person",
    "委托": "entrusted",
    "委托领取": "entrusted",
    "委托他人领取": "entrusted",
    "邮寄": "post",
    "邮政": "post",
    "挂号": "post",
    "EMS": "post",
    "电子邮件": "email",
    "邮件": "email",
    "网上": "online",
    "网上平台": "online",
    "在线": "online",
    "平台": "online",
}
PARTY_NAMES: dict[str, str] = {"第三方": "third_party", "机关": "agency", "其他机关": "agency", "行政机关": "agency"}

# Outcome words agencies write besides the national labels, by the closing role they name.
_WITHDRAWN = "withdrawn"
WITHDRAWAL_WORD = "申请人撤回"  # what the export writes as the outcome of a withdrawn application
OUTCOME_ALIASES: dict[str, str] = {
    "公开": T3.granted.id,
    "同意公开": T3.granted.id,
    "全部公开": T3.granted.id,
    "予以提供": T3.granted.id,
    "逾期不补正": CLOSING.no_correction.id,
    "逾期未补正": CLOSING.no_correction.id,
    "未补正": CLOSING.no_correction.id,
    "逾期未缴费": CLOSING.no_fee.id,
    "未缴费": CLOSING.no_fee.id,
    "撤回": _WITHDRAWN,
    "撤回申请": _WITHDRAWN,
    WITHDRAWAL_WORD: _WITHDRAWN,
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad cell (or row): where it is and why, in Chinese."""

    sheet: str
    row: int  # the spreadsheet's own row number
    column: str | None  # the header as written in the file
    reason: str

    def sentence(self) -> str:
        where = f"“{self.sheet}”表第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.reason}"

    def to_json(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass(slots=True)
class WorkbookReading:
    """What a register workbook holds: the applications (with their rows) or the problems."""

    applications: list[Application] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the row number of each application
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things true of good rows that the user should know
    events_sheet: bool = False  # the events came from an events sheet (gongkai's own export)
    sheet: str = APPLICATIONS_SHEET  # the applications sheet's name in the file
    headers: dict[str, str] = field(default_factory=dict)  # field key → its header as written in the file

    @property
    def ok(self) -> bool:
        return not self.problems


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def normalise_header(text: str) -> str:
    """A header as compared: NFKC, no spaces, no punctuation, upper case."""
    flat = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in flat if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ")


def _without_unit(text: str) -> str:
    return re.sub(r"[(（\[【].*?[)）\]】]", "", unicodedata.normalize("NFKC", text))


def _header_index(fields: Iterable[Field]) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields:
        for name in (f.header, *f.synonyms):
            out.setdefault(normalise_header(name), f.key)
    return out


def match_headers(headers: Sequence[object], fields: Sequence[Field]) -> dict[str, tuple[int, str]]:
    """Each field found among ``headers``: key → (column index, header as written); first match wins."""
    index = _header_index(fields)
    found: dict[str, tuple[int, str]] = {}
    for i, raw in enumerate(headers):
        if raw is None or not str(raw).strip():
            continue
        text = str(raw).strip()
        key = index.get(normalise_header(text)) or index.get(normalise_header(_without_unit(text)))
        if key is not None and key not in found:
            found[key] = (i, text)
    return found


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}[:：]\d{2}.*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_SERIALS = (1, 2_958_465)  # 1900-01-01 … 9999-12-31


def parse_date(value: object) -> date | None:
    """A cell as a date (None when empty); ``ValueError`` with a Chinese message when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_SERIALS[0] <= value <= _EXCEL_SERIALS[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()  # type: ignore[no-any-return]
        raise ValueError(f"无法识别的日期：{value!r}")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _DATE.match(text) or _COMPACT.match(text)
    if m is None:
        raise ValueError(f"无法识别的日期：{text!r}（可写成 2025-03-05、2025年3月5日、2025.3.5 或 2025/3/5）")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"不存在的日期：{text!r}") from None


def cell_text(value: object) -> str:
    """A cell as text: a whole number without its ``.0``, a date as ISO, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _key(text: str) -> str:
    return normalise_header(text)


def _channels() -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    for c in Channel:
        out[_key(c.zh)] = c
        out[_key(c.value)] = c
    for name, c in CHANNEL_NAMES.items():
        out[_key(name)] = c
    return out


_CHANNELS = _channels()


def parse_channel(text: str) -> Channel:
    """A channel by its Chinese name, a common synonym or its code; ``_Bad`` otherwise."""
    key = _key(text)
    if key in _CHANNELS:
        return _CHANNELS[key]
    if any(_key(word) in key for word in _AMBIGUOUS_POST):
        raise _Bad(f"“{text}”未说明是挂号/EMS（以签收之日为收到之日）还是平信（以确认之日为收到之日），请写明")
    raise _Bad(f"未知的收到方式“{text}”，可写：{'、'.join(c.zh for c in Channel)}")


def _applicant_types() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in T3.applicants:
        for name in (col.label, *col.variants, col.id):
            out[_key(name)] = col.id
    for place, names in APPLICANT_ALIASES:
        for name in names:
            out.setdefault(_key(name), T3.applicants[place].id)
    return out


_APPLICANT_TYPES = _applicant_types()
APPLICANT_LABEL = {c.id: c.label for c in T3.applicants}


def parse_applicant_type(text: str) -> str:
    """A table 三 applicant column by its label or a common synonym."""
    column = _APPLICANT_TYPES.get(_key(text))
    if column is None:
        raise _Bad(f"申请人类型“{text}”不是表三的申请人列：{'、'.join(c.label for c in T3.applicants)}")
    return column


def _groups() -> dict[str, str]:
    """Each outcome row in a sub-group → the group's label without its numbering (（三）不予公开 → 不予公开)."""
    block = FORMAT_2021.table(T3.table).blocks[0]
    out: dict[str, str] = {}
    for group in block.groups[1:]:
        for row_id in group.rows:
            out[row_id] = group.label
    return out


OUTCOME_GROUP = _groups()
OUTCOME_ROW: dict[str, Row] = {r.id: r for r in T3.outcomes}


def outcome_text(outcome: str) -> str:
    """An outcome row as the export writes it: its group and its numbered label (（三）不予公开—1.属于国家秘密)."""
    row = OUTCOME_ROW[outcome]
    group = OUTCOME_GROUP.get(outcome)
    return f"{group}—{row.numbered}" if group else row.numbered


def _outcome_names() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    labels: list[tuple[str, str]] = []
    for r in T3.outcomes:
        for name in (r.label, r.numbered, *r.variants, *r.abbreviations, outcome_text(r.id)):
            exact.setdefault(_key(name), r.id)
        for name in (r.label, *r.variants, *r.abbreviations):
            labels.append((_key(name), r.id))
    for name, target in OUTCOME_ALIASES.items():
        exact.setdefault(_key(name), target)
    labels.sort(key=lambda pair: -len(pair[0]))
    return exact, labels


_OUTCOME_EXACT, _OUTCOME_LABELS = _outcome_names()
_GROUP_WORDS = {_key(re.sub(r"^[（(][一二三四五六七八九十]+[)）]", "", g)): g for g in set(OUTCOME_GROUP.values())}


def parse_outcome(text: str) -> str:
    """A table 三 outcome row (or the withdrawal) from its national label, numbered label or an alias."""
    key = _key(text)
    if key in _OUTCOME_EXACT:
        return _OUTCOME_EXACT[key]
    if key in _GROUP_WORDS:
        rows = [OUTCOME_ROW[r].label for r, g in OUTCOME_GROUP.items() if g == _GROUP_WORDS[key]]
        raise _Bad(f"“{text}”须写明具体情形：{'、'.join(rows)}")
    inside = [row for label, row in _OUTCOME_LABELS if label and label in key]
    if inside:
        return inside[0]  # the longest label the cell contains
    around = {row for label, row in _OUTCOME_LABELS if len(key) >= 3 and key in label}
    if len(around) == 1:
        return around.pop()
    raise _Bad(f"答复结果“{text}”不是表三的办理结果行（例如：{'、'.join(r.label for r in T3.outcomes[:4])}……）")


def parse_delivery(text: str) -> str:
    key = _key(text)
    for code, zh in DELIVERY.items():
        if key in (_key(code), _key(zh)):
            return code
    for name, code in DELIVERY_NAMES.items():
        if _key(name) == key:
            return code
    raise _Bad(f"未知的送达方式“{text}”，可写：{'、'.join(DELIVERY.values())}")


def parse_party(text: str) -> str:
    key = _key(text)
    for code, zh in PARTIES.items():
        if key in (_key(code), _key(zh)):
            return code
    for name, code in PARTY_NAMES.items():
        if _key(name) == key:
            return code
    raise _Bad(f"征求意见对象应为第三方或其他机关：“{text}”")


def _amount(value: object) -> str:
    text = cell_text(value).replace(",", "").replace("，", "").removesuffix("元")
    try:
        number = float(unicodedata.normalize("NFKC", text))
    except ValueError:
        raise _Bad(f"收费金额应为元数：“{cell_text(value)}”") from None
    if number < 0 or not number.is_integer():
        raise _Bad(f"收费金额应为整元的非负数：“{cell_text(value)}”")
    return str(int(number))


# ---------------------------------------------------------------- the workbook


def _rows(sheet: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def _find_header(rows: list[tuple[object, ...]], fields: Sequence[Field], needed: Sequence[str]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SCAN]):
        found = match_headers(row, fields)
        if all(k in found for k in needed):
            return i
    return None


def _open(data: bytes | BinaryIO) -> object:
    import openpyxl

    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        return openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise RegisterError(f"无法作为 XLSX 工作簿打开（{type(exc).__name__}）：台账须为 .xlsx 文件") from None


def read_register_workbook(
    data: bytes | BinaryIO, *, agency: str | None = None, recorded: date | None = None
) -> WorkbookReading:
    """The applications of a register workbook (XLSX bytes or a binary stream), or every bad row.

    ``agency`` names the agency for rows without a 机关 column (and overrides nothing that a row
    states). ``recorded`` is the entry day given to imported events (default: each event's own
    day). ``RegisterError`` when the file is no workbook or has no applications sheet.
    """
    book = _open(data)
    try:
        sheets = [(ws.title, _rows(ws)) for ws in book.worksheets]  # type: ignore[attr-defined]
    finally:
        book.close()  # type: ignore[attr-defined]
    needed = [f.key for f in FIELDS if f.required]
    apps_sheet = next(
        ((title, rows, at) for title, rows in sheets if (at := _find_header(rows, FIELDS, needed)) is not None), None
    )
    if apps_sheet is None:
        names = "、".join(FIELD[k].header for k in needed)
        raise RegisterError(f"工作簿中没有申请台账：须有一张表，前 {HEADER_SCAN} 行内有列名 {names}")
    event_needed = [f.key for f in EVENT_COLUMNS if f.required]
    events_sheet = next(
        (
            (title, rows, at)
            for title, rows in sheets
            if title != apps_sheet[0] and (at := _find_header(rows, EVENT_COLUMNS, event_needed)) is not None
        ),
        None,
    )
    title, rows, at = apps_sheet
    reading = WorkbookReading(events_sheet=events_sheet is not None, sheet=title)
    columns = match_headers(rows[at], FIELDS)
    reading.headers = {key: written for key, (_i, written) in columns.items()}
    if "agency" not in columns and not agency:
        raise RegisterError("台账没有“机关”列：请指明机关名称（--agency）")
    seen: dict[tuple[str, str], int] = {}
    for offset, values in enumerate(rows[at + 1 :], start=at + 2):
        if all(cell_text(v) == "" for v in values):
            continue
        app = _read_row(title, offset, values, columns, agency, recorded, reading, with_events=events_sheet is None)
        if app is None:
            continue
        first = seen.get((app.agency, app.id))
        if first is not None:
            reading.problems.append(
                RowProblem(title, offset, columns["number"][1], f"登记号 {app.id} 与第 {first} 行重复")
            )
            continue
        seen[(app.agency, app.id)] = offset
        reading.applications.append(app)
        reading.rows.append(offset)
    if events_sheet is not None:
        _read_events(events_sheet, reading, recorded)
    if reading.problems:
        reading.applications, reading.rows = [], []
    return reading


def _cell(values: tuple[object, ...], columns: dict[str, tuple[int, str]], key: str) -> object:
    if key not in columns:
        return None
    i = columns[key][0]
    return values[i] if i < len(values) else None


def _read_row(
    sheet: str,
    line: int,
    values: tuple[object, ...],
    columns: dict[str, tuple[int, str]],
    agency: str | None,
    recorded: date | None,
    reading: WorkbookReading,
    *,
    with_events: bool,
) -> Application | None:
    problems: list[RowProblem] = []

    def bad(key: str, reason: str) -> None:
        problems.append(RowProblem(sheet, line, columns[key][1] if key in columns else FIELD[key].header, reason))

    def text(key: str) -> str:
        return cell_text(_cell(values, columns, key))

    def day(key: str) -> date | None:
        try:
            return parse_date(_cell(values, columns, key))
        except ValueError as exc:
            bad(key, str(exc))
            return None

    def parsed(key: str, parse: Callable[[str], str | Channel]) -> str | Channel | None:
        value = text(key)
        if not value:
            return None
        try:
            return parse(value)
        except _Bad as exc:
            bad(key, exc.reason)
            return None

    for f in FIELDS:
        if f.required and not text(f.key):
            bad(f.key, f"必填项“{f.header}”为空")
    number = text("number")
    arrived = day("arrived")
    channel = parsed("channel", parse_channel)
    column = parsed("applicant_type", parse_applicant_type)
    name = text("agency") or agency or ""
    if "agency" in columns and not text("agency") and not agency:
        bad("agency", "机关为空（或用 --agency 指明）")
    dates = {k: day(k) for k in _DATE_KEYS if with_events}
    facts = {k: parsed(k, p) for k, p in _PARSED.items() if with_events}
    amount = None
    if with_events and text("fee_amount"):
        try:
            amount = _amount(_cell(values, columns, "fee_amount"))
        except _Bad as exc:
            bad("fee_amount", exc.reason)
    if problems or arrived is None or not isinstance(channel, Channel) or not isinstance(column, str):
        reading.problems.extend(problems)
        return None
    who = Applicant(
        column, text("name") or None, text("id_number") or None, text("contact") or None, text("agent") or None
    )
    app = Application(number, name, channel, arrived, who, text("request"), text("form"))
    try:
        validate_application(app)
    except RegisterError as exc:
        bad("applicant_type", str(exc))
    if with_events and not problems:
        try:
            app = _row_events(app, dates, facts, amount, text, recorded, reading, line)
        except _RowEventProblem as exc:
            bad(exc.key, exc.reason)
    reading.problems.extend(problems)
    return None if problems else app


_DATE_KEYS = (
    "receipt",
    "correction_requested",
    "correction_reply_by",
    "correction_received",
    "consultation_sent",
    "consultation_answered",
    "extension",
    "fee_notice",
    "fee_paid",
    "decided",
    "delivered",
    "archived",
)
_PARSED = {"outcome": parse_outcome, "delivery_method": parse_delivery, "consultation_party": parse_party}


class _RowEventProblem(Exception):
    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason


def _order(dates: dict[str, date | None], later: str, earlier: str) -> None:
    a, b = dates.get(later), dates.get(earlier)
    if a is not None and b is not None and a < b:
        raise _RowEventProblem(later, f"{FIELD[later].header}（{a}）早于{FIELD[earlier].header}（{b}），顺序不可能")


def _needs(dates: dict[str, date | None], key: str, needed: str, facts: dict[str, object] | None = None) -> None:
    if dates.get(key) is not None and (facts or dates).get(needed) is None:
        raise _RowEventProblem(key, f"填写了{FIELD[key].header}，但{FIELD[needed].header}为空")


def _row_events(
    app: Application,
    dates: dict[str, date | None],
    facts: dict[str, str | Channel | None],
    amount: str | None,
    get: Callable[[str], str],
    recorded: date | None,
    reading: WorkbookReading,
    line: int,
) -> Application:
    """The events a 台账 row's dates imply, checked for an order the law allows (``get``: a column's text)."""
    for key in _DATE_KEYS:
        d = dates[key]
        if d is not None and key != "correction_reply_by" and d < app.arrived:
            raise _RowEventProblem(key, f"{FIELD[key].header}（{d}）早于收到时间（{app.arrived}），顺序不可能")
    outcome = facts["outcome"]
    if outcome is not None and dates["decided"] is None:
        raise _RowEventProblem("decided", f"填写了答复结果，但{FIELD['decided'].header}为空")
    if dates["decided"] is not None and outcome is None:
        raise _RowEventProblem("outcome", f"填写了答复日期，但{FIELD['outcome'].header}为空")
    _needs(dates, "correction_requested", "correction_reply_by")
    _needs(dates, "correction_received", "correction_requested")
    _needs(dates, "consultation_answered", "consultation_sent")
    _needs(dates, "fee_paid", "fee_notice")
    _needs(dates, "delivered", "decided")
    _needs(dates, "archived", "decided")
    if dates["consultation_sent"] is not None and facts["consultation_party"] is None:
        raise _RowEventProblem("consultation_party", "填写了征求意见日期，但未写征求意见对象（第三方或其他机关）")
    if dates["delivered"] is not None and facts["delivery_method"] is None:
        raise _RowEventProblem("delivery_method", "填写了送达日期，但送达方式为空")
    if dates["fee_notice"] is not None and amount is None:
        raise _RowEventProblem("fee_amount", "填写了收费通知日期，但收费金额为空")
    if dates["fee_notice"] is None and amount not in (None, "0"):
        raise _RowEventProblem("fee_notice", f"填写了收费金额 {amount} 元，但收费通知日期为空")
    pages = unicodedata.normalize("NFKC", get("fee_pages")).removesuffix("页")
    if pages and not pages.isdigit():
        raise _RowEventProblem("fee_pages", f"计费页数应为整数：“{get('fee_pages')}”")
    days = get("extension_days")
    if dates["extension"] is not None and not days:
        raise _RowEventProblem("extension_days", "填写了延期日期，但延期天数（工作日）为空")
    if days and not unicodedata.normalize("NFKC", days).isdigit():
        raise _RowEventProblem("extension_days", f"延期天数应为整数个工作日：“{days}”")
    for later, earlier in (
        ("correction_reply_by", "correction_requested"),
        ("correction_received", "correction_requested"),
        ("consultation_answered", "consultation_sent"),
        ("fee_paid", "fee_notice"),
        ("decided", "receipt"),
        ("decided", "correction_received"),
        ("decided", "consultation_answered"),
        ("decided", "fee_paid"),
        ("delivered", "decided"),
        ("archived", "decided"),
    ):
        _order(dates, later, earlier)
    if outcome == CLOSING.no_correction.id and dates["correction_requested"] is None:
        raise _RowEventProblem("outcome", "逾期不补正须有补正告知日期")
    if outcome == CLOSING.no_fee.id and dates["fee_notice"] is None:
        raise _RowEventProblem("outcome", "逾期未缴费须有收费通知日期")

    planned: list[tuple[date, int, EventKind, dict[str, str], str | None]] = []

    def plan(key: str, kind: EventKind, data: dict[str, str] | None = None, refers: str | None = None) -> None:
        d = dates[key]
        if d is not None:
            planned.append((d, len(planned), kind, data or {}, refers))

    if app.channel not in _CONFIRMING and dates["receipt"] not in (None, app.arrived):
        raise _RowEventProblem(
            "receipt", f"{app.channel.zh}以收到时间（{app.arrived}）为收到申请之日，而此处为 {dates['receipt']}"
        )
    if app.channel in _CONFIRMING and dates["receipt"] is not None:
        plan("receipt", EventKind.CONFIRMED)
    elif app.channel in _CONFIRMING:
        reading.notes.append(
            f"第 {line} 行（{app.id}）：{app.channel.zh}以确认之日为收到申请之日，台账未填“收到申请之日”，"
            "暂不起算，也不计入表三；确认后请追加“确认收到申请”事件"
        )
    if dates["correction_requested"] is not None:
        plan("correction_requested", EventKind.CORRECTION_REQUESTED, {"reply_by": str(dates["correction_reply_by"])})
    plan("correction_received", EventKind.CORRECTION_RECEIVED)
    plan("consultation_sent", EventKind.CONSULTATION_SENT, {"party": str(facts["consultation_party"])})
    plan("consultation_answered", EventKind.CONSULTATION_ANSWERED, refers="consultation_sent")
    if days:
        plan("extension", EventKind.EXTENSION, {"days": str(int(unicodedata.normalize("NFKC", days)))})
    if amount is not None:
        basis = {"basis": FeeBasis.PAGES.value, "pages": str(int(pages))} if pages else {}
        plan("fee_notice", EventKind.FEE_NOTICE, {"amount": amount, **basis})
    plan("fee_paid", EventKind.FEE_PAID)
    ground = get("ground")
    if outcome is not None:
        extra = {"ground": ground} if ground else {}
        if outcome == CLOSING.no_correction.id:
            plan("decided", EventKind.CORRECTION_LAPSED, extra)
        elif outcome == CLOSING.no_fee.id:
            plan("decided", EventKind.FEE_LAPSED, extra)
        elif outcome == _WITHDRAWN:
            plan("decided", EventKind.WITHDRAWN, extra)
        else:
            plan("decided", EventKind.DECIDED, {"outcome": str(outcome), **extra})
    if facts["delivery_method"] is not None:
        plan("delivered", EventKind.DELIVERED, {"method": str(facts["delivery_method"])})
    plan("archived", EventKind.ARCHIVED)
    ids: dict[EventKind, int] = {}
    for number, (on, _order_in_row, kind, data, refers) in enumerate(sorted(planned), start=1):
        target = ids.get(EventKind.CONSULTATION_SENT) if refers else None
        event = Event(number, kind, on, max(recorded or on, on), data, refers=target)
        ids[kind] = number
        try:
            app = app.with_event(event)
        except RegisterError as exc:
            raise _RowEventProblem(_KIND_KEY.get(kind, "decided"), str(exc)) from None
    return app


_CONFIRMING = (Channel.POST_UNSIGNED, Channel.OTHER_UNIT, Channel.FAX, Channel.ONLINE)
_KIND_KEY = {
    EventKind.CONFIRMED: "receipt",
    EventKind.CORRECTION_REQUESTED: "correction_requested",
    EventKind.CORRECTION_RECEIVED: "correction_received",
    EventKind.CONSULTATION_SENT: "consultation_sent",
    EventKind.CONSULTATION_ANSWERED: "consultation_answered",
    EventKind.EXTENSION: "extension",
    EventKind.FEE_NOTICE: "fee_notice",
    EventKind.FEE_PAID: "fee_paid",
    EventKind.DELIVERED: "delivered",
    EventKind.ARCHIVED: "archived",
}


def _event_kinds() -> dict[str, EventKind]:
    out: dict[str, EventKind] = {}
    for k in EventKind:
        out[_key(k.zh)] = k
        out[_key(k.value)] = k
    return out


_EVENT_KINDS = _event_kinds()


def _read_events(
    sheet: tuple[str, list[tuple[object, ...]], int], reading: WorkbookReading, recorded: date | None
) -> None:
    """The events sheet: each event appended, checked, to its application in event-number order."""
    title, rows, at = sheet
    columns = match_headers(rows[at], EVENT_COLUMNS)
    by_key = {(a.agency, a.id): i for i, a in enumerate(reading.applications)}
    by_number: dict[str, list[int]] = {}
    for i, a in enumerate(reading.applications):
        by_number.setdefault(a.id, []).append(i)
    found: list[tuple[int, int, int, Event]] = []

    def head(key: str) -> str:
        return columns[key][1] if key in columns else next(f.header for f in EVENT_COLUMNS if f.key == key)

    for line, values in enumerate(rows[at + 1 :], start=at + 2):
        if all(cell_text(v) == "" for v in values):
            continue

        def text(key: str, values: tuple[object, ...] = values) -> str:
            return cell_text(_cell(values, columns, key))

        def bad(key: str, reason: str, line: int = line) -> None:
            reading.problems.append(RowProblem(title, line, head(key), reason))

        number = text("number")
        if not number:
            bad("number", "必填项“登记号”为空")
            continue
        if text("agency"):
            target = by_key.get((text("agency"), number))
        else:
            matches = by_number.get(number, [])
            if len(matches) > 1:
                bad("number", f"登记号 {number} 在申请表中属于多个机关：事件表须有“机关”列")
                continue
            target = matches[0] if matches else None
        if target is None:
            bad("number", f"登记号 {number} 不在申请表中")
            continue
        kind = _EVENT_KINDS.get(_key(text("code"))) or _EVENT_KINDS.get(_key(text("kind")))
        if kind is None:
            bad("kind", f"未知的事件“{text('kind')}”")
            continue
        try:
            on = parse_date(_cell(values, columns, "on"))
            entered = parse_date(_cell(values, columns, "recorded"))
        except ValueError as exc:
            bad("on", str(exc))
            continue
        if on is None:
            bad("on", "必填项“发生日期”为空")
            continue
        try:
            event_id = int(text("event_id"))
            corrects = int(text("corrects")) if text("corrects") else None
            refers = int(text("refers")) if text("refers") else None
        except ValueError:
            bad("event_id", "事件编号、更正事件和对应事件应为整数")
            continue
        try:
            data = json.loads(text("data")) if text("data") else {}
        except json.JSONDecodeError:
            bad("data", "内容不是 JSON 对象")
            continue
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            bad("data", "内容应为由文字组成的 JSON 对象")
            continue
        when = entered or recorded or on
        event = Event(
            event_id, kind, on, when, {str(k): v for k, v in data.items()}, corrects, refers, text("by") or None
        )
        found.append((target, event_id, line, event))
    for i, _id, line, event in sorted(found, key=lambda t: (t[0], t[1])):
        try:
            reading.applications[i] = reading.applications[i].with_event(event)
        except RegisterError as exc:
            reading.problems.append(RowProblem(title, line, head("kind"), str(exc)))


def problems_text(problems: Iterable[RowProblem]) -> Iterator[str]:
    """Each problem as one Chinese sentence."""
    for p in problems:
        yield p.sentence()
