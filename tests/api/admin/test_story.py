"""The editorial story over HTTP, end to end: draft, review, publish, the public side, the audit."""

from __future__ import annotations

from litestar import Litestar

from tests.admin_flow import ADMIN_ARTICLE, DRAFT
from tests.api.admin.drafting import (
    PUBLIC,
    THERAPIES,
    assert_no_draft_in_public,
    draft_section,
    iv_dose_changed,
    public_etags,
    read_draft,
    with_id,
)
from tests.conftest import EDITOR, REVIEWER, SLUG, Client, Headers


def test_editorial_story_from_draft_to_public_with_audit(
    app: Litestar,
    client: Client,
    editor_headers: Headers,
    reviewer_headers: Headers,
    admin_headers: Headers,
) -> None:
    before = public_etags(client)
    draft, etag = read_draft(client, editor_headers)
    assert (draft["state"], draft["base_revision"]) == ("draft", 1)
    assert_no_draft_in_public(app, client)

    edited = client.put(
        THERAPIES,
        headers={**with_id(editor_headers, "story-edit"), "If-Match": etag},
        json=iv_dose_changed(draft, 0.8),
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["etag"] != etag
    assert_no_draft_in_public(app, client)

    submitted = client.post(f"{DRAFT}/submit", headers=with_id(editor_headers, "story-submit"))
    assert submitted.json()["state"] == "in_review"
    assert_no_draft_in_public(app, client)

    _, review_etag = read_draft(client, reviewer_headers)
    diff = client.get(f"{DRAFT}/diff", headers=reviewer_headers).json()
    changes = [(c["section"], c["path"], c["before"], c["after"]) for c in diff["changes"]]
    assert ("therapy-types", "therapies[0].dose.max", 1.0, 0.8) in changes
    assert {path for _, path, _, _ in changes} == {"therapies[0].dose.max", "therapies[0].body"}
    approved = client.post(
        f"{DRAFT}/approve",
        headers={**with_id(reviewer_headers, "story-approve"), "If-Match": review_etag},
        json={"credentials": "MD, Psychiatry"},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert_no_draft_in_public(app, client)

    published = client.post(
        f"{ADMIN_ARTICLE}/publish", headers=with_id(editor_headers, "story-publish")
    )
    assert published.status_code == 200, published.text
    assert published.json()["revision"] == 2
    assert published.json()["sections_changed"] == ["therapy-types"]

    article = client.get(PUBLIC).json()
    assert article["revision"] == 2
    assert article["review"]["reviewed_by"] == {"name": REVIEWER, "credentials": "MD, Psychiatry"}
    iv = draft_section(article, "therapy-types")["therapies"][0]
    assert (iv["dose"]["min"], iv["dose"]["max"]) == (0.5, 0.8)
    after = public_etags(client)
    assert after[""] != before[""]
    assert after["therapy-types"] != before["therapy-types"]
    assert {k: v for k, v in after.items() if k not in {"", "therapy-types"}} == {
        k: v for k, v in before.items() if k not in {"", "therapy-types"}
    }
    # The next draft starts from the new live revision.
    assert read_draft(client, editor_headers)[0]["base_revision"] == 2

    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    steps = [(e["action"], e["actor"], e["role"], e["request_id"]) for e in audit["entries"]]
    assert steps == [
        ("section_saved", EDITOR, "editor", "story-edit"),
        ("submitted", EDITOR, "editor", "story-submit"),
        ("approved", REVIEWER, "reviewer", "story-approve"),
        ("published", EDITOR, "editor", "story-publish"),
    ]
    assert audit["entries"][-1]["revision"] == 2
