"""What a report's prose may state about its tables: measures, their phrasings, and the cells they equal.

A *measure* is a figure the text states ("共受理政府信息公开申请31件") together with
the table cells whose sum it must equal. Where usage allows more than one honest
reading ("收到申请75件" is 新收, or 新收 + 上年结转), a measure lists every reading;
the figure agrees when it equals any of them.

*Outcome names* are the words by which prose names the rows of table 三's
三、本年度办理结果 ("予以公开", "本机关不掌握", the group "无法提供"). A figure
after one or more of them ("予以公开及部分公开13件", "因本机关不掌握等原因无法提供2件")
states the sum of every row they name, each row counted once.

Generic measures (accepted, finished, rate) have no cells: they let the checker
compare a sentence's figures with each other, in any era's report.

Patterns run on the reader's normalised text (full-width folded, spaces and
quotes dropped, "，、；" as ","), and end in a group that captures the figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import AppealsView, ApplicationsView, CellId, Format, ProactiveView, Table

COUNT_UNIT = r"(?:件|起|宗|个|次)"
# a figure about more than this organ (全市收到申请…) or about other documents is not a table figure
OTHER_SCOPE = r"全省|全市|全区|全县|全旗|全州|全镇|全乡|各地|各级|各部门|各单位|各乡镇|各街道|系统内|全系统"


@dataclass(frozen=True, slots=True)
class Measure:
    """A figure the prose states, and the table cells it must equal."""

    id: str
    label: str  # how a message names it: "本年新收申请"
    pattern: str  # regex over normalised text; the last non-empty group is the figure
    readings: tuple[tuple[CellId, ...], ...] = ()  # cell sums the figure may honestly state; () = generic


@dataclass(frozen=True, slots=True)
class OutcomeName:
    """A phrase by which prose names outcome rows of table 三, and the rows' 总计 cells."""

    phrase: str  # regex over normalised text
    cells: tuple[CellId, ...]


@dataclass(frozen=True, slots=True)
class Narrative:
    measures: tuple[Measure, ...]
    outcome_names: tuple[OutcomeName, ...] = ()

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def readings(self, measure_id: str, own: tuple[tuple[str, ...], ...] = ()) -> tuple[tuple[str, ...], ...]:
        """The cell sums a stated figure may equal: its own (compound outcome phrases), else its measure's."""
        declared = self.measure(measure_id)
        return own or (declared.readings if declared else ())


def _app(prefix: str) -> str:
    return prefix + COUNT_UNIT


GENERIC = (
    Measure("accepted", "受理", r"受理[^\d。,:]{0,12}?(\d+)件"),
    Measure("finished", "办结", r"办结[^\d。,:率]{0,8}?(\d+)件"),
    Measure("rate", "办结率", r"办结率(\d+(?:\.\d+)?)%"),
)


def _application_measures(t3: ApplicationsView) -> tuple[Measure, ...]:
    new, carried, closed, forward = t3.cell(t3.new), t3.cell(t3.carried), t3.cell(t3.total), t3.cell(t3.carry_forward)
    return (
        Measure(
            "received",
            "本年新收申请",
            _app(r"(?:收到|受理|接收|接到|收)[^。,:]{0,16}?申请[^\d。,:]{0,6}?(\d+)"),
            ((new,), (new, carried)),
        ),
        Measure(
            "handled",
            "办理申请",
            r"办理[^。,:]{0,16}?申请[^\d。,:]{0,6}?(\d+)件|共办理(\d+)件",
            ((new,), (new, carried), (closed,)),
        ),
        Measure("closed", "办结申请（（七）总计）", r"办结[^\d。,:率]{0,8}?(\d+)件", ((closed,),)),
        Measure(
            "carried",
            "上年结转申请",
            r"(?:上年|上一年|上年度|2\d{3}年)结转[^\d。,:]{0,8}?(\d+)件",
            ((carried,),),
        ),
        Measure(
            "carried_forward",
            "结转下年度继续办理",
            r"结转(?:至|到)?下(?:一)?年度?(?:继续办理)?[^\d。,:]{0,4}?(\d+)件",
            ((forward,),),
        ),
    )


def _appeal_measures(t4: AppealsView) -> tuple[Measure, ...]:
    suits = tuple(t4.cell(s) for s in t4.suits)
    return (
        Measure(
            "reviews",
            "行政复议",
            r"行政复议(?:案件|申请)?(?:共|数|数量)?(?:为|有)?(\d+)" + COUNT_UNIT,
            ((t4.cell(t4.review),),),
        ),
        # "行政复议、行政诉讼案件5件" counts both together: not a lawsuit count
        Measure(
            "lawsuits",
            "行政诉讼",
            r"(?<!复议,)(?<!复议和)(?<!复议及)(?<!复议与)行政诉讼(?:案件)?(?:共|数|数量)?(?:为|有)?(\d+)" + COUNT_UNIT,
            (suits,),
        ),
    )


