"""A register for the web tests: a demo agency's applications (made-up names and IDs) and a few of our own,
plus accounts of each role signed in through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient

from gongkai.register.demo import DEMO_AGENCY, DemoSpec, demo_register
from gongkai.register.events import T3, Applicant, Application, Channel, Event, EventKind
from gongkai.store.accounts import set_password
from gongkai.store.roles import Role

from .conftest import csrf

OTHER_AGENCY = "测试县政务服务管理办公室"
PASSWORD = "secret-pass"


@dataclass(frozen=True, slots=True)
class Personal:
    """The applicants' personal data in the register: none of it may reach a reader without the right role."""

    names: frozenset[str]
    ids: frozenset[str]
    contacts: frozenset[str]
    agents: frozenset[str]

    def strings(self) -> frozenset[str]:
        return self.names | self.ids | self.contacts | self.agents


OURS = Applicant(T3.person.id, "欧阳测试甲", "11010519491231002X", "13800138000", "司马代理人")
ORG = Applicant(T3.organisations[0].id, "测试置业发展有限公司", None, "010-66668888")


def our_applications() -> list[Application]:
    """Two applications of the other agency: one with a consultation and a corrected extension, one bare."""
    first = Application(
        "2026-00001",
        OTHER_AGENCY,
        Channel.IN_PERSON,
        date(2026, 9, 1),
        OURS,
        "某路段拓宽工程征收补偿方案",
        "纸质",
        (
            Event(1, EventKind.CONSULTATION_SENT, date(2026, 9, 3), date(2026, 9, 3), {"party": "third_party"}),
            Event(
                2, EventKind.CONSULTATION_ANSWERED, date(2026, 9, 10), date(2026, 9, 10), {"opinion": "同意"}, refers=1
            ),
            Event(3, EventKind.EXTENSION, date(2026, 9, 20), date(2026, 9, 21), {"days": "15"}, by="演示登记员"),
            Event(4, EventKind.EXTENSION, date(2026, 9, 22), date(2026, 9, 22), {"days": "20"}, corrects=3),
        ),
    )
    second = Application("2026-00002", OTHER_AGENCY, Channel.EMAIL, date(2026, 10, 12), ORG, "某项目环评批复", "电子")
    return [first, second]


def fill(client: TestClient, applications: int = 120, years: tuple[int, ...] = (2025, 2026)) -> Personal:
    """Fill the app's register with a demo agency's applications and ours; their personal data."""
    repo = client.app.state.repo  # type: ignore[attr-defined]
    demo = demo_register(DemoSpec(applications, years, seed=11))
    repo.add_applications(demo, by="演示")
    ours = our_applications()
    repo.add_applications(ours, by="演示")
    everyone = [a.applicant for a in (*demo, *ours)]
    return Personal(
        names=frozenset(p.name for p in everyone if p.name and len(p.name) >= 3),
        ids=frozenset(p.id_number for p in everyone if p.id_number),
        contacts=frozenset(p.contact for p in everyone if p.contact),
        agents=frozenset(p.agent for p in everyone if p.agent),
    )


def account(client: TestClient, name: str, role: Role) -> None:
    set_password(client.app.state.repo.database, name, PASSWORD, role)  # type: ignore[attr-defined]


def login(client: TestClient, name: str, role: Role | None = None) -> dict[str, str]:
    """Sign ``name`` in (made first with ``role``); the CSRF header for its writes."""
    if role is not None:
        account(client, name, role)
    response = client.post("/api/login", json={"name": name, "password": PASSWORD}, headers=csrf(client))
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def logout(client: TestClient) -> None:
    assert client.post("/api/logout", headers=csrf(client)).status_code == 200


__all__ = ["DEMO_AGENCY", "OTHER_AGENCY", "Personal", "account", "fill", "login", "logout", "our_applications"]
