"""Guarded public actions over HTTP: republish after an unpublish, a schedule in the past,
cancelling a schedule, and a save that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.admin_flow import ADMIN_ARTICLE, DRAFT, approve_iv_maximum
from tests.api.admin.drafting import PUBLIC, draft_section, read_draft
from tests.conftest import SLUG, Client, Headers


def test_republish_puts_the_withdrawn_revision_back_with_a_rolled_back_event(
    client: Client, editor_headers: Headers, admin_headers: Headers
) -> None:
    before = client.get(PUBLIC).json()
    assert client.post(f"{ADMIN_ARTICLE}/unpublish", headers=editor_headers).status_code == 200
    assert client.get(PUBLIC).status_code == 404

    response = client.post(f"{ADMIN_ARTICLE}/republish", headers=editor_headers)

    assert response.status_code == 200, response.text
    assert (response.json()["action"], response.json()["revision"]) == ("republished", 2)
    after = client.get(PUBLIC).json()
    assert after["revision"] == 2
    assert after["sections"] == before["sections"]
    event = client.get("/v1/changes").json()["changes"][-1]
    assert (event["action"], event["revision"]) == ("rolled_back", 2)
    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert audit["entries"][-1]["action"] == "republished"


def test_republish_of_a_live_article_is_409_and_changes_nothing(
    client: Client, editor_headers: Headers
) -> None:
    response = client.post(f"{ADMIN_ARTICLE}/republish", headers=editor_headers)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(PUBLIC).json()["revision"] == 1


def test_republish_needs_an_editor(client: Client, reviewer_headers: Headers) -> None:
    assert client.post(f"{ADMIN_ARTICLE}/republish", headers=reviewer_headers).status_code == 403


def test_a_schedule_in_the_past_is_refused_and_nothing_is_published(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    approve_iv_maximum(client, editor_headers, reviewer_headers)
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()

    response = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor_headers, json={"at": past})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "in the past" in response.json()["detail"]
    assert response.json()["errors"] == [{"path": "$.at", "message": "in the past"}]
    assert client.get(PUBLIC).json()["revision"] == 1
    draft, _ = read_draft(client, editor_headers)
    assert (draft["state"], draft["scheduled_at"]) == ("approved", None)


def test_cancel_schedule_keeps_the_approval_and_clears_the_time(
    client: Client, editor_headers: Headers, reviewer_headers: Headers, admin_headers: Headers
) -> None:
    approve_iv_maximum(client, editor_headers, reviewer_headers)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    scheduled = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor_headers, json={"at": later})
    assert scheduled.status_code == 202

    response = client.delete(f"{ADMIN_ARTICLE}/schedule", headers=editor_headers)

    assert response.status_code == 200, response.text
    assert (response.json()["state"], response.json()["scheduled_at"]) == ("approved", None)
    assert response.headers["etag"] == client.get(DRAFT, headers=editor_headers).headers["etag"]
    again = client.delete(f"{ADMIN_ARTICLE}/schedule", headers=editor_headers)
    assert again.status_code == 409
    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert audit["entries"][-1]["action"] == "schedule_cancelled"


def test_saving_a_section_unchanged_is_no_edit(client: Client, editor_headers: Headers) -> None:
    draft, etag = read_draft(client, editor_headers)
    intro = draft_section(draft, "intro")

    response = client.put(
        f"{DRAFT}/sections/intro", json=intro, headers={**editor_headers, "If-Match": etag}
    )

    assert response.status_code == 200
    assert response.headers["etag"] == etag
    assert (response.json()["version"], response.json()["editors"]) == (draft["version"], [])
    patched = client.patch(
        DRAFT,
        json={"title": draft["fields"]["title"]},
        headers={**editor_headers, "If-Match": etag},
    )
    assert (patched.status_code, patched.headers["etag"]) == (200, etag)
