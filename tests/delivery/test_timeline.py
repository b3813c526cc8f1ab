"""Time travel (`?as_of=`) and the sitemap over the real app."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.delivery import asof
from tests.api.admin.drafting import PUBLIC, approve_and_publish
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]


def iso(at: datetime) -> str:
    """An instant as the query string carries it."""
    return at.isoformat().replace("+00:00", "Z")


def test_as_of_before_and_after_a_publish_gives_the_two_revisions(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    time.sleep(0.01)
    between = datetime.now(UTC)
    time.sleep(0.01)
    approve_and_publish(client, editor_headers, reviewer_headers, maximum=0.7)
    after = datetime.now(UTC)
    before = client.get(PUBLIC, params={"as_of": iso(between)})
    now = client.get(PUBLIC, params={"as_of": iso(after)})
    assert (before.json()["revision"], now.json()["revision"]) == (1, 2)
    section = client.get(f"{PUBLIC}/sections/therapy-types", params={"as_of": iso(between)})
    assert section.json()["therapies"][0]["dose"]["max"] == 1.0
    text = client.get(f"{PUBLIC}/render/text", params={"as_of": iso(between)})
    assert text.status_code == 200
    assert "ZQX-DRAFT-ONLY" not in text.text
    assert "ZQX-DRAFT-ONLY" in client.get(f"{PUBLIC}/render/text").text


def test_as_of_before_the_first_publish_or_while_withdrawn_is_404(
    client: Client, editor_headers: Headers
) -> None:
    long_ago = iso(datetime(2000, 1, 1, tzinfo=UTC))
    assert client.get(PUBLIC, params={"as_of": long_ago}).status_code == 404
    assert client.post(f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers).is_success
    time.sleep(0.01)
    withdrawn = client.get(PUBLIC, params={"as_of": iso(datetime.now(UTC))})
    assert withdrawn.status_code == 404


def test_as_of_of_a_settled_past_is_immutable_and_now_is_not(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    recent = client.get(PUBLIC, params={"as_of": iso(datetime.now(UTC))})
    assert "immutable" not in recent.headers["cache-control"]
    monkeypatch.setattr(asof, "SETTLED_AFTER", timedelta(0))
    time.sleep(0.01)
    settled = client.get(PUBLIC, params={"as_of": iso(datetime.now(UTC))})
    assert settled.headers["cache-control"] == asof.IMMUTABLE_CACHE_CONTROL
    future = client.get(PUBLIC, params={"as_of": iso(datetime.now(UTC) + timedelta(days=1))})
    assert "immutable" not in future.headers["cache-control"]
    assert future.json()["revision"] == 1


def test_as_of_without_an_offset_or_unparsable_is_400(client: Client) -> None:
    for value in ("2026-01-01T00:00:00", "yesterday"):
        response = client.get(PUBLIC, params={"as_of": value})
        assert response.status_code == 400, value
        assert response.headers["content-type"].startswith("application/problem+json")


def test_sitemap_lists_live_articles_with_lastmod(client: Client, editor_headers: Headers) -> None:
    response = client.get("/v1/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert f"/v1/articles/{SLUG}/render/web</loc><lastmod>" in response.text
    client.post(f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers)
    assert SLUG not in client.get("/v1/sitemap.xml").text
