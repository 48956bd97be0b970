"""The tables of a stored corpus (SQLAlchemy 2 declarative models).

    sources ─1:1─ reports ─1:n─ cells      (reports ─0:1─ reports: superseded_by, the newer version)
                          ├─1:n─ sections   (the six parts' text, for 内容雷同)
                          └─1:n─ findings   (with the reviewer's decision)
    reviews   decisions that outlive a re-read: keyed by content hash + fingerprint,
              and by agency key + year + fingerprint
    finding_events    every step of a finding's review (who, when, why), keyed like reviews
    cell_corrections  reviewers' values for misread cells, keyed by content hash + cell id
    agencies  the registry of organs (─0:1─ agencies: parent); reports meet it by agency_key

A source is one file's content (sha256); a file that could not be read keeps its
error and has no report. A cell's value is kept as ``value_text``, the exact decimal as
read (``number``, a float for sums, is computed from it); its raw text and place are
kept compactly (``places.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    cast,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column

from .figures import FIGURE_CELLS
from .places import STATE_CODES, STATES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    pass


Base.metadata.naming_convention = NAMING


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(16))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


class StoredReport(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), unique=True)
    agency: Mapped[str | None] = mapped_column(Text)
    agency_key: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(16))
    year: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(16))
    published: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    reader_version: Mapped[str] = mapped_column(String(32))
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    errors: Mapped[int] = mapped_column(Integer, default=0)  # error-level findings, for fast filtering
    # versions of one agency-year (0004): 1, 2, … in the order stored; NULL superseded_by = current
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))

    __table_args__ = (
        Index("ix_reports_agency_key_year", "agency_key", "year"),
        Index("ix_reports_year", "year"),
        Index("ix_reports_superseded_by", "superseded_by"),
    )


class CellStateCode(TypeDecorator[str]):
    """A cell's state as a small integer in the database (``places.STATE_CODES``), its name in Python."""

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else STATE_CODES[value]

    def process_result_value(self, value: int | None, dialect: Dialect) -> str | None:
        return None if value is None else STATES[value]


class StoredCell(Base):
    """One cell of a report, keyed by (report, cell id); stored compactly (``places.py``, migration 0011).

    ``seq`` keeps the order the cells were stored in (the reader's order). ``raw`` is NULL when
    it is the value's text; ``place`` is the compact text of ``places.encode_place``: read both
    through ``places.unpack_cell``. ``number`` is the value as a float, computed from the text.
    On SQLite the table has no rowid: the primary key is the table.
    """

    __tablename__ = "cells"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    cell_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(SmallInteger)
    value_text: Mapped[str | None] = mapped_column(String(40))
    raw: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(CellStateCode)
    unit: Mapped[str | None] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(Text)

    number: Mapped[float | None] = column_property(cast(value_text, Float))

    # every read of cells goes by report (the primary key); the statistics read report_figures
    __table_args__ = ({"sqlite_with_rowid": False},)


class ReportFigures(Base):
    """One report's sums of the cells the corpus statistics read (``figures.py``, migration 0010).

    A column per figure (``FIGURE_CELLS``): NULL when the report holds none of its cells.
    """

    __table__ = Table(
        "report_figures",
        Base.metadata,
        Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        *(Column(name, Float) for name in FIGURE_CELLS),
    )


class StoredSection(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class StoredFinding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    cells: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(32))
    cross_year: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    reviewer: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Review(Base):
    """A reviewer's decision on a finding, kept apart from the findings so a re-read does not lose it."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    agency_key: Mapped[str | None] = mapped_column(String(80))
    year: Mapped[int | None] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("sha256", "fingerprint", name="uq_reviews_sha256_fingerprint"),
        Index("ix_reviews_agency_year_fingerprint", "agency_key", "year", "fingerprint"),
    )


class FindingEvent(Base):
    """One step of a finding's review: from one status to another, by whom, when and why."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    agency_key: Mapped[str | None] = mapped_column(String(80))
    year: Mapped[int | None] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(64))
    status_from: Mapped[str] = mapped_column(String(16))
    status_to: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_finding_events_sha256_fingerprint", "sha256", "fingerprint"),
        Index("ix_finding_events_agency_year", "agency_key", "year"),
    )


class CellCorrection(Base):
    """A reviewer's value for a cell that was misread or unreadable; the read value stays in ``cells``.

    The newest row of a (sha256, cell_id) whose ``withdrawn_at`` is NULL is in force.
    ``value_text`` NULL corrects the cell to "not printed".
    """

    __tablename__ = "cell_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    agency_key: Mapped[str | None] = mapped_column(String(80))
    year: Mapped[int | None] = mapped_column(Integer)
    cell_id: Mapped[str] = mapped_column(String(64))
    value_text: Mapped[str | None] = mapped_column(String(40))
    number: Mapped[float | None] = mapped_column(Float)
    read_value_text: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))  # migration 0015

    __table_args__ = (Index("ix_cell_corrections_sha256_cell_id", "sha256", "cell_id"),)


