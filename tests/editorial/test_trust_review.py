"""Reviewer profiles, review cadence (the due queue and its announcement) and corrections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.admin import Role
from service.config import Settings
from service.editorial.cadence import add_months, announce_due_reviews
from service.jobs.scheduler import Scheduler
from service.store.db import ContentDB
from tests.conftest import REVIEWER, Headers
from tests.reviewer_profiles import ensure_reviewer_profile
from tests.trust_flow import (
    DRAFT,
    PUBLIC,
    SLUG,
    approve_and_publish,
    draft_etag,
    edit_intro,
    seed_due,
    seed_review_line,
)

Client = TestClient[Litestar]
PROFILE = {
    "name": "Dr Grace Hopper",
    "credentials": "MBBS, MRCPsych",
    "registering_body": "GMC",
    "registration_number": "7123456",
    "registration_expires": "2030-01-31",
    "competing_interests": "None declared.",
}


def in_review(client: Client, editor: Headers) -> None:
    """An edited draft submitted for review."""
    edit_intro(client, editor, "Ketamine is an anaesthetic also studied for anxiety.")
    client.post(f"{DRAFT}/submit", headers=editor).raise_for_status()


def approve(client: Client, reviewer: Headers, body: dict[str, Any] | None = None) -> Any:
    """POST approve with the draft's ETag."""
    _, etag = draft_etag(client, reviewer)
    return client.post(f"{DRAFT}/approve", json=body or {}, headers={**reviewer, "If-Match": etag})


def test_admin_keeps_reviewer_profiles(client: Client, admin_headers: Headers) -> None:
    created = client.post("/v1/admin/reviewers", json=PROFILE, headers=admin_headers)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert (profile["is_current"], profile["is_placeholder"]) == (True, False)
    assert created.headers["location"] == f"/v1/admin/reviewers/{profile['id']}"
    again = client.post("/v1/admin/reviewers", json=PROFILE, headers=admin_headers)
    assert again.status_code == 409
    changed = client.patch(
        f"/v1/admin/reviewers/{profile['id']}",
        json={"registration_expires": "2020-01-01"},
        headers=admin_headers,
    )
    assert changed.json()["is_current"] is False
    names = [
        r["name"]
        for r in client.get("/v1/admin/reviewers", headers=admin_headers).json()["reviewers"]
    ]
    assert "Dr Grace Hopper" in names and "Seed Reviewer (placeholder)" in names
    deleted = client.delete(f"/v1/admin/reviewers/{profile['id']}", headers=admin_headers)
    assert deleted.status_code == 204
    assert (
        client.get(f"/v1/admin/reviewers/{profile['id']}", headers=admin_headers).status_code == 404
    )


def test_only_admins_change_profiles(client: Client, reviewer_headers: Headers) -> None:
    response = client.post("/v1/admin/reviewers", json=PROFILE, headers=reviewer_headers)
    assert response.status_code == 403


def test_the_seed_placeholder_stays_a_placeholder(client: Client, admin_headers: Headers) -> None:
    reviewers = client.get("/v1/admin/reviewers", headers=admin_headers).json()["reviewers"]
    seed = next(r for r in reviewers if r["name"] == "Seed Reviewer (placeholder)")
    assert (seed["is_placeholder"], seed["is_current"]) == (True, False)
    response = client.patch(
        f"/v1/admin/reviewers/{seed['id']}",
        json={"registration_expires": "2030-01-01"},
        headers=admin_headers,
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (None, "has no reviewer profile"),
        (date(2024, 6, 30), "expired on 2024-06-30"),
    ],
    ids=["no-profile", "expired"],
)
def test_approving_needs_a_current_profile(
    client: Client,
    settings: Settings,
    editor_headers: Headers,
    token_headers: Callable[[str, Role], Headers],
    setup: date | None,
    reason: str,
) -> None:
    headers = token_headers("Val Expired", "editor")  # an editor token: no profile made for it
    headers = {**headers, **token_headers("Val Expired", "reviewer")}
    if setup is None:
        # token_headers gives reviewers a profile; remove it to test the case without.
        db = ContentDB(settings.content_db)
        with db.write() as conn:
            conn.execute("DELETE FROM reviewers WHERE name = 'Val Expired'")
        db.close()
    else:
        db = ContentDB(settings.content_db)
        with db.write() as conn:
            conn.execute(
                "UPDATE reviewers SET registration_expires = ? WHERE name = 'Val Expired'",
                (setup.isoformat(),),
            )
        db.close()
    in_review(client, editor_headers)
    response = approve(client, headers)
    assert response.status_code == 403
    assert reason in response.json()["detail"]
    assert draft_etag(client, editor_headers)[0]["state"] == "in_review"


