"""Delivery routes for sites and apps: the sitemap, search and sync (public, cacheable)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, Response
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from schema.delivery import SearchPage, SyncPage
from service.api.openapi_docs import json_response, media_response
from service.api.public import (
    SKIP_COMPRESSION,
    Cache,
    Db,
    Limit,
    Offset,
    public_get,
    serve_prepared,
)
from service.config import Settings
from service.delivery import search, sitemap, sync
from service.store.search import CANDIDATES, SearchFilters

Config = NamedDependency[Settings]
Query = Annotated[
    str,
    QueryParameter(
        description="Words to find (all must match; stemmed, accents ignored).",
        min_length=1,
        max_length=200,
        examples=[Example(value="ketamine dosing")],
    ),
]
Kind = Annotated[
    str | None,
    QueryParameter(description="Only sections of this kind.", max_length=64),
]
RouteFilter = Annotated[
    str | None,
    QueryParameter(
        description="Only articles with a therapy given by this route, e.g. `intranasal`.",
        max_length=64,
    ),
]
Condition = Annotated[
    str | None,
    QueryParameter(
        description="Only articles naming this condition among their candidates (any case).",
        max_length=120,
    ),
]
SyncTokenParam = Annotated[
    str | None,
    QueryParameter(
        name="token",
        description="`next_token` from the previous answer; omit it for a full sync.",
        max_length=200,
    ),
]
SYNC_EXAMPLE: Final = {
    "articles": ["... the article in the shape of GET /v1/articles/{slug} ..."],
    "deleted": ["withdrawn-article"],
    "next_token": "c3kxOjE3Ojow",
    "has_more": False,
}
SEARCH_EXAMPLE: Final = {
    "query": "ketamine dosing",
    "hits": [
        {
            "article": "ketamine-therapy-for-anxiety",
            "article_title": "Ketamine Therapy for Anxiety",
            "section_key": "therapy-types",
            "kind": "therapy_types",
            "title": "Types of Ketamine Therapy and Dosing",
            "snippet": "…<mark>ketamine</mark> infusion…",
        }
    ],
    "limit": 20,
    "offset": 0,
    "has_more": False,
}
SITEMAP_EXAMPLE: Final = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    "<url><loc>https://api.example.com/v1/articles/ketamine-therapy-for-anxiety/render/web</loc>"
    "<lastmod>2026-03-01T12:00:00Z</lastmod></url>\n</urlset>\n"
)


class DeliveryController(Controller):
    """Whole-site reads: what is live, found by words, or changed since a token."""

    path = "/v1"
    tags = ["delivery"]  # noqa: RUF012 - Litestar reads these class attributes
    opt = SKIP_COMPRESSION
    # Reads alike in shape to the other public ones: each its own documented operation, with
    # the parameters Litestar injects by name; public_get and serve_prepared hold the rest.

    @public_get(
        "/sitemap.xml",
        summary="Sitemap of live articles",
        ok=media_response(
            "application/xml",
            "Every live article's page under `PUBLIC_BASE_URL`, with `lastmod` from its "
            "live revision.",
            SITEMAP_EXAMPLE,
        ),
        errors=(),
    )
    def get_sitemap(
        self, request: Request[Any, Any, Any], db: Db, cache: Cache, settings: Config
    ) -> Response[bytes]:
        """For search engines: the canonical pages, newest content time per page."""
        return serve_prepared(
            request, cache, lambda: sitemap.sitemap_response(db, settings.public_base_url)
        )

    @public_get(
        "/search",
        summary="Search live content",
        ok=json_response(
            SearchPage,
            "Sections (and article titles and summaries) matching every word, best bm25 "
            "first with titles weighted; `snippet` is HTML whose only tags are `<mark>`. "
            f"Ranked among at most {CANDIDATES:,} candidates: the most recently published "
            "matching sections that pass the filters. Pages end there: an `offset` at or "
            "past it answers no hits, and `has_more` is false on the last page.",
            SEARCH_EXAMPLE,
        ),
    )
    def search(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        q: Query,
        kind: Kind = None,
        route: RouteFilter = None,
        condition: Condition = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response[bytes]:
        """Full-text search over what is live now; drafts are never indexed. A query ranks at
        most 1,000 candidates, so its cost does not grow with the number of matches."""
        filters = SearchFilters(kind=kind, route=route, condition=condition)
        return serve_prepared(
            request,
            cache,
            lambda: search.search_response(db, q, filters, limit=limit, offset=offset),
        )

    @public_get(
        "/sync",
        summary="Sync live articles, with deletions",
        ok=json_response(
            SyncPage,
            "Without a token: every live article in full, paged. With one: the articles "
            "changed since, in full, and the slugs withdrawn since (`deleted`). Follow "
            "`next_token` while `has_more`; keep the last one for next time.",
            SYNC_EXAMPLE,
        ),
    )
    def get_sync(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        token: SyncTokenParam = None,
        limit: Limit = 50,
    ) -> Response[bytes]:
        """An app's local copy kept equal to what is live, deletions included."""
        return serve_prepared(request, cache, lambda: sync.sync_response(db, token, limit))
