"""Random annual reports for the writer's tests: demo registers of many seeds and sizes, random table 二 input.

Under ``CI`` the seeds are fixed (0, 1, 2 …); a local run starts from a random base so the round
trip keeps hunting. A failure names its seed: ``case(seed)`` rebuilds it.
"""

from __future__ import annotations

import copy
import os
import random
from decimal import Decimal
from functools import lru_cache

from gongkai.model import EntityType
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import Application
from gongkai.write.compose import compose_from_register
from gongkai.write.inputs import WriterInput
from gongkai.write.model import PROACTIVE, AnnualReport, Value

BASE_SEED = 0 if os.environ.get("CI") else random.SystemRandom().randrange(10**6)

AGENCIES = (
    ("示例市自然资源和规划局", EntityType.DEPARTMENT),
    ("杭州市西湖区人民政府", EntityType.GOVERNMENT),
    ("安阳县市场监督管理局", EntityType.DEPARTMENT),
    ("宁国市商务局", EntityType.DEPARTMENT),
    ("怀化市鹤城区人民政府办公室", EntityType.DEPARTMENT),
    ("上海市浦东新区人民政府", EntityType.GOVERNMENT),
)
SIZES = (3, 8, 20, 45, 90, 160)
YEARS = ((2023, 2024), (2024, 2025), (2023, 2024, 2025))


class ListRegister:
    """The register as a list: what ``write.figures`` asks of the store."""

    def __init__(self, applications: list[Application]) -> None:
        self.apps = applications

    def applications(self, agency: str | None = None) -> list[Application]:
        return [a for a in self.apps if agency is None or a.agency == agency]


def random_proactive(rng: random.Random) -> dict[str, Value]:
    """Table 二 as a writer might give it: counts, a 万元 amount with 0–4 places, some cells left out."""
    out: dict[str, Value] = {}
    for cid in PROACTIVE.cell_ids():
        if rng.random() < 0.15:
            continue
        if cid.endswith(".amount"):
            places = rng.randint(0, 4)
            out[cid] = Decimal(rng.randint(0, 10**7)).scaleb(-places)
        else:
            out[cid] = rng.choice((0, 0, 1, rng.randint(0, 30), rng.randint(0, 5000)))
    return out


def case(seed: int) -> AnnualReport:
    """A fresh copy of ``_case(seed)``: a test may change it without touching the others'."""
    return copy.deepcopy(_case(seed))


@lru_cache(maxsize=512)
def _case(seed: int) -> AnnualReport:
    """One random report: a demo register of random size and years, a random agency, input or none (draft)."""
    rng = random.Random(seed)
    agency, kind = rng.choice(AGENCIES)
    years = rng.choice(YEARS)
    apps = demo_register(DemoSpec(applications=rng.choice(SIZES), years=years, seed=seed, agency=agency))
    year = rng.choice(years)
    given = None
    if rng.random() < 0.75:
        given = WriterInput("随机输入", agency=agency, entity_type=kind, proactive=random_proactive(rng))  # type: ignore[arg-type]
    return compose_from_register(ListRegister(apps), agency, year, given, entity_type=kind)


def seeds(count: int) -> list[int]:
    return [BASE_SEED + i for i in range(count)]
