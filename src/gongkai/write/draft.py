"""The generated draft: each section's standard sentences, every number taken from the figures.

The sentences use the words the narrative rules read (``formats/narrative.py``: 新收…申请N件,
上年结转…N件, 办结…N件, 结转下年度继续办理N件, 行政复议N件, 行政诉讼N件, 制发规章N件 …), so a
writer who edits a number out of step with a table is caught by the checker. Parts with nothing
the figures can say are left as bracketed prompts (no number in them).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..formats import FORMAT_2021, CellId
from ..formats.model import Row
from ..model import format_value
from ..register.events import T3, T4
from ..register.fees import FeeSummary
from ..register.tables import YearTables
from .figures import Timeliness
from .model import PROACTIVE, Value

_STOCK = FORMAT_2021.proactive


def preamble(agency: str, year: int) -> str:
    """The customary opening paragraph (who compiled it, what it covers, the statistical period)."""
    return (
        f"本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求，由{agency}编制。"
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况以及其他需要报告的事项。"
        f"本年度报告中所列数据统计期限从{year}年1月1日到{year}年12月31日止。"
    )


def _n(tables: YearTables, cid: str) -> int:
    return tables.value(cid)


def proactive_sentence(proactive: Mapping[CellId, Value]) -> str | None:
    """制发 / 现行有效 规章 and 规范性文件, 许可 / 处罚 / 强制 decisions — only the figures given."""
    parts: list[str] = []
    if _STOCK is not None:
        for row in _STOCK.documents:
            for verb, column in (("制发", _STOCK.issued), ("废止", _STOCK.repealed), ("现行有效", _STOCK.in_force)):
                value = proactive.get(_STOCK.cell(row, column))
                if value is not None:
                    parts.append(f"{verb}{row.label}{format_value(value)}件")
    for block in PROACTIVE.blocks:
        for row in block.rows:
            for column in block.columns:
                cid = PROACTIVE.cell(row.id, column.id)
                value = proactive.get(cid)
                if value is None or (_STOCK is not None and row in _STOCK.documents):
                    continue
                if column.decimal:
                    parts.append(f"{row.label}金额{format_value(value)}万元")
                else:
                    parts.append(f"作出{row.label}决定{format_value(value)}件")
    if not parts:
        return None
    return "本年度" + "，".join(parts) + "。"


def applications_sentence(tables: YearTables, timeliness: Timeliness | None) -> str:
    """Received, carried over, closed (with 予以公开), carried forward, on time."""
    new, carried = _n(tables, T3.cell(T3.new)), _n(tables, T3.cell(T3.carried))
    closed, forward = _n(tables, T3.cell(T3.total)), _n(tables, T3.cell(T3.carry_forward))
    granted = _n(tables, T3.cell(T3.granted))
    text = (
        f"本年度新收政府信息公开申请{new}件，上年结转政府信息公开申请{carried}件；"
        f"办结政府信息公开申请{closed}件，其中{T3.granted.label}{granted}件；"
        f"结转下年度继续办理{forward}件。"
    )
    if timeliness is not None and closed:
        text += f"已办结的申请中，在法定期限内答复{timeliness.on_time}件"
        text += f"，超过法定期限答复{timeliness.late}件。" if timeliness.late else "，均在法定期限内答复。"
    return text


def appeals_sentence(tables: YearTables) -> str:
    """Reviews and lawsuits with their results (结果维持 / 纠正 / 其他 / 尚未审结)."""
    reviews = _n(tables, T4.cell(T4.review))
    suits = sum(_n(tables, T4.cell(s)) for s in T4.suits)

    def results(groups: tuple[Row, ...]) -> str:
        counts = [(c.label, sum(_n(tables, T4.cell(g, c)) for g in groups)) for c in T4.results]
        shown = [f"{label}{n}件" for label, n in counts if n]
        return "，其中" + "、".join(shown) if shown else ""

    if not reviews and not suits:
        return "本年度未发生因政府信息公开被申请行政复议或者被提起行政诉讼的情况。"
    return (
        f"本年度因政府信息公开被申请行政复议{reviews}件{results((T4.review,))}；"
        f"被提起行政诉讼{suits}件{results(T4.suits)}。"
    )


PROMPT_MARK = "（请填写："  # a part the figures cannot say: the writer must replace it

PROMPTS = {
    1: (
        "（三）政府信息管理。（请填写：政府信息公开审查、政策解读、信息发布的制度和做法。）",
        "（四）政府信息公开平台建设。（请填写：政府网站、政务新媒体、公开专区等平台建设情况。）",
        "（五）监督保障。（请填写：工作考核、社会评议、责任追究和培训情况。）",
    ),
    5: (
        "（请填写：本年度政府信息公开工作存在的主要问题，以及上年度问题的改进情况。）",
        "（请填写：下一年度的改进措施。）",
    ),
}


def draft_sections(
    agency: str,
    year: int,
    proactive: Mapping[CellId, Value],
    tables: YearTables,
    fees: FeeSummary,
    timeliness: Timeliness | None = None,
) -> dict[int, str]:
    """Each prose section's generated text (sections 二–四 print only their tables)."""
    overview = [f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。"]
    active = proactive_sentence(proactive)
    overview.append("（一）主动公开。" + (active or "（请填写：主动公开政府信息的情况。）"))
    overview.append("（二）依申请公开。" + applications_sentence(tables, timeliness) + appeals_sentence(tables))
    overview += PROMPTS[1]
    return {1: "\n".join(overview), 5: "\n".join(PROMPTS[5]), 6: fee_statement(fees)}


def fee_statement(fees: FeeSummary) -> str:
    """Section 六's 信息处理费 sentence from the fee records (国办函〔2020〕109号)."""
    return fees.sentence()


def with_fee_statement(text: str, fees: FeeSummary) -> str:
    """Section 六 as the writer gave it, led by the fee statement unless it already carries it verbatim."""
    sentence = fee_statement(fees)
    return text if sentence in text else f"{sentence}\n{text}" if text.strip() else sentence
