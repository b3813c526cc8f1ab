"""Public reads refuse query parameters they do not take, and key the cache by one canonical form
of those they do."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar

from service.api.public import query_names
from service.edge.replay import ResponseCache
from tests.conftest import ARTICLE, Client

# Every public read, with a query it does take (so the unknown one is the only fault).
PUBLIC_READS = [
    ("/v1/articles", "limit=5"),
    (ARTICLE, "format=text"),
    (f"{ARTICLE}/sections/intro", "format=markdown"),
    (f"{ARTICLE}/render/web", "sections=intro"),
    (f"{ARTICLE}/render/email", "sections=intro"),
    (f"{ARTICLE}/render/text", "sections=intro"),
    ("/v1/changes", "limit=5"),
    ("/v1/newsletter", "limit=5"),
    ("/v1/feed.atom", ""),
    ("/v1/schema/content.json", ""),
]


@pytest.mark.parametrize(("path", "known"), PUBLIC_READS, ids=[path for path, _ in PUBLIC_READS])
def test_an_unknown_query_parameter_is_a_400_naming_it(
    client: Client, path: str, known: str
) -> None:
    query = "&".join(part for part in (known, "bust=1") if part)
    answer = client.get(f"{path}?{query}")
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert [error["path"] for error in problem["errors"]] == ["bust"]
    assert "`bust`" in problem["detail"]
    if known:
        assert client.get(f"{path}?{known}").status_code == 200


def test_each_unknown_query_makes_no_cache_entry(client: Client, app: Litestar) -> None:
    cache: ResponseCache = app.state["cache"]
    assert client.get(ARTICLE).status_code == 200
    entries = len(cache._entries)
    for number in range(5):
        assert client.get(f"{ARTICLE}?bust={number}").status_code == 400
    assert len(cache._entries) == entries


def test_the_same_query_in_another_order_is_served_from_the_same_entry(
    client: Client, app: Litestar
) -> None:
    cache: ResponseCache = app.state["cache"]
    first = client.get(f"{ARTICLE}?format=text&sections=intro,safety")
    hits = cache.hits
    again = client.get(f"{ARTICLE}?sections=intro%2Csafety&format=text")
    assert again.status_code == 200
    assert again.headers["etag"] == first.headers["etag"]
    assert cache.hits == hits + 1


def test_the_spec_documents_exactly_the_query_parameters_a_read_takes(
    client: Client, app: Litestar
) -> None:
    spec = client.get("/schema/openapi.json").json()
    checked = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            template = re.sub(r":\w+}", "}", route.path)
            if "GET" not in handler.http_methods or not template.startswith("/v1/"):
                continue
            if template.startswith("/v1/admin"):
                continue
            operation = spec["paths"][template]["get"]
            documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert query_names(handler) == documented, route.path
            checked += 1
    assert checked == len(PUBLIC_READS)
