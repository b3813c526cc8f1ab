"""Shapes of the delivery routes: search, sync, preview tokens, and the search index's input."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from schema.article import Article
from schema.base import Model, Slug


class SearchDocument(Model, frozen=True):
    """One searchable unit of a live article: a section, or the article's own title and summary."""

    section_key: str | None
    kind: str | None
    title: str
    body: str


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class SearchFacet(Model, frozen=True):
    """A value a search filter matches an article by (a route, a condition)."""

    name: str
    value: str


class SearchHit(Model, frozen=True):
    """A match: the article, the section (none for the article's title and summary), and a
    snippet whose only markup is ``<mark>`` around the matched words."""

    article: Slug
    article_title: str
    section_key: str | None
    kind: str | None
    title: str
    snippet: str


class SearchPage(Model, frozen=True):
    """One page of search results, best first."""

    query: str
    hits: list[SearchHit]
    limit: int
    offset: int
    has_more: bool


class SyncPage(Model, frozen=True):
    """Articles in full, slugs withdrawn, and the token to continue with.

    While ``has_more`` is true, call again with ``next_token`` at once; once it is false, keep
    ``next_token`` and call with it later for what changed since.
    """

    articles: list[Article]
    deleted: list[Slug]
    next_token: str
    has_more: bool


PreviewLifetime = Annotated[int, Meta(ge=1, le=7 * 24 * 3600)]


class PreviewTokenCreate(Model, frozen=True):
    """Body of a request minting a preview token: for one article or (none) for every draft."""

    article: Slug | None = None
    expires_in_seconds: PreviewLifetime = 3600


class PreviewToken(Model, frozen=True):
    """A minted preview token; ``token`` is shown only in the answer that mints it."""

    id: int
    token: str
    article: Slug | None
    created_by: str
    expires_at: datetime
    preview_url: str | None
