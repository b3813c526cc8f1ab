"""The scheduler: cheap polls until something is due, and scheduled publishing across restarts."""

from __future__ import annotations

import time
from datetime import timedelta

from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.config import Settings
from service.delivery import reads
from service.editorial import live
from service.jobs.scheduler import Scheduler
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.admin_flow import approve_iv_maximum
from tests.conftest import SLUG, Headers
from tests.editorial.steps import EDITOR, approved_draft


def test_scheduler_polls_cheaply_until_something_is_due(seeded_db: ContentDB) -> None:
    scheduler = Scheduler(seeded_db)
    assert scheduler.tick() == []
    approved_draft(seeded_db)
    at = utc_now() + timedelta(minutes=5)
    live.publish(seeded_db, EDITOR, SLUG, at, None)
    assert scheduler.tick() == []
    [change] = scheduler.tick(now=at)
    assert change.revision == 2


def live_iv_maximum(client: TestClient[Litestar]) -> float:
    """The IV maximum dose the public API serves."""
    section = client.get(f"/v1/articles/{SLUG}/sections/therapy-types").json()
    maximum: float = section["therapies"][0]["dose"]["max"]
    return maximum


def test_scheduled_publish_due_while_stopped_goes_live_on_the_next_start(
    settings: Settings, app: Litestar, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    with TestClient(app) as client:
        approve_iv_maximum(client, editor_headers, reviewer_headers)
        at = utc_now() + timedelta(milliseconds=300)
        scheduled = client.post(
            f"/v1/admin/articles/{SLUG}/publish",
            headers=editor_headers,
            json={"at": at.isoformat()},
        )
        assert scheduled.status_code == 202, scheduled.text
        assert live_iv_maximum(client) == 1.0
    time.sleep(0.4)  # the server is down when the publish falls due
    stopped = ContentDB(settings.content_db)
    try:
        assert reads.require_live_article(stopped, SLUG).revision == 1
    finally:
        stopped.close()

    with TestClient(create_app(settings)) as restarted:
        assert live_iv_maximum(restarted) == 0.9
        assert restarted.get(f"/v1/articles/{SLUG}").json()["revision"] == 2


def test_running_server_publishes_when_due(
    client: TestClient[Litestar], editor_headers: Headers, reviewer_headers: Headers
) -> None:
    approve_iv_maximum(client, editor_headers, reviewer_headers)
    at = utc_now() + timedelta(milliseconds=200)
    client.post(
        f"/v1/admin/articles/{SLUG}/publish", headers=editor_headers, json={"at": at.isoformat()}
    )
    deadline = time.monotonic() + 5
    while live_iv_maximum(client) != 0.9 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_iv_maximum(client) == 0.9
