"""Only public changes invalidate, and only the responses of what they touched."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from seed.data import load_seed_article
from seed.loader import publish_seed_variant
from service.edge.replay import ResponseCache
from service.editorial.actor import Actor
from service.editorial.live import unpublish
from service.editorial.publishing import make_live
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.admin_flow import DRAFT, put_section
from tests.conftest import ARTICLE, SLUG, Client
from tests.tokens import Headers

OTHER = f"{SLUG}-other"


def publish_other_article(path: Path) -> None:
    """A second live article, published through a connection of its own (another worker)."""
    db = ContentDB(path)
    seed = load_seed_article()
    with db.write() as conn:
        article_id = content.insert_article(conn, OTHER, actor="test", at=utc_now())
        make_live(
            conn,
            article_id,
            fields=seed.fields,
            sections=seed.sections,
            review=seed.review,
            actor="test",
            at=utc_now(),
        )
    db.close()


PATHS = (ARTICLE, f"{ARTICLE}/sections/safety", f"{ARTICLE}/render/web", "/v1/articles")


def cached(cache: ResponseCache, path: str) -> object:
    """The entry the edge holds for a path without a query (None when it holds none)."""
    return cache._entries.get((path, b""))


def test_a_draft_save_leaves_cached_public_responses_in_place(
    app: Litestar, client: Client, editor_headers: Headers
) -> None:
    cache: ResponseCache = app.state["cache"]
    for path in PATHS:
        assert client.get(path).status_code == 200
    held = {path: cached(cache, path) for path in PATHS}
    marker = app.state["db"].public_generation.current()
    draft = client.get(DRAFT, headers=editor_headers)
    intro = next(s for s in draft.json()["sections"] if s["key"] == "intro")
    intro["body"] += " A draft change nobody may read yet."
    put_section(client, editor_headers, intro, draft.headers["etag"])
    assert app.state["db"].public_generation.current() == marker
    hits = cache.hits
    for path in PATHS:
        assert client.get(path).status_code == 200
        assert cached(cache, path) is held[path]
    assert cache.hits == hits + len(PATHS)


def test_a_publish_of_one_article_leaves_another_articles_responses_in_place(
    app: Litestar, client: Client
) -> None:
    publish_other_article(app.state["db"].path)
    other_paths = (f"/v1/articles/{OTHER}", f"/v1/articles/{OTHER}/render/web")
    for path in (*PATHS, *other_paths):
        assert client.get(path).status_code == 200
    cache: ResponseCache = app.state["cache"]
    held = {path: cached(cache, path) for path in other_paths}
    publish_seed_variant(ContentDB(app.state["db"].path), intro_body="New.", actor="test")
    hits = cache.hits
    for path in other_paths:
        assert client.get(path).status_code == 200
        assert cached(cache, path) is held[path]
    assert cache.hits == hits + len(other_paths)
    # The published article and the list naming it are rebuilt, and show the change.
    assert client.get(ARTICLE).json()["sections"][0]["body"] == "<p>New.</p>\n"
    listed = {a["slug"]: a["revision"] for a in client.get("/v1/articles").json()["articles"]}
    assert listed[SLUG] == client.get(ARTICLE).json()["revision"]


def test_an_unpublish_drops_the_article_but_not_the_others(app: Litestar, client: Client) -> None:
    publish_other_article(app.state["db"].path)
    client.get(ARTICLE)
    client.get(f"/v1/articles/{OTHER}")
    held = cached(app.state["cache"], f"/v1/articles/{OTHER}")
    unpublish(ContentDB(app.state["db"].path), Actor(name="Ed", role="editor"), SLUG)
    assert client.get(ARTICLE).status_code == 404
    assert client.get(f"/v1/articles/{OTHER}").status_code == 200
    assert cached(app.state["cache"], f"/v1/articles/{OTHER}") is held
