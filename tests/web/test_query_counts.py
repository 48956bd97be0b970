"""The hot pages ask the database a pinned number of questions, so the count cannot creep back up.

Counted by an SQLAlchemy ``before_cursor_execute`` listener on the app's engine, after a first
request has filled what is kept per corpus generation (facets, the review queue, the agency list,
the dashboard's figures): these are the figures of the second and every later visitor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from gongkai.store.generation import corpus_generation

from .conftest import upload

# path template → statements a warm request may execute (the corpus generation's one lookup included)
PINNED = {
    "/reports/{a}": 7,  # store/report_page.py: row, cells, sections, findings, history, versions; the generation
    "/api/reports/{a}": 5,
    "/reports": 1,  # the pinyin-ordered list and the facets are kept: the generation only
    "/reports?sort=year&page=1": 2,  # one page from the database
    "/api/reports?sort=-errors": 2,
    "/dashboard": 1,
    "/dashboard?year=2021": 1,
    "/api/stats": 1,
    "/compare?a={a}&b={b}": 6,  # both reports (4 for the pair), their listing lines; the agency list is kept
    "/compare": 1,
}


@pytest.fixture
def two_reports(client: TestClient, seed: Path) -> tuple[int, int]:
    text = seed.read_bytes()
    job = upload(client, ("a.txt", text), ("b.txt", text.replace("2021年".encode(), "2022年".encode())))
    ids = sorted(r["report_id"] for r in job["results"])
    assert len(ids) == 2, job
    return ids[0], ids[1]


@contextmanager
def counted(client: TestClient) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = client.app.state.repo.database.engine  # type: ignore[attr-defined]

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("template", list(PINNED))
def test_a_warm_page_asks_a_pinned_number_of_questions(
    client: TestClient, two_reports: tuple[int, int], template: str
) -> None:
    a, b = two_reports
    path = template.format(a=a, b=b)
    database = client.app.state.repo.database  # type: ignore[attr-defined]
    for _ in range(5):  # the upload's last writes may land after its job says done: count in a quiet generation
        before = corpus_generation(database)
        assert client.get(path).status_code == 200  # fills what is kept per generation
        with counted(client) as statements:
            assert client.get(path).status_code == 200
        if corpus_generation(database) == before:
            break
    assert len(statements) <= PINNED[template], "\n\n".join(statements)


def test_the_report_page_no_longer_reads_the_whole_queue(client: TestClient, two_reports: tuple[int, int]) -> None:
    a, _ = two_reports
    client.get(f"/reports/{a}")
    with counted(client) as statements:
        client.get(f"/reports/{a}", params={"year": "2021"})  # another queue: read once
        client.get(f"/reports/{a}", params={"year": "2021"})
    queue_reads = [s for s in statements if "ORDER BY (SELECT min(CASE" in s]
    assert len(queue_reads) == 1, queue_reads