class Agency(Base):
    """An organ in the registry: normalised key, name, kind (EntityType value), parent and region.

    ``region`` is the place names outermost first, run together as ``agency_region`` gives them
    (江苏省淮安市洪泽区), so a region's subtree is a prefix. ``origin`` says how the row came:
    ``report`` (made from an ingested report), ``import`` or ``edit``.
    """

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    region: Mapped[str | None] = mapped_column(String(80))
    origin: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_agencies_parent_id", "parent_id"), Index("ix_agencies_region", "region"))


class WebUser(Base):
    """An account that may write through the web workbench; the password is an argon2id hash.

    ``session_stamp`` (migration 0006) is copied into every login session; replacing it ends all of them.
    """

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # random, replaced at logout, password change: a web session is good only while it carries this value
    session_stamp: Mapped[str] = mapped_column(String(64), server_default="")
    role: Mapped[str] = mapped_column(String(16), server_default="overseer")  # store/roles.py (migration 0008)


class StoredJob(Base):
    """An upload (ingest) job: progress while it runs, then its summary and per-file results as JSON.

    Kept in the database so that every server process answers a poll for the same job.
    ``owner`` is the ``host:pid:start`` of the process running it and ``beat_at`` its last sign
    of life; a job whose process is gone is marked failed (``store/jobs.py``).
    """

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # upload
    state: Mapped[str] = mapped_column(String(16))  # queued | reading | done | failed
    owner: Mapped[str] = mapped_column(String(200))
    files: Mapped[list[str]] = mapped_column(JSON)  # the uploaded files' names
    replace: Mapped[bool] = mapped_column(Boolean, default=False)
    done: Mapped[int] = mapped_column(Integer, default=0)  # sources handled so far
    total: Mapped[int] = mapped_column(Integer, default=0)  # sources in all (0: not yet known)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, object] | None] = mapped_column(JSON)  # IngestSummary.to_json(), paths made relative
    results: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)  # [{source, report_id}]
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_jobs_created_at", "created_at"),)


class CorpusGeneration(Base):
    """One row whose ``value`` grows with every write to the corpus tables (database triggers, 0003).

    A process caching figures over the corpus compares it to know whether another
    process has written since (``store/generation.py``).
    """

    __tablename__ = "corpus_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class RegisterApplication(Base):
    """A disclosure application in the register (migration 0007); its history is in ``register_events``.

    Personal data stand in their own columns so a view can leave them out; the ID number is kept
    only as a salted hash (``applicant_id_hash``).
    """

    __tablename__ = "register_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    arrived: Mapped[date] = mapped_column(Date)
    applicant_column: Mapped[str] = mapped_column(String(16))
    request: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(40))
    applicant_name: Mapped[str | None] = mapped_column(Text)
    applicant_id_hash: Mapped[str | None] = mapped_column(String(64))
    applicant_contact: Mapped[str | None] = mapped_column(Text)
    agent_name: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("agency", "number", name="uq_register_applications_agency_number"),
        Index("ix_register_applications_agency_year", "agency", "year"),
        Index("ix_register_applications_applicant_id_hash", "applicant_id_hash"),
    )


class RegisterEvent(Base):
    """One step of an application's handling; append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "register_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("register_applications.id"))
    seq: Mapped[int] = mapped_column(Integer)  # the event's number within its application
    kind: Mapped[str] = mapped_column(String(24))
    on: Mapped[date] = mapped_column(Date)
    recorded: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, str]] = mapped_column(JSON)
    corrects: Mapped[int | None] = mapped_column(Integer)  # seq of the event it corrects
    refers: Mapped[int | None] = mapped_column(Integer)  # seq of the event it answers
    by: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("application_id", "seq", name="uq_register_events_application_id_seq"),)


class RegisterSetting(Base):
    """A setting of the register (the salt of the ID hashes)."""

    __tablename__ = "register_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RegisterSnapshot(Base):
    """Tables 三 and 四 of one agency and year, frozen (migration 0009); immutable, the latest is current."""

    __tablename__ = "register_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(16))
    cells: Mapped[dict[str, list[str]]] = mapped_column(JSON)  # cell id → the applications behind it
    policy: Mapped[list[str]] = mapped_column(JSON)  # the policies in force, in words
    left_out: Mapped[dict[str, str]] = mapped_column(JSON)
    provisional: Mapped[bool] = mapped_column(Boolean)
    provisional_years: Mapped[list[int]] = mapped_column(JSON)
    applications: Mapped[int] = mapped_column(Integer)
    taken_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_register_snapshots_agency_year", "agency", "year"),)


class RegisterCalendarDay(Base):
    """An exception day of the working-day calendar (migration 0009): holiday or make-up working day."""

    __tablename__ = "register_calendar_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # off / work
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # official / provisional / override
    region: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str | None] = mapped_column(String(80))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(80))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_register_calendar_days_day", "day"),)


class LoginFailure(Base):
    """One wrong password, counted against a name and against an address (migration 0014).

    ``key`` is ``name:<account name>`` or ``address:<client address>``; ``at`` is seconds since the epoch.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"), Index("ix_login_failures_at", "at"))


class LoginLock(Base):
    """A name or address refused logins until ``until`` (seconds since the epoch; migration 0014)."""

    __tablename__ = "login_locks"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    until: Mapped[float] = mapped_column(Float)
