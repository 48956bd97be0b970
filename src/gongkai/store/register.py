"""The application register in the database: applications and their append-only events.

There is no way here to change or remove an event (the database refuses it too): a correction is
appended as a new event that points at the one it corrects. Personal data are kept in their own
columns and handed out only when asked for (``personal=True``); an ID number is never stored,
only its salted hash (HMAC-SHA256 under the register's own salt).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from ..register.events import (
    Applicant,
    Application,
    Channel,
    Event,
    EventKind,
    RegisterError,
    validate,
    validate_application,
)
from .base import Part, chunks, now
from .models import RegisterApplication, RegisterEvent, RegisterSetting

SALT_KEY = "id_hash_salt"
NUMBERING_ATTEMPTS = 20  # tries of add_numbered against registrars numbering at the same moment


class Register(Part):
    """Save and load the register's applications and events."""

    def _salt(self, session: Session) -> str:
        row = session.get(RegisterSetting, SALT_KEY)
        if row is None:
            row = RegisterSetting(key=SALT_KEY, value=secrets.token_hex(32))
            session.add(row)
            session.flush()
        return row.value

    def id_hash(self, id_number: str) -> str:
        """The salted hash an ID number is kept and matched by."""
        with self.database.sessions.begin() as session:
            return _hash(self._salt(session), id_number)

    def add_applications(self, applications: Iterable[Application], *, by: str | None = None) -> int:
        """Register applications with the events they carry (one transaction); returns how many."""
        apps = list(applications)
        for app in apps:
            validate_application(app)
        try:
            with self.database.sessions.begin() as session:
                _insert_applications(session, apps, self._salt(session), by)
        except IntegrityError:  # another registrar stored one of these numbers between our check and our insert
            raise StoreError(_taken_sentence(apps)) from None
        return len(apps)

    def add_numbered(self, app: Application, *, by: str | None = None) -> Application:
        """Register one new application under its agency's next number of its year; the numbered application.

        The number is chosen in the transaction that stores it. When another registrar stored the same
        number first, the database's unique constraint refuses the insert and the next free number is tried.
        """
        validate_application(app)
        for attempt in range(NUMBERING_ATTEMPTS):
            try:
                with self.database.sessions.begin() as session:
                    numbered = replace(app, id=_next_number(session, app.agency, app.arrived.year))
                    _insert_applications(session, [numbered], self._salt(session), by, look=False)
                return numbered
            except (IntegrityError, OperationalError) as exc:
                if isinstance(exc, OperationalError) and not _lost_a_race(exc):
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # out of step with the other registrars
        raise StoreError(f"{app.agency} 的登记号被同时登记的申请占用，{NUMBERING_ATTEMPTS} 次未能取得新号，请重试")

    def next_number(self, agency: str, year: int) -> str:
        """The next register number of ``agency`` in ``year``: ``<year>-<sequence>``, after the highest taken."""
        with self.database.sessions() as session:
            return _next_number(session, agency, year)

    def append_event(
        self,
        agency: str,
        number: str,
        kind: EventKind,
        on: date,
        data: dict[str, str] | None = None,
        *,
        recorded: date | None = None,
        corrects: int | None = None,
        refers: int | None = None,
        by: str | None = None,
    ) -> Event:
        """Append one event to an application, checked against those it already has."""
        with self.database.sessions.begin() as session:
            row = _find(session, agency, number)
            app = _application(row, _events(session, [row.id]).get(row.id, []), personal=False)
            event = Event(app.next_event_id(), kind, on, recorded or date.today(), data or {}, corrects, refers, by)
            try:
                validate(event, app)
            except RegisterError as exc:
                raise StoreError(str(exc)) from exc
            session.add(_event_row(row.id, event, by))
        return event

    def application(self, agency: str, number: str, *, personal: bool = False) -> Application:
        """One application with all its events; personal data only when ``personal``."""
        with self.database.sessions() as session:
            row = _find(session, agency, number)
            return _application(row, _events(session, [row.id]).get(row.id, []), personal=personal)

    def applications(
        self, agency: str | None = None, *, years: Sequence[int] | None = None, personal: bool = False
    ) -> list[Application]:
        """Every application (of ``agency``, arrived in ``years``) with its events, in register order."""
        with self.database.sessions() as session:
            query = select(RegisterApplication).order_by(RegisterApplication.agency, RegisterApplication.number)
            if agency is not None:
                query = query.where(RegisterApplication.agency == agency)
            if years:
                query = query.where(RegisterApplication.year.in_(list(years)))
            rows = list(session.scalars(query))
            events = _events(session, [r.id for r in rows])
            return [_application(r, events.get(r.id, []), personal=personal) for r in rows]

    def register_agencies(self) -> list[str]:
        """The agencies that have applications in the register."""
        with self.database.sessions() as session:
            return list(
                session.scalars(select(RegisterApplication.agency).distinct().order_by(RegisterApplication.agency))
            )


