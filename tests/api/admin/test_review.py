"""Review routes over HTTP: four eyes by name, and action bodies validated with field paths."""

from __future__ import annotations

from typing import Any

import pytest

from tests.admin_flow import ADMIN_ARTICLE, DRAFT
from tests.api.admin.drafting import THERAPIES, iv_dose_changed, read_draft
from tests.conftest import EDITOR, SLUG, Client, Headers


def test_the_editor_cannot_approve_even_with_a_reviewer_token_of_their_own_name(
    client: Client,
    editor_headers: Headers,
    editor_reviewer_headers: Headers,
    reviewer_headers: Headers,
    admin_headers: Headers,
) -> None:
    draft, etag = read_draft(client, editor_headers)
    client.put(
        THERAPIES, headers={**editor_headers, "If-Match": etag}, json=iv_dose_changed(draft, 0.8)
    )
    client.post(f"{DRAFT}/submit", headers=editor_headers)
    _, etag = read_draft(client, editor_reviewer_headers)

    denied = client.post(f"{DRAFT}/approve", headers={**editor_reviewer_headers, "If-Match": etag})
    assert denied.status_code == 403
    assert EDITOR in denied.json()["detail"]
    after, etag_after = read_draft(client, reviewer_headers)
    assert (after["state"], after["review"], etag_after) == ("in_review", None, etag)

    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert audit["entries"][-1]["action"] == "approval_denied"
    approved = client.post(f"{DRAFT}/approve", headers={**reviewer_headers, "If-Match": etag})
    assert approved.status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        ("/draft/approve", {"credentials": 7}, "$.credentials"),
        ("/draft/reject", {"reason": ""}, "$.reason"),
        ("/draft/reject", {}, "$"),
        ("/publish", {"at": "2030-01-01T10:00:00"}, "$.at"),
        ("/publish", {"at": "soon"}, "$.at"),
        ("/rollback", {"revision": "one"}, "$.revision"),
        ("/rollback", {"revision": 0}, "$.revision"),
        ("/rollback", {"revision": 9}, "$.revision"),
    ],
    ids=[
        "credentials-wrong-type",
        "empty-reason",
        "missing-reason",
        "at-without-offset",
        "at-not-a-time",
        "revision-wrong-type",
        "revision-zero",
        "revision-unknown",
    ],
)
def test_action_bodies_are_validated_with_field_paths(
    client: Client, admin_headers: Headers, url: str, body: Any, path: str
) -> None:
    _, etag = read_draft(client, admin_headers)
    response = client.post(
        f"{ADMIN_ARTICLE}{url}", json=body, headers={**admin_headers, "If-Match": etag}
    )
    assert response.status_code == 400, response.text
    assert path in [error["path"] for error in response.json()["errors"]]
