"""Compose the annual report: the register's figures, the writer's input, the generated draft for the rest."""

from __future__ import annotations

from ..law.agencies import entity_type as agency_kind
from ..model import EntityType
from ..register.events import Application
from ..register.fees import FeeSummary
from ..register.tables import YearTables
from .draft import PROMPT_MARK, draft_sections, preamble, with_fee_statement
from .figures import RegisterSource, Timeliness, register_fees, register_tables, register_timeliness
from .inputs import NUMERALS, WriterInput
from .model import PROSE_SECTIONS, AnnualReport


def compose(
    agency: str,
    year: int,
    tables: YearTables,
    fees: FeeSummary,
    given: WriterInput | None = None,
    *,
    entity_type: EntityType | None = None,
    timeliness: Timeliness | None = None,
) -> AnnualReport:
    """The report of ``agency``'s ``year``: tables 三/四 and fees from the register, table 二 and prose given.

    The entity type (which decides the deadline) is the one asked for, else the input's, else
    what the agency's name tells. Without ``given`` the whole prose is the generated draft and
    table 二 is blank: the report is marked as a draft. A section the input leaves out gets its
    generated sentences (noted); section 六 always carries the fee statement.
    """
    kind = entity_type or (given.entity_type if given else None) or agency_kind(agency)
    proactive = dict(given.proactive) if given else {}
    generated = draft_sections(agency, year, proactive, tables, fees, timeliness)
    sections: dict[int, str] = {}
    notes: list[str] = []
    for number in PROSE_SECTIONS:
        text = given.sections.get(number) if given else None
        if text is None:
            if number in generated:
                sections[number] = generated[number]
                if given is not None:
                    notes.append(f"输入未提供第{NUMERALS[number - 1]}部分的文字，使用生成的草稿。")
            continue
        sections[number] = text
    sections[6] = with_fee_statement(sections.get(6, ""), fees)
    if given is not None:
        notes += [
            f"第{NUMERALS[n - 1]}部分仍有“{PROMPT_MARK}……）”提示，请改写后再发布。"
            for n in PROSE_SECTIONS
            if PROMPT_MARK in sections.get(n, "")
        ]
    sections[0] = preamble(agency, year)
    return AnnualReport(
        agency=agency,
        year=year,
        entity_type=kind,
        sections=sections,
        proactive=proactive,
        tables=tables,
        fees=fees,
        draft=given is None,
        notes=notes,
    )


class _ReadOnce:
    """The register's applications of an agency, loaded once for the three figures taken from them."""

    def __init__(self, repo: RegisterSource) -> None:
        self.repo = repo
        self.loaded: dict[str | None, list[Application]] = {}

    def applications(self, agency: str | None = None) -> list[Application]:
        if agency not in self.loaded:
            self.loaded[agency] = self.repo.applications(agency)
        return self.loaded[agency]


def compose_from_register(
    repo: RegisterSource,
    agency: str,
    year: int,
    given: WriterInput | None = None,
    *,
    entity_type: EntityType | None = None,
    frozen: YearTables | None = None,
) -> AnnualReport:
    """``compose`` with every register figure taken through ``figures`` (the register read once).

    ``frozen``: the year's tables as a snapshot froze them (``gongkai register snapshot``), which the
    report then prints instead of counting the register again.
    """
    repo = _ReadOnce(repo)
    tables = frozen if frozen is not None else register_tables(repo, agency, year)
    return compose(
        agency,
        year,
        tables,
        register_fees(repo, agency, year),
        given,
        entity_type=entity_type,
        timeliness=register_timeliness(repo, agency, year, tables),
    )
