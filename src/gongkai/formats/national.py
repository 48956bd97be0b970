"""The two national formats (2019 试行 and 2021) and the pre-2019 era, as data.

Sources: ``shared/domain/format-spec.md`` §2 (2021), §3 (2019), §4 (pre-2019).
Row and column ids follow ``shared/gold/README.md``.
"""

from __future__ import annotations

from .model import (
    AppealsView,
    ApplicationsView,
    Block,
    BlockLayout,
    ClosingRows,
    Column,
    Format,
    Identity,
    IdentityKind,
    ProactiveView,
    Row,
    RowGroup,
    Section,
    Table,
    TemplateWords,
)

WORDS = TemplateWords(
    report_title="政府信息公开工作年度报告",
    content_header="信息内容",
    balance_note="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    applicants_header="申请人情况",
    organisations_header="法人或其他组织",
    litigation_header="行政诉讼",
)

SECTIONS = (
    Section(1, "总体情况"),
    Section(2, "主动公开政府信息情况"),
    Section(3, "收到和处理政府信息公开申请情况"),
    Section(
        4,
        "政府信息公开行政复议、行政诉讼情况",
        variants=(
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "政府信息公开行政复议和行政诉讼情况",
        ),
    ),
    Section(
        5,
        "存在的主要问题及改进情况",
        variants=(
            "政府信息公开工作存在的主要问题及改进情况",
            "存在的问题及改进情况",
            "存在的主要问题及整改措施",
            "存在的主要问题和改进情况",
        ),
    ),
    Section(6, "其他需要报告的事项"),
)

# --- table 三: applications --------------------------------------------------

