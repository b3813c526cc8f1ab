"""Keeping the search index equal to what is live, inside the transactions that change it."""

from __future__ import annotations

from collections.abc import Sequence

from schema.article import ArticleFields
from schema.sections import Section
from service.channels.search_text import search_documents
from service.store import content, search, timeline
from service.store.db import Connection, ContentDB


def index_live(
    conn: Connection, article_id: int, fields: ArticleFields, sections: Sequence[Section]
) -> None:
    """Index the revision that has just been made live, inside the caller's transaction."""
    documents, facets = search_documents(fields, sections)
    search.replace_article(conn, article_id, documents, facets)


def unindex(conn: Connection, article_id: int) -> None:
    """Take a withdrawn article out of the index, inside the caller's transaction."""
    search.remove_article(conn, article_id)


def fill_search_index(db: ContentDB) -> int:
    """Index every live article when the index is empty (a database from before it); returns
    how many were indexed. Checked under the write lock, so workers starting together fill once."""
    with db.write() as conn:
        if not search.is_empty(conn):
            return 0
        slugs = [slug for slug, _ in timeline.list_live_lastmod(conn)]
        for slug in slugs:
            article_id = content.get_article_id(conn, slug)
            revision_number = content.get_live_revision_number(conn, slug)
            revision = (
                None
                if article_id is None or revision_number is None
                else content.get_revision(conn, slug, revision_number)
            )
            if article_id is not None and revision is not None:
                index_live(conn, article_id, revision.fields, revision.sections)
        if slugs:
            search.optimize(conn)  # one segment after a bulk fill, not dozens
    return len(slugs)
