"""Delivery routes for sites and apps: the sitemap, search and sync (public, cacheable)."""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, Response, route
from litestar.di import NamedDependency

from service.api.openapi_docs import (
    CONDITIONAL_GET_HEADERS,
    media_response,
    not_modified,
)
from service.api.public import Cache, Db, serve_prepared
from service.config import Settings
from service.delivery import sitemap

Config = NamedDependency[Settings]
_METHODS: list[Any] = ["GET", "HEAD"]
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
    opt = {"skip_compression": True}  # noqa: RUF012 - prepared responses are compressed already

    @route(
        "/sitemap.xml",
        http_method=_METHODS,
        sync_to_thread=False,
        summary="Sitemap of live articles",
        response_headers=CONDITIONAL_GET_HEADERS,
        responses={
            200: media_response(
                "application/xml",
                "Every live article's page under `PUBLIC_BASE_URL`, with `lastmod` from its "
                "live revision.",
                SITEMAP_EXAMPLE,
            ),
            304: not_modified(),
        },
    )
    def get_sitemap(
        self, request: Request[Any, Any, Any], db: Db, cache: Cache, settings: Config
    ) -> Response[bytes]:
        """For search engines: the canonical pages, newest content time per page."""
        return serve_prepared(
            request, cache, lambda: sitemap.sitemap_response(db, settings.public_base_url)
        )
