"""A user's % and _ in the agency filter are letters, not LIKE wildcards."""

from __future__ import annotations

from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.store.repository import Repository
from gongkai.store.views import ReportFilter

from ..conftest import CORPUS, shared_or_skip


def test_wildcards_in_the_agency_filter_match_only_themselves(repository: Repository) -> None:
    ingest([shared_or_skip(CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt")], repository, InlineExecutor())
    assert repository.count_reports(ReportFilter(agency="阳泉")) == 1
    assert repository.count_reports(ReportFilter(agency="%")) == 0
    assert repository.count_reports(ReportFilter(agency="阳_市")) == 0
    assert repository.count_reports(ReportFilter(agency="阳泉市人民政府")) == 1
