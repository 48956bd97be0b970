"""The agency registry: the organs a disclosure office answers for, and who of them has published.

Rows are keyed by the normalised agency key reports carry (``law.agencies.normalise_agency_key``),
so a report meets its organ whatever form of the name it prints. Rows come three ways (``origin``):
made by ``write`` from an ingested report whose key is not yet registered (``report``), imported
from a file (``import``) or set by a person (``edit``); a report never overwrites a row.

``under`` scopes are the agency itself and everything beneath it (parents followed down to any
depth); ``region`` scopes are a prefix of the run-together region (江苏省淮安市 covers its districts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from ..law.agencies import agency_region, clean_agency_name, entity_type, normalise_agency_key
from ..law.publication import standing
from ..law.regions import join_region
from ..model import EntityType
from .base import Part, chunks, like_prefix, now
from .links import regions_agree
from .models import Agency, StoredReport
from .views import AgencyEntry, AgencyRow, AgencyStanding, PublicationStatus

ORIGINS = ("report", "import", "edit")
KINDS = tuple(e.value for e in EntityType)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """An entry of an import that was stored with something left out, or not stored (by its position)."""

    index: int  # the entry's position in what was handed in
    message: str  # in Chinese
    stored: bool  # the entry was stored all the same (without what the message names)


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        choices = "、".join(f"{e.zh}（{e.value}）" for e in EntityType)
        raise StoreError(f"机关类型须为 {choices} 之一，而不是“{kind}”")


def _rows(session: Session, where: Iterable[Any] = ()) -> list[AgencyRow]:
    parent = Agency.__table__.alias("parent")
    query = (
        select(Agency, parent.c.key, parent.c.name)
        .outerjoin(parent, parent.c.id == Agency.parent_id)
        .where(*where)
        .order_by(Agency.name, Agency.key)
    )
    return [
        AgencyRow(
            id=a.id,
            key=a.key,
            name=a.name,
            kind=a.kind,
            parent_key=pkey,
            parent_name=pname,
            region=a.region,
            origin=a.origin,
            note=a.note,
            updated_at=a.updated_at,
        )
        for a, pkey, pname in session.execute(query)
    ]


def _subtree(session: Session, root: int) -> set[int]:
    """The ids of ``root`` and of everything beneath it."""
    links = session.execute(select(Agency.id, Agency.parent_id).where(Agency.parent_id.is_not(None))).all()
    children: dict[int, list[int]] = {}
    for child, parent in links:
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _depth(session: Session, row: Agency) -> int:
    depth, seen = 0, {row.id}
    while row.parent_id is not None and row.parent_id not in seen:
        parent = session.get(Agency, row.parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        row, depth = parent, depth + 1
    return depth


def _find(session: Session, key_or_name: str) -> Agency | None:
    """A registry row by its key, its exact name, or the key its name normalises to."""
    text = key_or_name.strip()
    if not text:
        return None
    for condition in (Agency.key == text, Agency.name == text, Agency.key == normalise_agency_key(text)):
        row = session.scalars(select(Agency).where(condition).order_by(Agency.id).limit(1)).first()
        if row is not None:
            return row
    return None


class Agencies(Part):
    """The agency registry: listing, editing, importing, and the year's publication status."""

    def list_agencies(
        self, *, under: str | None = None, region: str | None = None, kind: str | None = None
    ) -> list[AgencyRow]:
        """The registry, by name; narrowed to an agency's subtree, a region's subtree and a kind.

        Raises ``NotFound`` when ``under`` names no agency.
        """
        _check_kind(kind)
        with self.database.sessions() as session:
            where: list[Any] = []
            if under:
                root = _find(session, under)
                if root is None:
                    raise NotFound(f"机关名录中没有“{under}”")
                where.append(Agency.id.in_(sorted(_subtree(session, root.id))))
            if region:
                where.append(Agency.region.like(like_prefix(region), escape="\\"))
            if kind:
                where.append(Agency.kind == kind)
            return _rows(session, where)

    def agency(self, key_or_name: str) -> AgencyRow | None:
        """One registry row by key or name (or the key the name normalises to), or None."""
        with self.database.sessions() as session:
            found = _find(session, key_or_name)
            return _rows(session, [Agency.id == found.id])[0] if found else None

    def save_agency(self, entry: AgencyEntry, *, origin: str = "edit") -> AgencyRow:
        """Add an organ, or change the one with its key (or name): only what ``entry`` states changes.

        ``entry.parent`` ``""`` clears the parent; a region left unstated or empty follows the
        parent's region and the places the name gives (``law.regions.join_region``). Raises
        ``StoreError`` for an unknown kind, a parent not in the registry, or a parent that would
        make a cycle.
        """
        problems = self.import_agencies([entry], origin=origin, strict=True)
        assert not problems
        found = self.agency(entry.key or entry.name)
        assert found is not None
        return found

    def import_agencies(
        self, entries: Sequence[AgencyEntry], *, origin: str = "import", strict: bool = False
    ) -> list[ImportProblem]:
        """Store many organs in one transaction; parents may come later in ``entries`` than their children.

        An entry with an unknown kind is not stored; one whose parent is not found is stored
        without it. Each such entry is a problem in the list returned. With ``strict`` the first
        problem raises ``StoreError`` and nothing is stored.
        """
        if origin not in ORIGINS:
            raise StoreError(f"来源须为 {'、'.join(ORIGINS)} 之一")
        problems: list[ImportProblem] = []

        def problem(index: int, message: str, stored: bool = False) -> None:
            if strict:
                raise StoreError(message)
            problems.append(ImportProblem(index, message, stored))

        with self.database.sessions.begin() as session:
            at = now()
            placed: list[tuple[int, AgencyEntry, Agency]] = []
            named_only: set[int] = set()  # rows whose region is only what a report's name gave
            for index, entry in enumerate(entries):
                if entry.kind is not None and entry.kind not in KINDS:
                    problem(index, f"机关类型“{entry.kind}”不是 {'、'.join(KINDS)} 之一，未导入")
                    continue
                name = clean_agency_name(entry.name) if entry.name else ""
                if not name:
                    problem(index, "缺少机关名称，未导入")
                    continue
                key = (entry.key or "").strip() or normalise_agency_key(name)
                row = session.scalars(select(Agency).where(Agency.key == key)).first()
                if row is None and not entry.key:
                    row = _find(session, entry.name)
                if row is None:
                    row = Agency(
                        key=key,
                        name=entry.name.strip(),
                        kind=entry.kind or entity_type(name).value,
                        region=None,
                        origin=origin,
                        created_at=at,
                        updated_at=at,
                    )
                    session.add(row)
                else:
                    if row.origin == "report":
                        named_only.add(row.id)
                    row.name = entry.name.strip()
                    row.kind = entry.kind or row.kind
                    row.origin = origin
                    row.updated_at = at
                if entry.region is not None:
                    row.region = entry.region.strip() or None
                if entry.note is not None:
                    row.note = entry.note.strip() or None
                session.flush()
                placed.append((index, entry, row))
            for index, entry, row in placed:
                if entry.parent is None:
                    continue
                if not entry.parent.strip():
                    row.parent_id = None
                    continue
                parent = _find(session, entry.parent)
                if parent is None:
                    problem(index, f"上级机关“{entry.parent}”不在名录中，未设上级", stored=True)
                elif parent.id in _subtree(session, row.id):
                    problem(index, f"“{entry.parent}”是“{row.name}”本身或其下级，不能作为上级", stored=True)
                else:
                    row.parent_id = parent.id
                    session.flush()
            # a region left unstated follows the parent's and the name's places, parents first
            for _, entry, row in sorted(placed, key=lambda p: _depth(session, p[2])):
                if row.region is None or (entry.region is None and row.id in named_only):
                    parent = session.get(Agency, row.parent_id) if row.parent_id else None
                    own = row.region or agency_region(row.name)
                    row.region = join_region(parent.region if parent else None, own)
        return problems

    def update_agency(
        self,
        key_or_name: str,
        *,
        name: str | None = None,
        kind: str | None = None,
        parent: str | None = None,
        region: str | None = None,
        note: str | None = None,
    ) -> AgencyRow:
        """Change what is given of an organ; add it when it is absent.

        ``""`` clears the parent or the note; an empty region is worked out again from the
        parent's region and the places the name gives.
        """
        found = self.agency(key_or_name)
        entry = AgencyEntry(
            name=name or (found.name if found else key_or_name),
            key=found.key if found else None,
            kind=kind,
            parent=parent,
            region=region,
            note=note,
        )
        return self.save_agency(entry)

    def delete_agency(self, key_or_name: str) -> bool:
        """Remove an organ from the registry (its children keep no parent); False if there is none."""
        with self.database.sessions.begin() as session:
            found = _find(session, key_or_name)
            if found is None:
                return False
            session.execute(update(Agency).where(Agency.parent_id == found.id).values(parent_id=None))
            session.execute(delete(Agency).where(Agency.id == found.id))
        return True

    def publication_status(
        self, year: int, *, under: str | None = None, region: str | None = None, today: date | None = None
    ) -> PublicationStatus:
        """For each organ in scope: its current report on ``year`` with its printed date, on time or late, or missing.

        Of several current reports of one key and year, the one whose stated region agrees with
        the organ's and that was published first decides.
        """
        today = today or date.today()
        rows = self.list_agencies(under=under, region=region)
        keys = [r.key for r in rows]
        reports: dict[str, list[tuple[int, str | None, date | None]]] = {}
        with self.database.sessions() as session:
            for part in chunks(keys):
                for rid, key, stated, published in session.execute(
                    select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.published)
                    .where(
                        StoredReport.agency_key.in_(part),
                        StoredReport.year == year,
                        StoredReport.superseded_by.is_(None),
                    )
                    .order_by(StoredReport.id)
                ):
                    reports.setdefault(key or "", []).append((rid, stated, published))
        out = []
        for row in rows:
            own = [r for r in reports.get(row.key, []) if regions_agree(row.region, r[1])]
            own.sort(key=lambda r: (r[2] is None, r[2] or date.min, r[0]))
            report = own[0] if own else None
            judged = standing(
                year,
                EntityType(row.kind) if row.kind in KINDS else EntityType.OTHER,
                published=report is not None,
                published_on=report[2] if report else None,
                today=today,
            )
            report_id, published = (report[0], report[2]) if report else (None, None)
            out.append(AgencyStanding(row, judged.state, judged.deadline, judged.due, report_id, published))
        return PublicationStatus(year, today, tuple(out))


def register_reported(session: Session, reports: Sequence[dict[str, Any]]) -> int:
    """Give each reported agency key not yet in the registry a row (origin ``report``); how many were added.

    ``reports`` are report records (agency, agency_key, entity_type, region). Of several reports of
    one new key the one stating the longest region names the row. Rows already there are left alone.
    """
    best: dict[str, dict[str, Any]] = {}
    for rep in reports:
        key = rep.get("agency_key")
        if not key or not rep.get("agency"):
            continue
        held = best.get(key)
        if held is None or len(rep.get("region") or "") > len(held.get("region") or ""):
            best[key] = rep
    if not best:
        return 0
    known: set[str] = set()
    for part in chunks(sorted(best)):
        known.update(session.scalars(select(Agency.key).where(Agency.key.in_(part))))
    at = now()
    rows = [
        {
            "key": key,
            "name": rep["agency"],
            "kind": rep.get("entity_type") if rep.get("entity_type") in KINDS else EntityType.OTHER.value,
            "region": rep.get("region"),
            "origin": "report",
            "created_at": at,
            "updated_at": at,
        }
        for key, rep in sorted(best.items())
        if key not in known
    ]
    if rows:
        session.execute(insert(Agency), rows)
    return len(rows)
