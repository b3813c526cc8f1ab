"""The search index's ranking stays bounded: it ranks a window of matches, not all of them.

The work is counted in SQLite virtual-machine steps (a progress handler called on every step),
which count the rows each statement touches, including the statements FTS5 runs inside a
query (its own ``ORDER BY rank`` sort is one); no timing is asserted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from schema.delivery import SearchDocument, SearchFacet
from service.delivery.search import run_search
from service.store import content, search
from service.store.codec import utc_now
from service.store.db import ContentDB
from service.store.search import CANDIDATES, SearchFilters

MATCH = '"ketamine" "dosing"'


def documents(count: int, kind: str, title: str = "Note") -> list[SearchDocument]:
    """``count`` sections that all match ``MATCH``."""
    return [
        SearchDocument(
            section_key=f"s-{number}",
            kind=kind,
            title=f"{title} {number}",
            body=f"Ketamine dosing, note {number} of {count}.",
        )
        for number in range(count)
    ]


def index_article(
    db: ContentDB, slug: str, docs: list[SearchDocument], facets: Sequence[SearchFacet] = ()
) -> None:
    """A new article whose live documents are ``docs`` (indexed after everything before)."""
    with db.write() as conn:
        article_id = content.insert_article(conn, slug, actor="test", at=utc_now())
        search.replace_article(conn, article_id, docs, facets)


ANY = SearchFilters()


def steps_of_one_search(db: ContentDB, filters: SearchFilters = ANY) -> int:
    """Virtual-machine steps a first page of 20 costs."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with db.read() as conn:
        conn.set_progress_handler(count, 1)
        try:
            assert len(search.search(conn, MATCH, filters, limit=20, offset=0)) == 20
        finally:
            conn.set_progress_handler(None, 1)
    return steps


@pytest.fixture
def many(db: ContentDB) -> Iterator[ContentDB]:
    index_article(db, "first", documents(1_200, "faq"))
    yield db


def test_tripling_the_matches_past_the_window_leaves_the_work_flat(many: ContentDB) -> None:
    assert CANDIDATES == 1_000  # the figures below are stated for this window
    at_1200 = steps_of_one_search(many)
    index_article(many, "second", documents(2_400, "faq"))
    at_3600 = steps_of_one_search(many)
    # Ranking every match would cost about three times as much; a bounded window the same.
    assert at_3600 <= at_1200 * 1.1, (at_1200, at_3600)


def test_a_filtered_search_is_bounded_too(many: ContentDB) -> None:
    kind = SearchFilters(kind="faq")
    at_1200 = steps_of_one_search(many, kind)
    index_article(many, "second", documents(2_400, "faq"))
    assert steps_of_one_search(many, kind) <= at_1200 * 1.1


def test_paging_ends_at_the_window(db: ContentDB) -> None:
    index_article(db, "first", documents(CANDIDATES + 30, "faq"))
    filters = SearchFilters()
    last = run_search(db, "ketamine dosing", filters, limit=100, offset=CANDIDATES - 100)
    assert len(last.hits) == 100
    assert last.has_more is False
    beyond = run_search(db, "ketamine dosing", filters, limit=20, offset=CANDIDATES)
    assert beyond.hits == [] and beyond.has_more is False
    straddling = run_search(db, "ketamine dosing", filters, limit=20, offset=CANDIDATES - 5)
    assert len(straddling.hits) == 5


def test_the_window_is_the_newest_matches(db: ContentDB) -> None:
    # The oldest sections say the words in their titles too (ten times the weight): outside
    # the window they are not ranked at all; the window holds the newest CANDIDATES.
    index_article(db, "old", documents(50, "faq", title="Ketamine dosing"))
    index_article(db, "new", documents(CANDIDATES, "faq"))
    page = run_search(db, "ketamine dosing", SearchFilters(), limit=100, offset=0)
    assert {hit.article for hit in page.hits} == {"new"}


def test_filters_apply_before_the_window(db: ContentDB) -> None:
    # 100 old explainers behind 1,000 newer FAQ sections: the explainers are all found.
    route = [SearchFacet(name="route", value="intranasal")]
    index_article(db, "old", documents(100, "explainer"), route)
    index_article(db, "new", documents(CANDIDATES, "faq"))
    for filters in (SearchFilters(kind="explainer"), SearchFilters(route="intranasal")):
        page = run_search(db, "ketamine dosing", filters, limit=100, offset=0)
        assert len(page.hits) == 100 and {hit.article for hit in page.hits} == {"old"}
        assert page.has_more is False


def test_page_rows_keep_the_rank_order_and_carry_their_snippets(db: ContentDB) -> None:
    index_article(db, "plain", documents(3, "faq"))
    index_article(db, "titled", documents(2, "faq", title="Ketamine dosing"))
    page = run_search(db, "ketamine dosing", SearchFilters(), limit=10, offset=0)
    assert [hit.article for hit in page.hits] == ["titled"] * 2 + ["plain"] * 3
    assert all("<mark>Ketamine</mark> <mark>dosing</mark>" in hit.snippet for hit in page.hits)
