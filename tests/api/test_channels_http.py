"""Channel responses as HTTP: cacheable, conditional, open, 404 and 400 as problems, documented."""

from __future__ import annotations

import re

import pytest

from tests.api.channel_pages import EMAIL, TEXT, WEB
from tests.conftest import ARTICLE, SLUG, Client

CHANNELS = {
    "web": (WEB, "text/html; charset=utf-8"),
    "email": (EMAIL, "text/html; charset=utf-8"),
    "text": (TEXT, "text/plain; charset=utf-8"),
    "newsletter": ("/v1/newsletter", "application/json"),
    "feed": ("/v1/feed.atom", "application/atom+xml"),
}


@pytest.mark.parametrize("name", CHANNELS)
def test_channel_responses_are_cacheable_conditional_and_open(client: Client, name: str) -> None:
    path, media_type = CHANNELS[name]
    first = client.get(path, headers={"Accept-Encoding": "identity"})
    etag = first.headers["etag"]

    assert first.status_code == 200 and first.headers["content-type"] == media_type
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert "max-age=" in first.headers["cache-control"]
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert first.headers["surrogate-key"] and first.headers["access-control-allow-origin"] == "*"
    replayed = client.get(path, headers={"Accept-Encoding": "identity"})  # from the edge cache
    assert (replayed.headers["etag"], replayed.content) == (etag, first.content)
    assert replayed.headers["content-type"] == media_type
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == first.content  # httpx decodes gzip


@pytest.mark.parametrize("path", [WEB, EMAIL, TEXT], ids=["web", "email", "text"])
def test_renders_answer_unknown_slug_404_and_bad_sections_400(client: Client, path: str) -> None:
    missing = client.get(path.replace(SLUG, "no-such-article"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "no-such-article" in missing.json()["detail"]
    bad = client.get(path, params={"sections": "intro,not-a-key"})
    assert bad.status_code == 400 and "not-a-key" in bad.json()["detail"]
    only = client.get(path, params={"sections": "safety"})
    assert (
        only.status_code == 200
        and "section:" + SLUG + ":intro" not in only.headers["surrogate-key"]
    )


def test_openapi_documents_channel_routes_with_media_types(client: Client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    expected = {
        f"{ARTICLE.replace(SLUG, '{slug}')}/render/web": ("text/html", {"400", "404"}),
        f"{ARTICLE.replace(SLUG, '{slug}')}/render/email": ("text/html", {"400", "404"}),
        f"{ARTICLE.replace(SLUG, '{slug}')}/render/text": ("text/plain", {"400", "404"}),
        "/v1/newsletter": ("application/json", {"400"}),
        "/v1/feed.atom": ("application/atom+xml", set()),
    }
    for path, (media_type, problems) in expected.items():
        responses = paths[path]["get"]["responses"]
        ok = responses["200"]["content"][media_type]
        assert ok["schema"], path
        assert ok["examples"], path
        assert "304" in responses
        for status in problems:
            assert "application/problem+json" in responses[status]["content"], (path, status)
