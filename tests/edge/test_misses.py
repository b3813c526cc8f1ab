"""A worker that does not hold a response reads the body another worker prepared and stored."""

from __future__ import annotations

from litestar.testing import TestClient

from service.app import create_app
from service.config import Settings
from tests.conftest import ARTICLE


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