def _document_measures(stock: ProactiveView) -> tuple[Measure, ...]:
    """制发 / 废止 / 现行有效 规章 and 规范性文件 (only where the format counts the stock: 2021)."""
    rules, normative = stock.documents
    # 规范性文件, never 政策性文件 or 其他文件; 规章 never 规章制度 (internal rules)
    kinds = ((rules, r"(?:政府)?规章(?!制度)"), (normative, r"(?:行政)?规范性文件"))
    out: list[Measure] = []
    for row, noun in kinds:
        what = row.label
        out += [
            Measure(
                f"issued:{row.id}",
                f"本年制发{what}",
                r"(?:制发|制定|出台|印发|发布)(?:了|的)?(?:各类)?" + noun + r"(?:共)?(\d+)(?:件|部|个|份)",
                ((stock.cell(row, stock.issued),),),
            ),
            Measure(
                f"repealed:{row.id}",
                f"本年废止{what}",
                r"废止(?:了)?" + noun + r"(?:共)?(\d+)(?:件|部|个|份)",
                ((stock.cell(row, stock.repealed),),),
            ),
            Measure(
                f"in_force:{row.id}",
                f"现行有效{what}",
                r"现行有效(?:的)?" + noun + r"(?:共)?(?:为|有)?(\d+)(?:件|部|个|份)",
                ((stock.cell(row, stock.in_force),),),
            ),
        ]
    return tuple(out)


_DECISION_VERB = r"(?:作出|办理|办结|受理并办结)(?:了)?"


def _decision_measures(table: Table) -> tuple[Measure, ...]:
    """许可 / 处罚 / 强制 decisions ("作出行政处罚决定56件", "办理行政许可事项1234件"), and the fees amount.

    A count of items (事项N项, 类信息N条) is another thing: only 件, 个 and 份 count decisions.
    """
    out = [
        Measure(
            f"decisions:{row.id}",
            f"{row.label}决定",
            r"(?:作出|办理|办结|受理并办结)(?:了)?"
            + row.label
            + r"(?:处理)?(?:决定|案件|事项)?(?:共|数量为|数为)?(\d+)(?:件|个|份)",
            ((table.cell(row.id, "decisions"),),),
        )
        for block in table.blocks
        if any(c.id == "decisions" for c in block.columns)
        for row in block.rows
    ]
    if "proactive.fees.amount" in table.cell_ids():  # 2021: 本年收费金额（万元）
        out.append(
            Measure(
                "amount:fees",
                "行政事业性收费金额",
                r"行政事业性收费(?:金额|总额)?(?:共|合计|为|共计)?(\d+(?:\.\d+)?)万元",
                ((table.cell("fees", "amount"),),),
            )
        )
    return tuple(out)


def _outcome_names(t3: ApplicationsView) -> tuple[OutcomeName, ...]:
    """Names of outcome rows and of their groups; a group name stands for all its rows."""
    ids = [r.id for r in t3.outcomes]

    def rows(*wanted: str) -> tuple[CellId, ...]:
        return tuple(t3.cell(r) for r in wanted if r in ids)

    def group(prefix: str) -> tuple[CellId, ...]:
        return rows(*(r for r in ids if r.startswith(prefix)))

    names = (
        OutcomeName(r"(?<!不)予以公开|同意公开|全部公开", rows("granted")),
        OutcomeName(r"部分公开", rows("partial")),
        OutcomeName(r"不予公开", group("deny_")),
        OutcomeName(r"本机关不掌握(?:相关)?(?:政府)?(?:信息)?|信息不存在", rows("unable_not_held")),
        OutcomeName(r"无法提供", group("unable_")),
        OutcomeName(r"信访举报投诉类?(?:申请)?", rows("reject_petition")),
        OutcomeName(r"重复申请", rows("reject_repeat")),
        OutcomeName(r"不予处理", group("reject_")),
        OutcomeName(r"其他处理", group("other")),
    )
    return tuple(n for n in names if n.cells)


def narrative_of(fmt: Format) -> Narrative:
    """The prose vocabulary of a format: generic measures, and the table measures its tables allow."""
    measures: list[Measure] = list(GENERIC)
    names: tuple[OutcomeName, ...] = ()
    if fmt.applications is not None:
        measures += _application_measures(fmt.applications)
        names = _outcome_names(fmt.applications)
    if fmt.appeals is not None:
        measures += _appeal_measures(fmt.appeals)
    if fmt.proactive is not None:
        measures += _document_measures(fmt.proactive)
    for table in fmt.tables:
        if table.id == "proactive":
            measures += _decision_measures(table)
    return Narrative(tuple(measures), names)


_BY_FORMAT: dict[str, Narrative] = {}


def vocabulary(fmt: Format) -> Narrative:
    """The format's prose vocabulary, built once per format."""
    found = _BY_FORMAT.get(fmt.id)
    if found is None:
        found = _BY_FORMAT[fmt.id] = narrative_of(fmt)
    return found


def generic_vocabulary() -> Narrative:
    """The measures any report's prose is checked with, whatever its format (or none)."""
    return Narrative(GENERIC)