def test_byline_and_json_ld_come_from_the_profile(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    in_review(client, editor_headers)
    assert (
        approve(client, reviewer_headers, {"credentials": "typed at approval"}).status_code == 200
    )
    client.post(f"/v1/admin/articles/{SLUG}/publish", headers=editor_headers).raise_for_status()
    byline = client.get(PUBLIC).json()["review"]["reviewed_by"]
    assert byline["credentials"] == "MD, Psychiatry"  # the profile's, not the typed text
    assert (byline["registering_body"], byline["registration_number"]) == ("GMC", "7000001")
    web = client.get(f"{PUBLIC}/render/web").text
    assert '"identifier":{"@type":"PropertyValue","propertyID":"GMC","value":"7000001"}' in web


def test_next_review_due_defaults_to_the_article_interval(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    in_review(client, editor_headers)
    approved = approve(client, reviewer_headers)
    today = datetime.now(UTC).date()
    assert approved.json()["review"]["next_review_due"] == add_months(today, 12).isoformat()


def test_next_review_due_may_be_chosen_but_not_in_the_past(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    in_review(client, editor_headers)
    past = approve(client, reviewer_headers, {"next_review_due": "2020-01-01"})
    assert past.status_code == 400
    assert past.json()["errors"][0]["path"] == "$.next_review_due"
    chosen = approve(client, reviewer_headers, {"next_review_due": "2028-06-01"})
    assert chosen.json()["review"]["next_review_due"] == "2028-06-01"


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)


def test_a_review_falling_due_is_announced_once(
    client: Client, settings: Settings, admin_headers: Headers
) -> None:
    due, midnight = seed_due(client)
    day_after = (due + timedelta(days=1)).isoformat()
    hook = client.post(
        "/v1/admin/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["article.review_due"]},
        headers=admin_headers,
    )
    assert hook.status_code == 201, hook.text
    queue = client.get("/v1/admin/reviews", params={"due_before": day_after}, headers=admin_headers)
    assert [(r["slug"], r["review_overdue"]) for r in queue.json()["reviews"]] == [(SLUG, False)]
    db = ContentDB(settings.content_db)
    scheduler = Scheduler(db)
    scheduler.tick(midnight - timedelta(hours=1))  # the day before: nothing
    assert "review_due" not in [c["action"] for c in client.get("/v1/changes").json()["changes"]]
    for _ in range(3):  # and again, as other workers or a restarted one would
        Scheduler(db).tick(midnight + timedelta(hours=9))
    # Even asked directly, as a worker that missed the others' write would ask: nothing more.
    assert announce_due_reviews(db, midnight + timedelta(days=1)) == []
    db.close()
    entries = client.get("/v1/changes").json()["changes"]
    announced = [c for c in entries if c["action"] == "review_due"]
    assert [(c["article"], c["revision"], c["note"]) for c in announced] == [
        (SLUG, 1, f"Review due {due.isoformat()}")
    ]
    deliveries = client.get(
        f"/v1/admin/webhooks/{hook.json()['id']}/deliveries", headers=admin_headers
    )
    assert [d["event_type"] for d in deliveries.json()["deliveries"]] == ["article.review_due"]
    assert client.get(PUBLIC).json()["review_overdue"] is True
    assert client.get("/v1/articles").json()["articles"][0]["review_overdue"] is True
    queue = client.get(
        "/v1/admin/reviews", params={"due_before": day_after}, headers=admin_headers
    ).json()["reviews"]
    assert queue[0]["review_overdue"] is True
    assert "Review due" not in client.get("/v1/newsletter").json()["text"]


def test_readers_see_review_dates_and_the_placeholder_in_every_channel(client: Client) -> None:
    article = client.get(PUBLIC).json()
    line = seed_review_line(article["review"])  # dated when the seed was loaded, due a year on
    assert article["review"]["reviewed_by"]["is_placeholder"] is True
    for channel in ("web", "email", "text"):
        body = client.get(f"{PUBLIC}/render/{channel}").text
        assert line in body, channel
        assert "placeholder for seed data, not a real medical review" in body, channel


def test_an_urgent_correction_is_logged_flagged_and_sent(
    client: Client, editor_headers: Headers, reviewer_headers: Headers, admin_headers: Headers
) -> None:
    hook = client.post(
        "/v1/admin/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["article.corrected"]},
        headers=admin_headers,
    ).json()
    note = "We corrected the maximum IV dose."
    edit_intro(client, editor_headers, "Ketamine is an anaesthetic also studied for anxiety.")
    approve_and_publish(
        client,
        editor_headers,
        reviewer_headers,
        publish_body={"correction": {"note": note, "is_urgent": True}},
    )
    article = client.get(PUBLIC).json()
    assert [(c["note"], c["revision"], c["is_urgent"]) for c in article["corrections"]] == [
        (note, 2, True)
    ]
    changes = client.get("/v1/changes").json()["changes"][-2:]
    assert [(c["action"], c["note"]) for c in changes] == [("published", note), ("corrected", note)]
    deliveries = client.get(f"/v1/admin/webhooks/{hook['id']}/deliveries", headers=admin_headers)
    [delivery] = deliveries.json()["deliveries"]
    assert delivery["payload"]["data"]["note"] == note
    assert f"Urgent correction: {note}" in client.get("/v1/newsletter").json()["text"]
    assert note in client.get(f"{PUBLIC}/render/web").text
    assert f"(urgent): {note}" in client.get(f"{PUBLIC}/render/text").text


def test_a_plain_correction_sends_no_corrected_event(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    edit_intro(client, editor_headers, "Ketamine is an anaesthetic also studied for anxiety.")
    approve_and_publish(
        client, editor_headers, reviewer_headers, publish_body={"correction": {"note": "Typo."}}
    )
    actions = [c["action"] for c in client.get("/v1/changes").json()["changes"]]
    assert "corrected" not in actions
    assert client.get(PUBLIC).json()["corrections"][0]["is_urgent"] is False


def test_a_correction_cannot_be_scheduled(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    in_review(client, editor_headers)
    approve(client, reviewer_headers)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = client.post(
        f"/v1/admin/articles/{SLUG}/publish",
        json={"at": later, "correction": {"note": "Fixed."}},
        headers=editor_headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.at"


def test_profile_helper_is_idempotent(settings: Settings, client: Client) -> None:
    ensure_reviewer_profile(settings.content_db, "Once Only")
    ensure_reviewer_profile(settings.content_db, "Once Only")


def clear_profile_credentials(client: Client, admin: Headers, name: str) -> None:
    """An admin empties the credentials of ``name``'s profile."""
    listed = client.get("/v1/admin/reviewers", headers=admin).json()["reviewers"]
    [profile] = [p for p in listed if p["name"] == name]
    cleared = client.patch(
        f"/v1/admin/reviewers/{profile['id']}", json={"credentials": ""}, headers=admin
    )
    assert cleared.status_code == 200 and cleared.json()["credentials"] == ""


@pytest.mark.parametrize("sent", [None, {"credentials": "   "}], ids=["none-sent", "blank-sent"])
def test_an_approval_that_would_leave_the_byline_without_credentials_is_refused(
    client: Client,
    admin_headers: Headers,
    editor_headers: Headers,
    reviewer_headers: Headers,
    sent: dict[str, Any] | None,
) -> None:
    clear_profile_credentials(client, admin_headers, REVIEWER)
    in_review(client, editor_headers)
    refused = approve(client, reviewer_headers, sent)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert "has no credentials" in problem["detail"]
    assert [e["path"] for e in problem["errors"]] == ["$.credentials"]
    assert draft_etag(client, editor_headers)[0]["state"] == "in_review"
    approved = approve(client, reviewer_headers, {"credentials": " MBBS, MRCPsych "})
    assert approved.status_code == 200
    assert approved.json()["review"]["reviewed_by"]["credentials"] == "MBBS, MRCPsych"
