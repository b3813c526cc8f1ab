"""The edge answers repeated public GETs from prepared bytes and drops them when content moves."""

from __future__ import annotations

from litestar import Litestar

from seed.loader import publish_seed_variant
from service.edge.replay import ResponseCache
from service.store.db import ContentDB
from tests.conftest import ARTICLE, Client


def publish_intro(db: ContentDB, body: str) -> int:
    """Publish a revision whose intro says ``body``, through a connection of its own."""
    return publish_seed_variant(db, intro_body=body, actor="edge-test")


def test_second_request_is_a_hit_with_identical_answer(app: Litestar, client: Client) -> None:
    cache: ResponseCache = app.state["cache"]
    first = client.get(ARTICLE, headers={"Accept-Encoding": "gzip"})
    hits = cache.hits
    second = client.get(ARTICLE, headers={"Accept-Encoding": "gzip"})
    assert cache.hits == hits + 1
    assert second.content == first.content
    for header in ("etag", "cache-control", "surrogate-key", "content-encoding", "vary"):
        assert second.headers[header] == first.headers[header]
    conditional = client.get(ARTICLE, headers={"If-None-Match": first.headers["etag"]})
    assert conditional.status_code == 304 and cache.hits == hits + 2


def test_a_publish_from_another_process_is_visible_on_the_next_request(
    app: Litestar, client: Client
) -> None:
    before = client.get(ARTICLE).json()
    client.get(ARTICLE)  # cached now
    other_worker = ContentDB(app.state["db"].path)  # its own connection, as another process has
    number = publish_intro(other_worker, "Updated by another worker.")
    after = client.get(ARTICLE).json()
    assert after["revision"] == number == before["revision"] + 1
    assert after["sections"][0]["body"] == "<p>Updated by another worker.</p>\n"
    section = client.get(f"{ARTICLE}/sections/intro").json()
    assert section["body"] == "<p>Updated by another worker.</p>\n"


def test_unchanged_section_keeps_its_etag_across_publishes(app: Litestar, client: Client) -> None:
    safety = client.get(f"{ARTICLE}/sections/safety").headers["etag"]
    intro = client.get(f"{ARTICLE}/sections/intro").headers["etag"]
    publish_intro(ContentDB(app.state["db"].path), "A new introduction.")
    assert client.get(f"{ARTICLE}/sections/safety").headers["etag"] == safety
    assert client.get(f"{ARTICLE}/sections/intro").headers["etag"] != intro


def test_errors_are_never_cached(app: Litestar, client: Client) -> None:
    assert client.get("/v1/articles/later-article").status_code == 404
    assert client.get("/v1/articles/later-article").status_code == 404
    cache: ResponseCache = app.state["cache"]
    assert all(key[0] != "/v1/articles/later-article" for key in cache._entries)
