"""Trust on real server processes: citations in every channel, reviewer profiles, reviews falling
due with the scheduler's clock moved (also across a restart), and urgent corrections reaching a
real webhook receiver and the change feed.

The scheduler's clock is moved with ``SCHEDULER_CLOCK_FILE``: a file holding an ISO-8601 instant
the scheduler takes as now.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.commands import cli_token
from tests.e2e.conftest import running_server
from tests.http_servers import Receiver
from tests.trust_flow import (
    DRAFT,
    PUBLIC,
    SLUG,
    approve_and_publish,
    cite_in_draft,
    edit_intro,
    seed_due,
    seed_review_line,
)

ENV = {"ALLOW_PRIVATE_WEBHOOKS": "true", "WEBHOOK_RETRY_SCHEDULE": "0.2,0.4,0.8"}
Headers = dict[str, str]
TIMEOUT = 30.0  # seconds: the machine is shared, and a cold first render is slow


# The scheduler's clock until the test has read the seed's due date (dated when it is loaded).
LONG_BEFORE = "2000-01-01T00:00:00+00:00"


def bearer(database: Path, name: str, role: str) -> Headers:
    """Headers of a CLI-made token."""
    return {"Authorization": f"Bearer {cli_token(database, name, role)}"}


def subscribe(client: httpx.Client, admin: Headers, url: str, events: list[str]) -> None:
    """Subscribe ``url`` to ``events``."""
    response = client.post("/v1/admin/webhooks", json={"url": url, "events": events}, headers=admin)
    assert response.status_code == 201, response.text


def feed_actions(client: httpx.Client, action: str) -> list[dict[str, Any]]:
    """The change-feed entries of one action."""
    return [c for c in client.get("/v1/changes").json()["changes"] if c["action"] == action]


def wait_for_feed(client: httpx.Client, action: str, timeout: float = 10.0) -> list[Any]:
    """The entries of ``action``, waiting until there is at least one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = feed_actions(client, action)
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"no {action} entry in the change feed after {timeout:g}s")


