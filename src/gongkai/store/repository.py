"""The corpus store as one object: every part of it over one database, for the CLI, the web and the batch.

Each job is its own module and class, usable alone over a ``Database``:

    writes.Writes          write (one transaction per batch; versions="supersede"|"keep-both"), known_sources,
                           delete_report, rename_sources
    links                  previous-year pairing; runs the cross-year check ``write`` is handed
    queries.Queries        list/page/count reports, facets, load reports and findings, iterate cells, compare,
                           versions of an agency-year and version_diff
    stats.Statistics       corpus figures (CorpusStats) and the agencies with most errors
    reviews.Reviews        set_review; decisions re-attach when a report is stored again
    corrections.Corrections  correct_cell, withdraw_correction (each re-checks with the check it is handed),
                           corrections (a report's history), corrections_in_force (by sha256, for re-reads)
    agencies.Agencies      the agency registry (list, edit, import) and a year's publication status
    register.Register      the application register: applications and their append-only events
    register_snapshots.RegisterSnapshots  frozen year snapshots of tables 三 and 四 (current_snapshot)
    register_calendar.RegisterCalendar    the stored working-day calendar (seed, import, confirm, work_calendar)

The store never runs rules of its own: ``write`` takes the cross-year check as
``cross_year=`` (the ingest pipeline hands it ``gongkai.check.cross_year_findings``).
"""

from __future__ import annotations

from .agencies import Agencies
from .corrections import Corrections
from .links import CrossYearCheck, regions_agree
from .queries import Queries
from .register import Register
from .register_calendar import RegisterCalendar
from .register_snapshots import RegisterSnapshots
from .reviews import Reviews
from .stats import Statistics
from .writes import Writes


class Repository(
    Writes, Queries, Statistics, Reviews, Corrections, Agencies, Register, RegisterSnapshots, RegisterCalendar
):
    """Queries, writes, statistics, reviews, corrections, agencies and the register: ``Repository(database)``."""


__all__ = ["CrossYearCheck", "Repository", "regions_agree"]
