"""A worker that does not hold a response reads the body another worker prepared and stored."""

from __future__ import annotations

import gzip

import brotli
from litestar.testing import TestClient

from service.app import create_app
from service.channels import RENDERER_VERSION
from service.config import Settings
from service.store.db import ContentDB
from service.store.prepared import article_variant, get_live_body
from tests.conftest import ARTICLE, SLUG


def test_a_body_stored_by_one_worker_is_answered_by_anothers_edge(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)  # two workers, one database
    paths = (ARTICLE, f"{ARTICLE}/render/web", f"{ARTICLE}/render/text")
    assert all(second.edge.load(path, b"") is None for path in paths)  # type: ignore[attr-defined]
    with TestClient(first) as one, TestClient(second) as two:
        plain = {"Accept-Encoding": "identity"}
        built = {path: one.get(path, headers=plain) for path in paths}
        for path in paths:
            entry = second.edge.load(path, b"")  # type: ignore[attr-defined]
            assert entry is not None and entry.prepared.body == built[path].content
            answer = two.get(path, headers=plain)
            for header in ("etag", "surrogate-key", "content-type", "cache-control"):
                assert answer.headers[header] == built[path].headers[header]
            assert answer.content == built[path].content
        assert second.edge.load(f"{ARTICLE}?format=text", b"x") is None  # type: ignore[attr-defined]
        assert two.get("/v1/articles/missing").status_code == 404


def test_a_miss_serves_the_codings_stored_with_the_body(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)  # two workers, one database
    with TestClient(first) as one:
        identity = one.get(ARTICLE, headers={"Accept-Encoding": "identity"}).content
    db = ContentDB(settings.content_db)
    with db.read() as conn:
        stored = get_live_body(conn, SLUG, article_variant("html"), RENDERER_VERSION)
    assert stored is not None and stored.prepared is not None
    assert stored.prepared.brotli is not None and stored.prepared.gzip is not None
    assert brotli.decompress(stored.prepared.brotli) == identity
    assert gzip.decompress(stored.prepared.gzip) == identity
    # Another valid coding of the same bytes in the store: the other worker must send it as is.
    recoded = brotli.compress(identity, quality=11)
    assert recoded != stored.prepared.brotli
    with db.write(is_content=False) as conn:
        conn.execute("UPDATE prepared SET body_br = ? WHERE variant = 'json html'", (recoded,))
    with TestClient(second) as two:
        answer = two.get(ARTICLE, headers={"Accept-Encoding": "br"})
    assert answer.headers["content-encoding"] == "br"
    assert answer.headers["etag"] == stored.prepared.etag[:-1] + '-br"'
    assert answer.content == identity  # the client decoded it
    entry = second.edge.cache.get((ARTICLE, b""))  # type: ignore[attr-defined]
    assert entry is not None and entry.prepared.body_for("br") == recoded