@pytest.fixture(scope="module")
def trust_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server over a fresh database, with private webhooks allowed."""
    database = tmp_path_factory.mktemp("trust") / "content.db"
    with running_server(database, env=ENV) as base_url:
        yield base_url, database


def test_the_seed_shows_its_review_dates_and_placeholder_in_every_channel(
    trust_server: tuple[str, Path],
) -> None:
    base_url, _ = trust_server
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        review = client.get(PUBLIC).json()["review"]
        line = seed_review_line(review)  # dated the day the seed was loaded, due 12 months on
        assert review["reviewed_by"]["is_placeholder"] is True
        assert review["reviewed_by"]["name"] == "Seed Reviewer (placeholder)"
        for channel in ("web", "email", "text"):
            body = client.get(f"{PUBLIC}/render/{channel}").text
            assert line in body
            assert "Seed Reviewer (placeholder)" in body
            assert "not a real medical review" in body


def test_an_expired_reviewer_cannot_approve(trust_server: tuple[str, Path]) -> None:
    base_url, database = trust_server
    editor = bearer(database, "Erin Editor", "editor")
    reviewer = bearer(database, "Old Registration", "reviewer")
    admin = bearer(database, "Ada Admin", "admin")
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        profiles = client.get("/v1/admin/reviewers", headers=admin).json()["reviewers"]
        mine = next(p for p in profiles if p["name"] == "Old Registration")
        expired = client.patch(
            f"/v1/admin/reviewers/{mine['id']}",
            json={"registration_expires": "2025-03-31"},
            headers=admin,
        )
        assert expired.status_code == 200, expired.text
        edit_intro(client, editor, "Ketamine is an anaesthetic also studied for anxiety.")
        client.post(f"{DRAFT}/submit", headers=editor).raise_for_status()
        etag = client.get(DRAFT, headers=reviewer).headers["etag"]
        refused = client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag})
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "expired on 2025-03-31" in refused.json()["detail"]
        client.post(f"{DRAFT}/reject", json={"reason": "later"}, headers=admin).raise_for_status()


def test_a_citation_of_a_missing_reference_is_refused(trust_server: tuple[str, Path]) -> None:
    base_url, database = trust_server
    editor = bearer(database, "Erin Editor", "editor")
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        draft = client.get(DRAFT, headers=editor)
        intro = next(s for s in draft.json()["sections"] if s["key"] == "intro")
        intro["body"] += " As shown.[^nowhere]"
        response = client.put(
            f"{DRAFT}/sections/intro",
            json=intro,
            headers={**editor, "If-Match": draft.headers["etag"]},
        )
        assert response.status_code == 400
        assert [e["path"] for e in response.json()["errors"]] == ["$.body"]


def test_citations_reach_every_channel_and_the_json_ld(trust_server: tuple[str, Path]) -> None:
    base_url, database = trust_server
    editor = bearer(database, "Erin Editor", "editor")
    reviewer = bearer(database, "Rita Reviewer", "reviewer")
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        cite_in_draft(client, editor)
        approve_and_publish(client, editor, reviewer)
        article = client.get(PUBLIC).json()
        assert [r["id"] for r in article["references"]] == ["ketamine-trial", "handbook"]
        iv = next(s for s in article["sections"] if s["key"] == "therapy-types")["therapies"][0]
        assert iv["citations"] == ["handbook"] and "#ref-1" in iv["body"]
        markdown = client.get(PUBLIC, params={"format": "markdown"}).text
        assert "[^1]" in markdown and "[^ketamine-trial]" not in markdown
        web = client.get(f"{PUBLIC}/render/web").text
        assert '<li id="ref-1">' in web and '<li id="ref-2">' in web and ">[1]</a>" in web
        email = client.get(f"{PUBLIC}/render/email").text
        assert "References" in email and "doi:10.1000/example.2020.1" in email
        text = client.get(f"{PUBLIC}/render/text").text
        assert "Trials support this.[1]" in text and "[2] Handbook of Example" in text
        jsonld = json.loads(web.split('type="application/ld+json">')[1].split("</script>")[0])
        assert "https://doi.org/10.1000/example.2020.1" in jsonld["citation"][0]["sameAs"]
        assert "https://pubmed.ncbi.nlm.nih.gov/12345678/" in jsonld["citation"][0]["sameAs"]
        assert jsonld["reviewedBy"]["name"] == "Rita Reviewer"


def test_an_urgent_correction_reaches_webhooks_and_the_feed(
    trust_server: tuple[str, Path],
) -> None:
    base_url, database = trust_server
    editor = bearer(database, "Erin Editor", "editor")
    reviewer = bearer(database, "Rita Reviewer", "reviewer")
    admin = bearer(database, "Ada Admin", "admin")
    note = "We corrected the maximum IV dose."
    with Receiver() as receiver, httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        subscribe(client, admin, receiver.url, ["article.corrected"])
        edit_intro(client, editor, "Ketamine is an anaesthetic, also studied for anxiety.")
        published = approve_and_publish(
            client,
            editor,
            reviewer,
            publish_body={"correction": {"note": note, "is_urgent": True}},
        )
        (got,) = receiver.wait_for(1)
        assert got.json()["type"] == "article.corrected"
        assert got.json()["data"]["note"] == note
        assert got.json()["data"]["revision"] == published["revision"]
        [entry] = feed_actions(client, "corrected")
        assert (entry["note"], entry["revision"]) == (note, published["revision"])
        corrections = client.get(PUBLIC).json()["corrections"]
        assert [(c["note"], c["is_urgent"]) for c in corrections] == [(note, True)]
        assert note in client.get(f"{PUBLIC}/render/text").text
        assert f"Urgent correction: {note}" in client.get("/v1/newsletter").json()["text"]
        time.sleep(0.5)
        assert len(receiver.received) == 1


def test_a_due_date_passing_announces_once_also_across_restarts(tmp_path: Path) -> None:
    database, clock = tmp_path / "content.db", tmp_path / "clock"
    env = {**ENV, "SCHEDULER_CLOCK_FILE": str(clock)}
    clock.write_text(LONG_BEFORE)
    with Receiver() as receiver:
        with (
            running_server(database, env=env) as base_url,
            httpx.Client(base_url=base_url, timeout=TIMEOUT) as c,
        ):
            due, midnight = seed_due(c)
            clock.write_text((midnight - timedelta(minutes=1)).isoformat())
            admin = bearer(database, "Ada Admin", "admin")
            subscribe(c, admin, receiver.url, ["article.review_due"])
            time.sleep(1.0)  # two polls with the clock before the due date: nothing
            assert feed_actions(c, "review_due") == []
            clock.write_text((midnight + timedelta(seconds=1)).isoformat())  # moved while running
            [entry] = wait_for_feed(c, "review_due")
            assert entry["note"] == f"Review due {due.isoformat()}"
            assert c.get(PUBLIC).json()["review_overdue"] is True
            (got,) = receiver.wait_for(1)
            assert got.json()["type"] == "article.review_due"
        clock.write_text((midnight + timedelta(days=31)).isoformat())
        with (
            running_server(database, env=env) as base_url,
            httpx.Client(base_url=base_url, timeout=TIMEOUT) as c,
        ):
            time.sleep(1.0)
            assert len(feed_actions(c, "review_due")) == 1
        assert len(receiver.received) == 1


def test_a_due_date_missed_while_down_is_caught_up_once(tmp_path: Path) -> None:
    database, clock = tmp_path / "content.db", tmp_path / "clock"
    env = {**ENV, "SCHEDULER_CLOCK_FILE": str(clock)}
    clock.write_text(LONG_BEFORE)
    with Receiver() as receiver:
        with (
            running_server(database, env=env) as base_url,
            httpx.Client(base_url=base_url, timeout=TIMEOUT) as c,
        ):
            due, midnight = seed_due(c)
            clock.write_text((midnight - timedelta(days=17)).isoformat())
            subscribe(
                c, bearer(database, "Ada Admin", "admin"), receiver.url, ["article.review_due"]
            )
            time.sleep(0.6)
            assert feed_actions(c, "review_due") == []
        # The due date passed while it was down.
        clock.write_text((midnight + timedelta(days=4, hours=8)).isoformat())
        with (
            running_server(database, env=env) as base_url,
            httpx.Client(base_url=base_url, timeout=TIMEOUT) as c,
        ):
            assert len(wait_for_feed(c, "review_due")) == 1
            (got,) = receiver.wait_for(1)
            assert got.json()["data"]["article"] == SLUG
            queue = c.get(
                "/v1/admin/reviews",
                params={"due_before": (due + timedelta(days=5)).isoformat()},
                headers=bearer(database, "Erin Editor", "editor"),
            ).json()["reviews"]
            assert [(r["slug"], r["review_overdue"]) for r in queue] == [(SLUG, True)]
        time.sleep(0.3)
        assert len(receiver.received) == 1
