"""Synthetic 2021-format reports: consistent table values rendered as a plain-text report.

Tests and benchmarks need many reports whose true cells are known. ``random_values``
draws a table set whose identities hold (勾稽关系, row and column totals, appeal
totals); ``render_text`` prints it the way a tab-separated text report prints it.
``SynthReport`` bundles both with an agency, a year and a publication date.

    >>> report = synth_report(agency="测试县人民政府", year=2022, seed=1)
    >>> text = report.text            # read_text(text) gives back report.values exactly
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..formats import FORMAT_2021, WORDS, AppealsView, ApplicationsView, BlockLayout, ProactiveView
from ..model import format_value

Values = dict[str, int | Decimal | None]

assert FORMAT_2021.applications and FORMAT_2021.appeals and FORMAT_2021.proactive
T2: ProactiveView = FORMAT_2021.proactive
T3: ApplicationsView = FORMAT_2021.applications
T4: AppealsView = FORMAT_2021.appeals
_APPLICANTS = tuple(c.id for c in T3.applicants)
_OUTCOMES = tuple(r.id for r in T3.outcomes)
_DOCUMENT_STOCK = (40, 200)  # the most 规章 and 规范性文件 in force a synthetic agency has
_SECTION_HEADINGS = {section.number: section.numbered for section in FORMAT_2021.sections}
# Sentences drawn at random for the prose, so two reports share little text unless asked to.
_PHRASES = (
    "坚持以习近平新时代中国特色社会主义思想为指导",
    "认真贯彻落实《中华人民共和国政府信息公开条例》",
    "围绕中心工作全面推进决策、执行、管理、服务、结果公开",
    "进一步规范依申请公开办理流程",
    "加强政府网站和政务新媒体日常监管",
    "严格落实信息发布三级审核制度",
    "扎实推进基层政务公开标准化规范化建设",
    "持续做好政策解读和回应关切工作",
    "组织开展政务公开业务培训",
    "及时更新法定主动公开内容",
    "优化政务公开专区服务功能",
    "强化政务公开工作考核评估",
    "畅通依申请公开受理渠道",
    "做好规章和规范性文件集中公开",
    "深化重点领域信息公开",
    "推进政府公报数字化建设",
    "完善政务公开工作机制",
    "加强保密审查",
    "提升公开实效",
    "聚焦群众关切",
)


_NAME_CHARS = "安宁平和东西南北阳山河川清源泰丰华兴长乐永福新康德明光远"
_LEVELS = ("县人民政府", "区人民政府", "市人民政府", "县发展和改革局", "区教育局", "县自然资源局", "市生态环境局")


def agency_name(number: int) -> str:
    """A distinct, plausible agency name for ``number`` (0, 1, 2, …)."""
    chars = len(_NAME_CHARS)
    place = _NAME_CHARS[number % chars] + _NAME_CHARS[(number // chars) % chars]
    rest = number // (chars * chars)
    level = _LEVELS[rest % len(_LEVELS)]
    extra = "" if rest < len(_LEVELS) else _NAME_CHARS[(rest // len(_LEVELS)) % chars]
    return place + extra + level


@dataclass(frozen=True, slots=True)
class SynthReport:
    agency: str
    year: int
    published: date
    values: Values
    text: str


def random_values(rng: random.Random, carried: dict[str, int] | None = None) -> Values:
    """Table values of one 2021-format report whose every identity holds.

    ``carried`` sets 上年结转 per applicant column (last year's 结转下年度), so a
    series of reports from one agency carries over correctly.
    """
    values: Values = {}
    for row, most in zip(T2.documents, _DOCUMENT_STOCK, strict=True):
        in_force = rng.randint(0, most)
        values[T2.cell(row, T2.issued)] = rng.randint(0, 10)
        values[T2.cell(row, T2.repealed)] = rng.randint(0, 5)
        values[T2.cell(row, T2.in_force)] = in_force
    proactive = FORMAT_2021.table(T2.table)
    for block in proactive.blocks[1:]:  # 许可, 处罚, 强制 decisions, then the 收费 amount
        for row in block.rows:
            for col in block.columns:
                values[proactive.cell(row.id, col.id)] = (
                    Decimal(rng.randint(0, 10**8)).scaleb(-4) if col.decimal else rng.randint(0, 20000)
                )
    _applications(rng, values, carried or {})
    for group in T4.groups:
        parts = [rng.choice((0, 0, 0, 1, 2, 5)) for _ in range(4)]
        for col, value in zip(T4.results, parts, strict=True):
            values[T4.cell(group, col)] = value
        values[T4.cell(group)] = sum(parts)
    return values


def _applications(rng: random.Random, values: Values, carried: dict[str, int]) -> None:
    for col in _APPLICANTS:
        busy = col == T3.person.id or rng.random() < 0.3
        outcomes = {row: (rng.choice((0, 0, 0, 1, 2, 3, 8, 20)) if busy else 0) for row in _OUTCOMES}
        closed = sum(outcomes.values())
        before = carried.get(col, 0)
        forward = rng.randint(0, 3) if busy else 0
        new = closed + forward - before
        if new < 0:  # more carried in than closed and carried on: close the surplus as granted
            outcomes[T3.granted.id] -= new
            closed -= new
            new = 0
        values[T3.cell(T3.new, col)] = new
        values[T3.cell(T3.carried, col)] = before
        for row, n in outcomes.items():
            values[T3.cell(row, col)] = n
        values[T3.cell(T3.total, col)] = closed
        values[T3.cell(T3.carry_forward, col)] = forward
    for each in (T3.new, T3.carried, *T3.outcomes, T3.total, T3.carry_forward):
        values[T3.cell(each)] = sum(values[T3.cell(each, c)] or 0 for c in _APPLICANTS)


def carried_forward(values: Values) -> dict[str, int]:
    """This year's 结转下年度 per applicant column: next year's 上年结转."""
    return {c: int(values.get(T3.cell(T3.carry_forward, c)) or 0) for c in _APPLICANTS}


def _prose(rng: random.Random, sentences: int) -> str:
    return "；".join(rng.sample(_PHRASES, k=min(sentences, len(_PHRASES)))) + "。"


def render_text(values: Values, agency: str, year: int, published: date, prose_seed: int = 0) -> str:
    """The report as tab-separated text, the way many published .txt reports print it."""
    rng = random.Random(prose_seed)
    total = values.get(T3.cell(T3.new))
    lines = [
        f"{agency}{year}年政府信息公开工作年度报告",
        "",
        f"本报告由{agency}根据《中华人民共和国政府信息公开条例》编制，数据统计期限自{year}年1月1日至{year}年12月31日。",
        "",
        _SECTION_HEADINGS[1],
        f"{year}年，{agency}{_prose(rng, 6)}全年共收到政府信息公开申请{format_value(total)}件。",
    ]
    for table in FORMAT_2021.tables:
        lines += ["", _SECTION_HEADINGS[table.section], ""]
        if table.id == T3.table:
            lines.append(WORDS.balance_note)
        for block in table.blocks:
            if block.layout is BlockLayout.FLAT:
                heads = [c.label for c in block.columns]
                cells = [format_value(values.get(table.cell(r.id, c.id))) for r in block.rows for c in block.columns]
                lines += [
                    f"{T4.review.label}\t{WORDS.litigation_header}",
                    "\t".join([*heads, *(s.label for s in T4.suits)]),
                ]
                lines += ["\t".join(heads * 2), "\t".join(cells)]
            else:
                if block.caption:
                    lines.append(block.caption)
                lines.append(
                    "\t".join([WORDS.content_header if block.caption else "项目", *[c.label for c in block.columns]])
                )
                for row in block.rows:
                    cells = [format_value(values.get(table.cell(row.id, c.id))) for c in block.columns]
                    lines.append("\t".join([row.number + row.label, *cells]))
            lines.append("")
    lines += [
        _SECTION_HEADINGS[5],
        f"存在的主要问题：{_prose(rng, 3)}改进情况：{_prose(rng, 4)}",
        "",
        _SECTION_HEADINGS[6],
        "本机关未收取信息处理费。",
        "",
        agency,
        f"{published.year}年{published.month}月{published.day}日",
    ]
    return "\n".join(lines) + "\n"


def synth_report(
    agency: str,
    year: int,
    seed: int,
    carried: dict[str, int] | None = None,
    prose_seed: int | None = None,
) -> SynthReport:
    """One consistent report; pass last year's ``carried_forward(values)`` for a series."""
    rng = random.Random(seed)
    values = random_values(rng, carried)
    published = date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    text = render_text(values, agency, year, published, seed if prose_seed is None else prose_seed)
    return SynthReport(agency, year, published, values, text)


def synth_series(agency: str, years: range | list[int], seed: int) -> list[SynthReport]:
    """Reports of one agency over several years, each carrying over last year's open applications."""
    out: list[SynthReport] = []
    carried: dict[str, int] | None = None
    for i, year in enumerate(years):
        report = synth_report(agency, year, seed * 1000 + i, carried)
        carried = carried_forward(report.values)
        out.append(report)
    return out
