"""The admin API on real server processes: parallel writers on two workers, and scheduled
publishing that survives a restart and is done by exactly one worker."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from service.store.db import ContentDB
from tests.admin_flow import ADMIN_ARTICLE, DRAFT, add_sections_retrying, approve_iv_maximum
from tests.concurrency import run_in_threads
from tests.conftest import SLUG
from tests.e2e.conftest import prepared_database, running_server
from tests.tokens import Headers


def live_revision(database: Path) -> int | None:
    """The live revision number, read from the database itself."""
    db = ContentDB(database)
    try:
        row = db.conn.execute("SELECT live_revision FROM articles WHERE slug = ?", (SLUG,))
        value = row.fetchone()[0]
    finally:
        db.close()
    return None if value is None else int(value)


def schedule(client: httpx.Client, editor: Headers, seconds: float) -> datetime:
    """Schedule the approved draft's publish ``seconds`` from now."""
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    response = client.post(f"{ADMIN_ARTICLE}/publish", json={"at": at.isoformat()}, headers=editor)
    assert response.status_code == 202, response.text
    return at


def test_parallel_writers_on_two_workers_lose_no_update(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    writers, writes_each = 6, 3
    people = prepared_database(database, *[(f"Writer {n}", "editor") for n in range(writers)])
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()

    def work(number: int, base: str) -> None:
        keys = [f"w{number}-{write}" for write in range(writes_each)]
        with httpx.Client(base_url=base) as client:
            seen = add_sections_retrying(client, people[number], keys, "Added")
        with lock:
            outcomes.update(seen)

    with running_server(database, workers=2) as base:
        httpx.get(base + DRAFT, headers=people[0])  # start the draft before the race
        run_in_threads(work, [(n, base) for n in range(writers)])
        final: dict[str, Any] = httpx.get(base + DRAFT, headers=people[0]).json()

    assert set(outcomes) <= {201, 412}
    assert outcomes[201] == writers * writes_each
    keys = {section["key"] for section in final["sections"]}
    assert {f"w{n}-{w}" for n in range(writers) for w in range(writes_each)} <= keys
    assert final["version"] == 1 + writers * writes_each


def test_scheduled_publish_due_while_stopped_goes_live_on_restart(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    editor, reviewer = prepared_database(
        database, ("Erin Editor", "editor"), ("Rita Reviewer", "reviewer")
    )
    with running_server(database) as base, httpx.Client(base_url=base) as client:
        approve_iv_maximum(client, editor, reviewer)
        at = schedule(client, editor, seconds=2.0)
    assert datetime.now(UTC) < at, "the server took too long to stop for this test to mean much"
    time.sleep((at - datetime.now(UTC)).total_seconds() + 0.2)
    assert live_revision(database) == 1  # due, but nobody was running

    with running_server(database) as base:
        article = httpx.get(f"{base}/v1/articles/{SLUG}").json()
    assert article["revision"] == 2
    assert article["sections"][4]["therapies"][0]["dose"]["max"] == 0.9


def test_two_workers_publish_a_scheduled_draft_exactly_once(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    editor, reviewer, admin = prepared_database(
        database, ("Erin Editor", "editor"), ("Rita Reviewer", "reviewer"), ("Ada Admin", "admin")
    )
    with running_server(database, workers=2) as base, httpx.Client(base_url=base) as client:
        approve_iv_maximum(client, editor, reviewer)
        at = schedule(client, editor, seconds=0.5)
        deadline = time.monotonic() + 10
        while live_revision(database) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # both workers have polled at least once since it fell due
        revisions = client.get(f"{ADMIN_ARTICLE}/revisions", headers=editor).json()["revisions"]
        audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin).json()
    assert datetime.now(UTC) > at
    assert [revision["number"] for revision in revisions] == [2, 1]
    published = [e for e in audit["entries"] if e["action"] == "published"]
    assert [(e["actor"], e["role"]) for e in published] == [("Erin Editor", "scheduler")]
