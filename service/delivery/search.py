"""Search of live content: the reader's words as a safe FTS5 query, hits with sanitized snippets."""

from __future__ import annotations

import html
import re

import msgspec

from schema.delivery import SearchHit, SearchPage
from schema.sections import SECTION_TYPES
from service.channels.search_text import fold_facet
from service.edge.prepared import FEED_CACHE_CONTROL, PreparedResponse, prepare_response
from service.errors import FieldError, InvalidInput
from service.store import search
from service.store.db import ContentDB

MAX_TERMS = 8
SECTION_KINDS: tuple[str, ...] = tuple(
    str(kind.__struct_config__.tag) for kind in SECTION_TYPES if kind.__struct_config__.tag
)
_WORD = re.compile(r"\w+")
_encode = msgspec.json.Encoder().encode


def match_expression(q: str) -> str:
    """Every word of ``q`` must match: each quoted, so no FTS5 syntax comes from the reader."""
    words = _WORD.findall(q)[:MAX_TERMS]
    if not words:
        raise InvalidInput(
            "`q` holds no word to search for.", errors=(FieldError("q", "no word to search for"),)
        )
    return " ".join(f'"{word}"' for word in words)


def sanitize_snippet(raw: str) -> str:
    """The snippet as HTML whose only tags are the ``<mark>`` pairs around matched words."""
    escaped = html.escape(raw.replace(search.MARK_START, "\x00").replace(search.MARK_END, "\x01"))
    return escaped.replace("\x00", "<mark>").replace("\x01", "</mark>")


def check_kind(kind: str | None) -> str | None:
    """A section kind this API has, else 400 naming them."""
    if kind is not None and kind not in SECTION_KINDS:
        raise InvalidInput(
            f"{kind!r} is not a section kind; use one of {', '.join(SECTION_KINDS)}.",
            errors=(FieldError("kind", "unknown section kind"),),
        )
    return kind


def run_search(
    db: ContentDB,
    q: str,
    filters: search.SearchFilters,
    *,
    limit: int,
    offset: int,
) -> SearchPage:
    """One page of hits for ``q`` under the filters, best first."""
    match = match_expression(q)
    filters = search.SearchFilters(
        kind=check_kind(filters.kind),
        route=filters.route,
        condition=None if filters.condition is None else fold_facet(filters.condition),
    )
    with db.read() as conn:
        rows = search.search(conn, match, filters, limit=limit + 1, offset=offset)
    hits = [
        SearchHit(
            article=row.article,
            article_title=row.article_title,
            section_key=row.section_key,
            kind=row.kind,
            title=row.title,
            snippet=sanitize_snippet(row.snippet),
        )
        for row in rows[:limit]
    ]
    return SearchPage(query=q, hits=hits, limit=limit, offset=offset, has_more=len(rows) > limit)


def search_response(
    db: ContentDB, q: str, filters: search.SearchFilters, *, limit: int, offset: int
) -> PreparedResponse:
    """The page as JSON, kept by the edge until the content changes."""
    page = run_search(db, q, filters, limit=limit, offset=offset)
    return prepare_response(
        _encode(page),
        media_type="application/json",
        surrogate_keys=["search"],
        cache_control=FEED_CACHE_CONTROL,
    )
