"""The sitemap: every live article's page with its live revision's time as ``lastmod``."""

from __future__ import annotations

from xml.sax.saxutils import escape

from service.channels.render import article_web_url
from service.edge.prepared import FEED_CACHE_CONTROL, PreparedResponse, prepare_response
from service.store import timeline
from service.store.codec import format_time
from service.store.db import ContentDB

XML = "application/xml"
_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def build_sitemap(entries: list[tuple[str, str]]) -> bytes:
    """A sitemaps.org ``urlset`` of (location, lastmod) pairs, escaped."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{_NAMESPACE}">']
    for location, lastmod in entries:
        lines.append(f"<url><loc>{escape(location)}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def sitemap_response(db: ContentDB, base_url: str) -> PreparedResponse:
    """The sitemap of live articles at ``base_url``."""
    with db.read() as conn:
        rows = timeline.list_live_lastmod(conn)
    entries = [(article_web_url(base_url, slug), format_time(at)[:19] + "Z") for slug, at in rows]
    return prepare_response(
        build_sitemap(entries),
        media_type=XML,
        surrogate_keys=["articles", "sitemap"],
        cache_control=FEED_CACHE_CONTROL,
    )