def _lost_a_race(exc: OperationalError) -> bool:
    """SQLite refusing a write because another writer committed since this transaction read (WAL snapshot)."""
    return "database is locked" in str(exc.orig) or "database is busy" in str(exc.orig)


def _next_number(session: Session, agency: str, year: int) -> str:
    """``<year>-<sequence>`` one past the highest sequence of that form the agency holds for ``year``.

    Imported numbers of other forms are skipped; a gap left by a removed number is not reused.
    """
    prefix = f"{year}-"
    taken = session.scalars(
        select(RegisterApplication.number).where(
            RegisterApplication.agency == agency, RegisterApplication.number.startswith(prefix, autoescape=True)
        )
    )
    sequences = [int(rest) for n in taken if (rest := n[len(prefix) :]).isascii() and rest.isdigit()]
    return f"{prefix}{max(sequences, default=0) + 1:05d}"


def _insert_applications(
    session: Session, apps: list[Application], salt: str, by: str | None, *, look: bool = True
) -> None:
    """Insert applications and their events.

    With ``look`` a number already taken is refused with a sentence before anything is inserted;
    without it the database's unique constraint refuses it (an ``IntegrityError``).
    """
    numbers = {(a.agency, a.id) for a in apps}
    if len(numbers) < len(apps):
        raise StoreError("同一批申请中登记号重复")
    for agency in {a.agency for a in apps} if look else ():
        taken = set(session.scalars(select(RegisterApplication.number).where(RegisterApplication.agency == agency)))
        clash = sorted(n for a, n in numbers if a == agency and n in taken)
        if clash:
            raise StoreError(f"登记号 {'、'.join(clash[:5])} 已存在（{agency}）")
    rows = [_application_row(app, salt, by) for app in apps]
    session.add_all(rows)
    session.flush()
    session.add_all(_event_row(row.id, e, by) for row, app in zip(rows, apps, strict=True) for e in app.events)


def _taken_sentence(apps: list[Application]) -> str:
    numbers = "、".join(sorted({a.id for a in apps})[:5])
    return f"登记号 {numbers} 已被同时登记的申请占用，未存入任何申请，请重试"


def _hash(salt: str, id_number: str) -> str:
    return hmac.new(salt.encode(), id_number.strip().upper().encode(), hashlib.sha256).hexdigest()


def _find(session: Session, agency: str, number: str) -> RegisterApplication:
    row = session.scalar(
        select(RegisterApplication).where(RegisterApplication.agency == agency, RegisterApplication.number == number)
    )
    if row is None:
        raise NotFound(f"登记簿中没有 {agency} 的申请 {number}")
    return row


def _events(session: Session, ids: list[int]) -> dict[int, list[RegisterEvent]]:
    out: dict[int, list[RegisterEvent]] = defaultdict(list)
    for part in chunks(ids):
        for e in session.scalars(
            select(RegisterEvent).where(RegisterEvent.application_id.in_(part)).order_by(RegisterEvent.seq)
        ):
            out[e.application_id].append(e)
    return out


def _application_row(app: Application, salt: str, by: str | None) -> RegisterApplication:
    who = app.applicant
    return RegisterApplication(
        agency=app.agency,
        number=app.id,
        year=app.arrived.year,
        channel=app.channel.value,
        arrived=app.arrived,
        applicant_column=who.column,
        request=app.request,
        form=app.form,
        applicant_name=who.name,
        applicant_id_hash=_hash(salt, who.id_number) if who.id_number else None,
        applicant_contact=who.contact,
        agent_name=who.agent,
        created_by=by,
        created_at=now(),
    )


def _event_row(application_id: int, e: Event, by: str | None) -> RegisterEvent:
    return RegisterEvent(
        application_id=application_id,
        seq=e.id,
        kind=e.kind.value,
        on=e.on,
        recorded=e.recorded,
        data=dict(e.data),
        corrects=e.corrects,
        refers=e.refers,
        by=e.by or by,
        at=now(),
    )


def _application(row: RegisterApplication, events: list[RegisterEvent], *, personal: bool) -> Application:
    applicant = Applicant(
        row.applicant_column,
        row.applicant_name if personal else None,
        None,  # the ID number is not kept; its hash is matched in the store
        row.applicant_contact if personal else None,
        row.agent_name if personal else None,
    )
    return Application(
        row.number,
        row.agency,
        Channel(row.channel),
        row.arrived,
        applicant,
        row.request,
        row.form,
        tuple(
            Event(e.seq, EventKind(e.kind), e.on, e.recorded, dict(e.data), e.corrects, e.refers, e.by) for e in events
        ),
    )
