"""Going live over HTTP: publish only when approved, unpublish, rollback to an old revision."""

from __future__ import annotations

import msgspec

from service.channels.render.references import resolve_references
from tests.admin_flow import ADMIN_ARTICLE
from tests.api.admin.drafting import PUBLIC, SEED, approve_and_publish
from tests.conftest import SLUG, Client, Headers


def test_publish_answers_409_naming_the_state_unless_approved(
    client: Client, editor_headers: Headers
) -> None:
    response = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor_headers)
    assert response.status_code == 409
    assert "`draft`" in response.json()["detail"]


def test_unpublish_withdraws_and_is_recorded(
    client: Client, editor_headers: Headers, admin_headers: Headers
) -> None:
    response = client.post(f"{ADMIN_ARTICLE}/unpublish", headers=editor_headers)
    assert response.status_code == 200
    assert client.get(PUBLIC).status_code == 404
    assert client.post(f"{ADMIN_ARTICLE}/unpublish", headers=editor_headers).status_code == 409
    event = client.get("/v1/changes").json()["changes"][-1]
    assert (event["action"], event["revision"]) == ("unpublished", None)
    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert (audit["entries"][-1]["action"], audit["entries"][-1]["revision"]) == ("unpublished", 1)
    back = client.post(f"{ADMIN_ARTICLE}/rollback", headers=editor_headers, json={"revision": 1})
    assert back.status_code == 200
    assert client.get(PUBLIC).json()["revision"] == 2


def test_rollback_to_revision_one_restores_the_seed_exactly(
    client: Client, editor_headers: Headers, reviewer_headers: Headers, admin_headers: Headers
) -> None:
    seeded_review = client.get(PUBLIC).json()["review"]  # the placeholder, dated when loaded
    approve_and_publish(client, editor_headers, reviewer_headers)
    assert client.get(PUBLIC).json()["review"] != seeded_review

    response = client.post(
        f"{ADMIN_ARTICLE}/rollback", headers=editor_headers, json={"revision": 1}
    )
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 3

    article = client.get(PUBLIC, params={"format": "markdown"}).json()
    assert article["revision"] == 3
    # Public markdown is the stored text with references to typed facts written out.
    assert article["sections"] == msgspec.to_builtins(resolve_references(SEED.sections))
    assert article["review"] == seeded_review
    assert (article["title"], article["summary"]) == (SEED.fields.title, SEED.fields.summary)

    history = client.get(f"{ADMIN_ARTICLE}/revisions", headers=editor_headers).json()
    assert [(r["number"], r["restored_from"], r["is_live"]) for r in history["revisions"]] == [
        (3, 1, True),
        (2, None, False),
        (1, None, False),
    ]
    changes = client.get("/v1/changes").json()["changes"]
    assert (changes[-1]["action"], changes[-1]["revision"]) == ("rolled_back", 3)
    assert changes[-1]["sections_changed"] == ["therapy-types"]
    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert audit["entries"][-1]["action"] == "rolled_back"
    assert audit["entries"][-1]["revision"] == 3
    diff = client.get(
        f"{ADMIN_ARTICLE}/revisions/3/diff", params={"against": 1}, headers=editor_headers
    ).json()
    assert diff["changes"] == []
