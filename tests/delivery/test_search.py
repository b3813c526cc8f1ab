"""Search over the real app: stemming, folding, ranking, filters, paging, snippets, liveness."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.delivery.search import match_expression, run_search, sanitize_snippet
from service.editorial.search_index import fill_search_index
from service.store.db import ContentDB
from service.store.search import MARK_END, MARK_START, SearchFilters
from tests.api.admin.drafting import MARKER, approve_and_publish
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]


def hits(client: Client, **params: Any) -> list[dict[str, Any]]:
    """The hits of a search that must succeed."""
    response = client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["hits"])


def test_search_stems_and_folds_diacritics(client: Client) -> None:
    plain = hits(client, q="infusion")
    assert plain and all(hit["article"] == SLUG for hit in plain)
    assert hits(client, q="infusions") == plain
    assert hits(client, q="ÍNFÚSIÓN") == plain


def test_search_weights_titles_above_bodies(client: Client) -> None:
    found = hits(client, q="anxiety", limit=100)
    in_title = ["anxiety" in hit["title"].lower() for hit in found]
    assert True in in_title and False in in_title
    assert in_title == sorted(in_title, reverse=True)


def test_snippet_marks_the_words_and_escapes_everything_else() -> None:
    raw = f"a <script>x</script> {MARK_START}ketamine{MARK_END} & b"
    assert sanitize_snippet(raw) == (
        "a &lt;script&gt;x&lt;/script&gt; <mark>ketamine</mark> &amp; b"
    )


def test_reader_syntax_never_reaches_fts5() -> None:
    assert match_expression('ket* OR "x" NEAR(a b) -c') == '"ket" "OR" "x" "NEAR" "a" "b" "c"'


def test_search_snippets_come_highlighted(client: Client) -> None:
    assert any("<mark>" in hit["snippet"] for hit in hits(client, q="ketamine"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "explainer"}, {"explainer"}),
        ({"route": "intranasal"}, None),
        ({"condition": "panic disorder"}, None),
    ],
    ids=["kind", "route", "condition-any-case"],
)
def test_filters_narrow_hits(
    client: Client, params: dict[str, str], expected: set[str] | None
) -> None:
    found = hits(client, q="ketamine", **params)
    assert found
    if expected is not None:
        assert {hit["kind"] for hit in found} == expected


@pytest.mark.parametrize(
    "params",
    [{"route": "rectal"}, {"condition": "migraine"}],
    ids=["unknown-route", "unknown-condition"],
)
def test_filters_with_no_article_find_nothing(client: Client, params: dict[str, str]) -> None:
    assert hits(client, q="ketamine", **params) == []


def test_paging_walks_all_hits_without_repeats(client: Client) -> None:
    everything = hits(client, q="ketamine", limit=100)
    paged: list[dict[str, Any]] = []
    for offset in range(0, len(everything), 2):
        response = client.get("/v1/search", params={"q": "ketamine", "limit": 2, "offset": offset})
        paged += response.json()["hits"]
    assert paged == everything
    assert len(everything) > 2


@pytest.mark.parametrize(
    "params",
    [{"q": "!!!"}, {"q": ""}, {}, {"q": "x", "kind": "poem"}, {"q": "x", "limit": 0}],
    ids=["no-word", "empty", "missing", "unknown-kind", "zero-limit"],
)
def test_bad_search_is_400_problem(client: Client, params: dict[str, Any]) -> None:
    response = client.get("/v1/search", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_word_is_found_only_once_live_and_not_after_unpublish(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    word = MARKER.lower()
    approve_and_publish(client, editor_headers, reviewer_headers)
    # The draft held the word before publish; this checks only what is live is indexed.
    assert [hit["section_key"] for hit in hits(client, q=word)] == ["therapy-types"]
    assert client.post(f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers).is_success
    assert hits(client, q=word) == []
    assert hits(client, q="ketamine") == []


def test_a_draft_word_is_not_found(client: Client, editor_headers: Headers) -> None:
    from tests.api.admin.drafting import THERAPIES, iv_dose_changed, read_draft

    draft, etag = read_draft(client, editor_headers)
    body = iv_dose_changed(draft, 0.8)
    put = client.put(THERAPIES, headers={**editor_headers, "If-Match": etag}, json=body)
    assert put.status_code == 200
    assert hits(client, q=MARKER) == []


def test_an_empty_index_is_filled_from_live_articles(seeded_db: ContentDB) -> None:
    with seeded_db.write() as conn:
        conn.execute("DELETE FROM search_text")
        conn.execute("DELETE FROM search_docs")
    filters = SearchFilters()
    assert run_search(seeded_db, "ketamine", filters, limit=5, offset=0).hits == []
    assert fill_search_index(seeded_db) == 1
    assert run_search(seeded_db, "ketamine", filters, limit=5, offset=0).hits
    assert fill_search_index(seeded_db) == 0  # not empty: left alone