APPLICANT_COLUMNS = (
    Column("person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("nonprofit", "社会公益组织", variants=("社会组织", "社会公益")),
    Column("legal", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)

_HEAD_ROWS = (
    Row("new", "本年新收政府信息公开申请数量", "一、"),
    Row("carried", "上年结转政府信息公开申请数量", "二、"),
    Row("granted", "予以公开", "（一）"),
    Row("partial", "部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）", abbreviations=("部分公开",)),
    Row("deny_secret", "属于国家秘密", "1."),
    Row("deny_law", "其他法律行政法规禁止公开", "2."),
    Row("deny_safety", "危及“三安全一稳定”", "3."),
    Row("deny_third_party", "保护第三方合法权益", "4."),
    Row("deny_internal", "属于三类内部事务信息", "5."),
    Row("deny_process", "属于四类过程性信息", "6."),
    Row("deny_enforcement", "属于行政执法案卷", "7."),
    Row("deny_query", "属于行政查询事项", "8."),
    Row("unable_not_held", "本机关不掌握相关政府信息", "1."),
    Row("unable_create", "没有现成信息需要另行制作", "2."),
    Row("unable_unclear", "补正后申请内容仍不明确", "3."),
    Row("reject_petition", "信访举报投诉类申请", "1."),
    Row("reject_repeat", "重复申请", "2."),
    Row("reject_publication", "要求提供公开出版物", "3."),
    Row("reject_mass", "无正当理由大量反复申请", "4."),
    Row("reject_confirm", "要求行政机关确认或重新出具已获取信息", "5."),
)

_TAIL_ROWS = (
    Row("total", "总计", "（七）"),
    Row("carry_forward", "结转下年度继续办理", "四、"),
)

ROWS_2021 = (
    _HEAD_ROWS
    + (
        Row(
            "other_no_correction",
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "1.",
        ),
        Row(
            "other_no_fee",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "2.",
        ),
        Row("other_misc", "其他", "3.", fallbacks=("（六）其他处理",)),
    )
    + _TAIL_ROWS
)

ROWS_2019 = _HEAD_ROWS + (Row("other", "其他处理", "（六）"),) + _TAIL_ROWS

APPLICATION_HEADER = (WORDS.applicants_header, "自然人", WORDS.organisations_header, "总计") + tuple(
    c.label for c in APPLICANT_COLUMNS
)


def _groups(rows: tuple[Row, ...]) -> tuple[RowGroup, ...]:
    ids = [r.id for r in rows]

    def span(prefix: str) -> tuple[str, ...]:
        return tuple(i for i in ids if i.startswith(prefix))

    results = tuple(ids[ids.index("granted") : ids.index("total") + 1])
    groups = [
        RowGroup("三、本年度办理结果", results),
        RowGroup("（三）不予公开", span("deny_")),
        RowGroup("（四）无法提供", span("unable_")),
        RowGroup("（五）不予处理", span("reject_")),
    ]
    if "other_misc" in ids:
        groups.append(RowGroup("（六）其他处理", span("other_")))
    return tuple(groups)


def _applications(rows: tuple[Row, ...]) -> Table:
    block = Block(
        "applications",
        None,
        rows,
        APPLICANT_COLUMNS,
        header_words=APPLICATION_HEADER,
        total_column="total",
        groups=_groups(rows),
    )
    return Table("applications", "收到和处理政府信息公开申请情况", 3, (block,))


# --- table 四: appeals ---------------------------------------------------------

APPEAL_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

APPEALS = Table(
    "appeals",
    "政府信息公开行政复议、行政诉讼情况",
    4,
    (
        Block(
            "appeals",
            None,
            (
                Row("review", "行政复议", short="复议"),
                Row("suit_direct", "未经复议直接起诉", short="直接起诉"),
                Row("suit_after_review", "复议后起诉", short="复议后起诉"),
            ),
            APPEAL_COLUMNS,
            layout=BlockLayout.FLAT,
            header_words=(
                "行政复议",
                WORDS.litigation_header,
                "未经复议直接起诉",
                "复议后起诉",
                "结果维持",
                "结果纠正",
                "其他结果",
                "尚未审结",
                "总计",
            ),
        ),
    ),
)

# --- table 二: proactive disclosure --------------------------------------------

_DECISIONS_2021 = (Column("decisions", "本年处理决定数量"),)

PROACTIVE_2021 = Table(
    "proactive",
    "主动公开政府信息情况",
    2,
    (
        Block(
            "art20_1",
            "第二十条第（一）项",
            (
                Row("rules", "规章"),
                Row("normative", "行政规范性文件", variants=("规范性文件",)),
            ),
            (
                Column("issued", "本年制发件数"),
                Column("repealed", "本年废止件数"),
                Column("in_force", "现行有效件数"),
            ),
        ),
        Block("art20_5", "第二十条第（五）项", (Row("licensing", "行政许可"),), _DECISIONS_2021),
        Block(
            "art20_6",
            "第二十条第（六）项",
            (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
            _DECISIONS_2021,
        ),
        Block(
            "art20_8",
            "第二十条第（八）项",
            (Row("fees", "行政事业性收费"),),
            (Column("amount", "本年收费金额（单位：万元）", decimal=True, unit="万元"),),
        ),
    ),
)

_PREV_CHANGE = (
    Column("prev", "上一年项目数量"),
    Column("change", "本年增/减", signed=True),
)

PROACTIVE_2019 = Table(
    "proactive",
    "主动公开政府信息情况",
    2,
    (
        Block(
            "art20_1",
            "第二十条第（一）项",
            (Row("rules", "规章"), Row("normative", "规范性文件")),
            (
                Column("made", "本年新制作数量"),
                Column("published", "本年新公开数量"),
                Column("total", "对外公开总数量"),
            ),
        ),
        Block(
            "art20_5",
            "第二十条第（五）项",
            (Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
            _PREV_CHANGE + (Column("decisions", "处理决定数量"),),
        ),
        Block(
            "art20_6",
            "第二十条第（六）项",
            (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
            _PREV_CHANGE + (Column("decisions", "处理决定数量"),),
        ),
        Block("art20_8", "第二十条第（八）项", (Row("fees", "行政事业性收费"),), _PREV_CHANGE),
        Block(
            "art20_9",
            "第二十条第（九）项",
            (Row("procurement", "政府集中采购"),),
            (
                Column("items", "采购项目数量"),
                Column("amount", "采购总金额", decimal=True, unit="万元"),
            ),
        ),
    ),
)

# --- identities -----------------------------------------------------------------


def _applications_view(rows: tuple[Row, ...]) -> ApplicationsView:
    by_id = {r.id: r for r in rows}
    ids = [r.id for r in rows]
    outcomes = rows[ids.index("granted") : ids.index("total")]
    return ApplicationsView(
        table="applications",
        new=by_id["new"],
        carried=by_id["carried"],
        outcomes=outcomes,
        total=by_id["total"],
        carry_forward=by_id["carry_forward"],
        applicants=APPLICANT_COLUMNS[:-1],
        total_column=APPLICANT_COLUMNS[-1],
        closing=ClosingRows(
            by_id["partial"],
            by_id["unable_unclear"],
            by_id["reject_mass"],
            by_id["other_no_correction"],
            by_id["other_no_fee"],
            by_id["other_misc"],
            tuple(r for r in rows if r.id.startswith("deny_")),
        )
        if "other_misc" in by_id
        else None,
    )


_APPEAL_ROWS = APPEALS.blocks[0].rows
APPEALS_VIEW = AppealsView(
    table="appeals",
    review=_APPEAL_ROWS[0],
    suits=_APPEAL_ROWS[1:],
    results=APPEAL_COLUMNS[:4],
    decided=APPEAL_COLUMNS[:3],
    corrected=APPEAL_COLUMNS[1],
    total_column=APPEAL_COLUMNS[4],
)

_DOCUMENTS_2021 = PROACTIVE_2021.blocks[0]
PROACTIVE_VIEW_2021 = ProactiveView("proactive", _DOCUMENTS_2021.rows, *_DOCUMENTS_2021.columns)


def _identities(t3: ApplicationsView, t4: AppealsView) -> tuple[Identity, ...]:
    rows = (t3.new, t3.carried, *t3.outcomes, t3.total, t3.carry_forward)
    out: list[Identity] = []
    for col in t3.columns:
        out.append(
            Identity(
                IdentityKind.BALANCE,
                (t3.cell(t3.new, col), t3.cell(t3.carried, col)),
                (t3.cell(t3.total, col), t3.cell(t3.carry_forward, col)),
                f"“{col.label}”列",
            )
        )
    for row in rows:
        out.append(
            Identity(
                IdentityKind.ROW_TOTAL,
                tuple(t3.cell(row, c) for c in t3.applicants),
                (t3.cell(row),),
                f"“{row.numbered}”行",
            )
        )
    for col in t3.columns:
        out.append(
            Identity(
                IdentityKind.COLUMN_TOTAL,
                tuple(t3.cell(r, col) for r in t3.outcomes),
                (t3.cell(t3.total, col),),
                f"“{col.label}”列",
            )
        )
    for group in t4.groups:
        out.append(
            Identity(
                IdentityKind.APPEAL_TOTAL,
                tuple(t4.cell(group, c) for c in t4.results),
                (t4.cell(group),),
                f"“{group.label}”",
            )
        )
    return tuple(out)


_ANCHORS = ("本年新收政府信息公开申请数量", "第二十条第（一）项", "结转下年度继续办理")
APPLICATIONS_2021 = _applications_view(ROWS_2021)
APPLICATIONS_2019 = _applications_view(ROWS_2019)

FORMAT_2021 = Format(
    id="2021",
    name="政府信息公开工作年度报告格式（2021）",
    basis="国办公开办函〔2021〕30号",
    tables=(PROACTIVE_2021, _applications(ROWS_2021), APPEALS),
    sections=SECTIONS,
    signals=(
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "申请人逾期未按收费通知要求缴纳费用",
        "申请人无正当理由逾期不补正",
    ),
    identities=_identities(APPLICATIONS_2021, APPEALS_VIEW),
    first_year=2021,
    short_name="2021版",
    anchors=_ANCHORS,
    applications=APPLICATIONS_2021,
    appeals=APPEALS_VIEW,
    proactive=PROACTIVE_VIEW_2021,
    words=WORDS,
    fee_section=6,
)

FORMAT_2019 = Format(
    id="2019",
    name="政府信息公开工作年度报告格式（试行，2019）",
    basis="国办公开办函〔2019〕60号",
    tables=(PROACTIVE_2019, _applications(ROWS_2019), APPEALS),
    sections=SECTIONS,
    signals=(
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "第二十条第（九）项",
        "政府集中采购",
        "其他对外管理服务事项",
    ),
    identities=_identities(APPLICATIONS_2019, APPEALS_VIEW),
    first_year=2019,
    last_year=2020,
    short_name="2019版",
    anchors=_ANCHORS,
    applications=APPLICATIONS_2019,
    appeals=APPEALS_VIEW,
    words=WORDS,
)

FORMAT_PRE2019 = Format(
    id="pre2019",
    name="2019年以前的年度报告（无全国统一表格）",
    basis="《政府信息公开条例》（国务院令第492号）第三十二条",
    tables=(),
    sections=(),
    signals=(
        "回应解读情况",
        "收费及减免",
        "不予公开政府信息的情况",
        "咨询处理情况",
        "机构建设和保障经费",
        "会议和培训",
        "同意公开答复数",
        "维持具体行政行为数",
        "国务院令第492号",
    ),
    last_year=2018,
    short_name="2019年以前",
)

FORMATS = {f.id: f for f in (FORMAT_2021, FORMAT_2019, FORMAT_PRE2019)}
