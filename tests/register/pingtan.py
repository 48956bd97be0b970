"""A register for 平潭综合实验区 in 2022 whose tables equal the published report's (dev/011) but for eight cells.

The report prints (table 三) 74 new (71 natural persons, 3 commercial), 1 carried, and its
outcomes; (table 四) 2 reviews (1 corrected, 1 other) and 1 direct suit upheld. The register
moves one natural person's application from 予以公开 (21 → 20) to 本机关不掌握 (37 → 38) and
holds only the corrected review: the differences are those eight cells, every other cell agrees.
"""

from __future__ import annotations

from datetime import date, timedelta

from gongkai.formats import FORMAT_2021
from gongkai.register.events import CLOSING, T3, T4, Application, EventKind
from gongkai.register.tables import YearTables, year_tables

from .walk import case

AGENCY = "平潭综合实验区"
REPORT = "dev/011_pingtan-zhqsyq-2022.txt"
YEAR = 2022
UNABLE_NOT_HELD = FORMAT_2021.applications.outcomes[10]  # （四）1 本机关不掌握相关政府信息

PERSON, COMMERCIAL = T3.person.id, T3.organisations[0].id
# (column, outcome row, how many) of the 75 applications closed in 2022
CLOSED = [
    (PERSON, T3.granted.id, 20),
    (PERSON, CLOSING.partial.id, 8),
    (PERSON, CLOSING.withheld[4].id, 1),  # 三类内部事务信息
    (PERSON, CLOSING.withheld[5].id, 2),  # 四类过程性信息
    (PERSON, CLOSING.withheld[6].id, 1),  # 行政执法案卷
    (PERSON, UNABLE_NOT_HELD.id, 38),
    (PERSON, CLOSING.no_correction.id, 2),
    (COMMERCIAL, CLOSING.partial.id, 1),
    (COMMERCIAL, CLOSING.other.id, 2),
]

# (cell, published, register): what the comparison must list, and nothing else
DIFFERENCES = {
    (T3.cell(T3.granted, T3.person), 21, 20),
    (T3.cell(T3.granted), 21, 20),
    (T3.cell(UNABLE_NOT_HELD, T3.person), 37, 38),
    (T3.cell(UNABLE_NOT_HELD), 37, 38),
    (T4.cell(T4.review, T4.decided[2]), 1, 0),
    (T4.cell(T4.review), 2, 1),
    (T4.cell(T4.suits[0], T4.decided[0]), 1, 0),
    (T4.cell(T4.suits[0]), 1, 0),
}


def pingtan_register() -> list[Application]:
    """75 applications: one carried from December 2021, 74 received in 2022, all closed in 2022."""
    apps: list[Application] = []
    n = 0
    for column, outcome, count in CLOSED:
        for _ in range(count):
            n += 1
            carried = n == 1
            arrived = date(2021, 12, 20) if carried else date(2022, 1, 4) + timedelta(days=3 * n)
            decided = date(2022, 1, 10) if carried else arrived + timedelta(days=10)
            steps: list[tuple[EventKind, date] | tuple[EventKind, date, dict[str, str]]] = [
                (EventKind.DECIDED, decided, {"outcome": outcome})
            ]
            if n == 2:
                steps.append((EventKind.APPEAL_FILED, decided + timedelta(days=20), {"route": T4.review.id}))
                steps.append(
                    (EventKind.APPEAL_DECIDED, decided + timedelta(days=60), {"result": T4.corrected.id, "refers": "2"})
                )
            number = f"{arrived.year}-{n:05d}"
            app = case(arrived, *steps, column=column, number=number)
            apps.append(Application(app.id, AGENCY, app.channel, app.arrived, app.applicant, events=app.events))
    return apps


def pingtan_tables() -> YearTables:
    return year_tables(pingtan_register(), YEAR, AGENCY)
