"""Sync over the real app: a full copy, then changes and tombstones, paged without loss."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.api.admin.drafting import approve_and_publish
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]


def sync(client: Client, token: str | None = None, limit: int = 50) -> dict[str, Any]:
    """One sync call that must succeed."""
    params: dict[str, Any] = {"limit": limit}
    if token is not None:
        params["token"] = token
    response = client.get("/v1/sync", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def sync_all(client: Client, token: str | None, limit: int) -> tuple[list[str], list[str], str]:
    """Follow `next_token` while `has_more`: slugs delivered, slugs deleted, the last token."""
    slugs: list[str] = []
    deleted: list[str] = []
    while True:
        page = sync(client, token, limit)
        slugs += [article["slug"] for article in page["articles"]]
        deleted += page["deleted"]
        token = page["next_token"]
        if not page["has_more"]:
            return slugs, deleted, page["next_token"]


def create_and_publish(client: Client, slug: str, editor: Headers, reviewer: Headers) -> None:
    """A new article, copied from the seed's fields, taken live."""
    seed = client.get(f"/v1/articles/{SLUG}", params={"format": "markdown"}).json()
    body = {
        "slug": slug,
        "title": f"Article {slug}",
        "summary": seed["summary"],
        "disclaimer": seed["disclaimer"],
        "sections": seed["sections"][:1],
    }
    created = client.post("/v1/admin/articles", headers=editor, json=body)
    assert created.status_code == 201, created.text
    draft = f"/v1/admin/articles/{slug}/draft"
    assert client.post(f"{draft}/submit", headers=editor).is_success
    etag = client.get(draft, headers=reviewer).headers["etag"]
    assert client.post(f"{draft}/approve", headers={**reviewer, "If-Match": etag}).is_success
    assert client.post(f"/v1/admin/articles/{slug}/publish", headers=editor).is_success


def test_full_sync_then_a_change_and_a_tombstone(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    first = sync(client)
    assert [a["slug"] for a in first["articles"]] == [SLUG]
    assert (first["deleted"], first["has_more"]) == ([], False)
    assert sync(client, first["next_token"]) == {**first, "articles": []}
    approve_and_publish(client, editor_headers, reviewer_headers, maximum=0.6)
    changed = sync(client, first["next_token"])
    assert [a["revision"] for a in changed["articles"]] == [2]
    assert client.post(f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers).is_success
    gone = sync(client, changed["next_token"])
    assert (gone["articles"], gone["deleted"]) == ([], [SLUG])


def test_paging_delivers_every_article_once(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    for number in range(4):
        create_and_publish(client, f"extra-{number}", editor_headers, reviewer_headers)
    slugs, deleted, token = sync_all(client, None, limit=2)
    assert sorted(slugs) == sorted([SLUG, *(f"extra-{n}" for n in range(4))])
    assert deleted == []
    client.post("/v1/admin/articles/extra-1/unpublish", headers=editor_headers)
    client.post("/v1/admin/articles/extra-3/unpublish", headers=editor_headers)
    slugs, deleted, _ = sync_all(client, token, limit=1)
    assert (slugs, deleted) == ([], ["extra-1", "extra-3"])


@pytest.mark.parametrize("token", ["nonsense", "ZXYxOjI", "c3kxOi0xOjA6MA"], ids=str)
def test_a_token_not_ours_is_400(client: Client, token: str) -> None:
    response = client.get("/v1/sync", params={"token": token})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
