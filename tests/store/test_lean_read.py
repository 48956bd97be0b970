"""The lean read path of a report page gives what the ORM path gave: findings, cells, the next report to review."""

from __future__ import annotations

from sqlalchemy import select

from gongkai.model import CellState, Placement
from gongkai.store.base import finding_row
from gongkai.store.models import StoredCell, StoredFinding, StoredReport
from gongkai.store.places import decode_place
from gongkai.store.repository import Repository
from gongkai.store.views import ReportFilter


def _ids(repository: Repository) -> list[int]:
    with repository.database.sessions() as session:
        return list(session.scalars(select(StoredReport.id).order_by(StoredReport.id)))


def test_findings_and_cells_as_the_orm_gave_them(stored: Repository) -> None:
    ids = _ids(stored)
    assert len(ids) > 10
    with stored.database.sessions() as session:
        for rid in ids:
            loaded = stored.load_report(rid)
            assert loaded is not None
            report, findings = loaded
            orm = session.scalars(
                select(StoredFinding).where(StoredFinding.report_id == rid).order_by(StoredFinding.id)
            )
            assert findings == [finding_row(f) for f in orm]
            for cell in session.scalars(select(StoredCell).where(StoredCell.report_id == rid)):
                shown = report.cells[cell.cell_id]
                assert shown.state is CellState(cell.state)
                place = decode_place(cell.place)
                placed = place.get("placement") if place else None
                assert shown.placement == (Placement.from_json(placed) if placed else None)


def _next_the_old_way(repository: Repository, rid: int, flt: ReportFilter) -> int | None:
    queue = [r.id for r in repository.review_queue(flt)]
    if rid in queue:
        at = queue.index(rid)
        rest = queue[at + 1 :] + queue[:at]
        return rest[0] if rest else None
    return queue[0] if queue else None


def test_the_next_report_to_review_is_the_queues(stored: Repository) -> None:
    ids = _ids(stored)
    for flt in (ReportFilter(), ReportFilter(years=(2021,)), ReportFilter(has_errors=True)):
        assert [stored.next_in_queue(rid, flt) for rid in ids] == [_next_the_old_way(stored, rid, flt) for rid in ids]
    # decisions move reports out of the queue: the answer follows
    rid = ids[0]
    for finding in stored.findings([rid])[rid]:
        if finding.status == "open":
            stored.set_review(rid, finding.fingerprint, "dismissed", reviewer="测试", reason="核对")
    assert [stored.next_in_queue(r) for r in ids] == [_next_the_old_way(stored, r, ReportFilter()) for r in ids]
