"""FastAPI dependencies shared by the routers: the repository, the settings, the report filter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Path, Query, Request

from ..check import RULES, Severity
from ..formats import FORMATS
from ..model import EntityType
from ..store.repository import Repository
from ..store.views import REVIEW_STATUSES, ReportFilter
from .settings import WebSettings


async def get_repo(request: Request) -> Repository:
    return request.app.state.repo  # type: ignore[no-any-return]


async def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


Repo = Annotated[Repository, Depends(get_repo)]
Settings = Annotated[WebSettings, Depends(get_settings)]


@dataclass(frozen=True, slots=True)
class Selection:
    """The report filter as the query string states it (shared by list, dashboard and export)."""

    agency: str | None = None
    year: int | None = None
    format: str | None = None
    level: str | None = None
    errors: str | None = None  # "1": with errors, "0": without
    rule: str | None = None  # reports with a finding of this rule, severity and review status
    severity: str | None = None
    review_status: str | None = None
    region: str | None = None  # a region's subtree, e.g. 江苏省淮安市

    def to_filter(self) -> ReportFilter:
        has_errors = {"1": True, "0": False}.get(self.errors or "")
        return ReportFilter(
            agency=self.agency or None,
            years=(self.year,) if self.year else None,
            format=self.format or None,
            level=self.level or None,
            has_errors=has_errors,
            rule=self.rule or None,
            severity=self.severity or None,
            review_status=self.review_status or None,
            region=self.region or None,
        )

    def params(self) -> dict[str, str]:
        raw = {
            "agency": self.agency,
            "year": str(self.year) if self.year else None,
            "format": self.format,
            "level": self.level,
            "errors": self.errors,
            "rule": self.rule,
            "severity": self.severity,
            "review_status": self.review_status,
            "region": self.region,
        }
        return {k: v for k, v in raw.items() if v}

    def query(self, **extra: object) -> str:
        """The selection (plus ``extra``) as a query string, for links that keep it."""
        params: dict[str, object] = {**self.params(), **{k: v for k, v in extra.items() if v not in (None, "")}}
        return urlencode(params)

    def cache_key(self) -> tuple[object, ...]:
        return (
            self.agency or None,
            self.year,
            self.format or None,
            self.level or None,
            self.errors or None,
            self.rule or None,
            self.severity or None,
            self.review_status or None,
            self.region or None,
        )


_FORMAT_IDS = f"^({'|'.join(FORMATS)})?$"
_LEVELS = f"^({'|'.join(e.value for e in EntityType)})?$"
MAX_ID = 2_147_483_647  # the database's integer ids; a larger one names no report (422, not an overflow)
ReportPath = Annotated[int, Path(ge=1, le=MAX_ID, description="报告编号")]
"""A report id in a URL path."""

_RULE_IDS = f"^({'|'.join(map(re.escape, RULES))})?$"
_SEVERITIES = f"^({'|'.join(s.value for s in Severity)})?$"
_REVIEW_STATUSES = f"^({'|'.join(REVIEW_STATUSES)})?$"


async def selection(
    agency: Annotated[str | None, Query(max_length=100, description="机关名称的一部分")] = None,
    year: Annotated[str | None, Query(pattern="^([0-9]{4})?$", description="年度（四位数字）")] = None,
    format: Annotated[str | None, Query(pattern=f"^({'|'.join(FORMATS)})?$", description="格式")] = None,
    level: Annotated[
        str | None, Query(pattern=f"^({'|'.join(e.value for e in EntityType)})?$", description="层级")
    ] = None,
    errors: Annotated[str | None, Query(pattern="^[01]?$", description="1 有错误，0 无错误")] = None,
    rule: Annotated[str | None, Query(pattern=_RULE_IDS, description="有此规则问题的报告")] = None,
    severity: Annotated[str | None, Query(pattern=_SEVERITIES, description="有此严重程度问题的报告")] = None,
    review_status: Annotated[
        str | None, Query(pattern=_REVIEW_STATUSES, description="有此审核状态问题的报告（open 待审 …）")
    ] = None,
    region: Annotated[str | None, Query(max_length=80, description="地区（含下级），如 江苏省淮安市")] = None,
) -> Selection:
    year_number = int(year) if year else None  # an empty select sends year=
    return Selection(
        agency=(agency or "").strip() or None,
        year=year_number,
        format=format,
        level=level,
        errors=errors,
        rule=rule or None,
        severity=severity or None,
        review_status=review_status or None,
        region=(region or "").strip() or None,
    )


Selected = Annotated[Selection, Depends(selection)]
