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

from schema.admin import Role
from service.handlers.auth import issue_token
from service.startup import prepare_database
from service.store.db import ContentDB
from tests.e2e.conftest import running_server
from tests.reviewer_profiles import ensure_reviewer_profile

SLUG = "ketamine-therapy-for-anxiety"
ADMIN_ARTICLE = f"/v1/admin/articles/{SLUG}"
DRAFT = f"{ADMIN_ARTICLE}/draft"
Headers = dict[str, str]


def prepared(database: Path, *people: tuple[str, Role]) -> list[Headers]:
    """Create and seed the database, and a token for each (name, role)."""
    db = ContentDB(database)
    try:
        prepare_database(db)
        tokens = [issue_token(db, name, role) for name, role in people]
    finally:
        db.close()
    for name, role in people:
        if role in ("reviewer", "admin"):
            ensure_reviewer_profile(database, name)
    return [{"Authorization": f"Bearer {token}"} for token in tokens]


def live_revision(database: Path) -> int | None:
    """The live revision number, read from the database itself."""
    db = ContentDB(database)
    try:
        row = db.conn.execute("SELECT live_revision FROM articles WHERE slug = ?", (SLUG,))
        value = row.fetchone()[0]
    finally:
        db.close()
    return None if value is None else int(value)


def approve(client: httpx.Client, editor: Headers, reviewer: Headers) -> None:
    """Lower the IV maximum dose in the draft, submit it and have it approved."""
    draft = client.get(DRAFT, headers=editor)
    section = next(s for s in draft.json()["sections"] if s["key"] == "therapy-types")
    section["therapies"][0]["dose"]["max"] = 0.9
    put = client.put(
        f"{DRAFT}/sections/therapy-types",
        json=section,
        headers={**editor, "If-Match": draft.headers["etag"]},
    )
    assert put.status_code == 200, put.text
    assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
    etag = client.get(DRAFT, headers=reviewer).headers["etag"]
    approved = client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag})
    assert approved.status_code == 200, approved.text


def schedule(client: httpx.Client, editor: Headers, seconds: float) -> datetime:
    """Schedule the approved draft's publish ``seconds`` from now."""
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    response = client.post(f"{ADMIN_ARTICLE}/publish", json={"at": at.isoformat()}, headers=editor)
    assert response.status_code == 202, response.text
    return at


def test_parallel_writers_on_two_workers_lose_no_update(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    writers, writes_each = 6, 3
    people = prepared(database, *[(f"Writer {n}", "editor") for n in range(writers)])
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()

    def work(number: int, base: str) -> None:
        headers = people[number]
        with httpx.Client(base_url=base) as client:
            for write in range(writes_each):
                key = f"w{number}-{write}"
                body = {"kind": "intro", "key": key, "title": "Added", "body": "Text."}
                for _attempt in range(100):
                    etag = client.get(DRAFT, headers=headers).headers["etag"]
                    put = client.put(
                        f"{DRAFT}/sections/{key}", json=body, headers={**headers, "If-Match": etag}
                    )
                    with lock:
                        outcomes[put.status_code] += 1
                    if put.status_code != 412:
                        break

    with running_server(database, workers=2) as base:
        httpx.get(base + DRAFT, headers=people[0])  # start the draft before the race
        threads = [threading.Thread(target=work, args=(n, base)) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        final: dict[str, Any] = httpx.get(base + DRAFT, headers=people[0]).json()

    assert set(outcomes) <= {201, 412}
    assert outcomes[201] == writers * writes_each
    keys = {section["key"] for section in final["sections"]}
    assert {f"w{n}-{w}" for n in range(writers) for w in range(writes_each)} <= keys
    assert final["version"] == 1 + writers * writes_each


def test_scheduled_publish_due_while_stopped_goes_live_on_restart(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    editor, reviewer = prepared(database, ("Erin Editor", "editor"), ("Rita Reviewer", "reviewer"))
    with running_server(database) as base, httpx.Client(base_url=base) as client:
        approve(client, editor, reviewer)
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
    editor, reviewer, admin = prepared(
        database, ("Erin Editor", "editor"), ("Rita Reviewer", "reviewer"), ("Ada Admin", "admin")
    )
    with running_server(database, workers=2) as base, httpx.Client(base_url=base) as client:
        approve(client, editor, reviewer)
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
