"""Misses on whole-article reads answered at the edge from bodies the store keeps per revision.

A body prepared once (by the read model, on the first read of a revision) is in SQLite for every
worker, with its brotli and gzip codings; a worker that does not hold it in memory reads it with
one indexed statement here (on the event loop: a thread hop would cost more than the read) and
goes on as for a hit, without Litestar's pipeline. Nothing is decoded, encoded or compressed.
Anything else (a query string, a body not prepared yet, an unknown article) is left to the app,
whose handlers build, store or refuse it.
"""

from __future__ import annotations

from service.edge.prepared import from_prepared_body
from service.edge.replay import CachedEntry, ResponseCache
from service.store.db import ContentDB
from service.store.prepared import article_variant, read_live_body, web_variant

ARTICLES = "/v1/articles/"


class PreparedLoader:
    """Finds the stored body of a whole-article GET and puts it in the response cache."""

    def __init__(
        self, db: ContentDB, cache: ResponseCache, *, renderer: int, base_url: str
    ) -> None:
        self.db = db
        self.cache = cache
        self.renderer = renderer
        # What each path tail reads, and the route template its metrics are counted under.
        self._tails = {
            "": (article_variant("html"), "/v1/articles/{slug}"),
            "/render/web": (web_variant("web", base_url), "/v1/articles/{slug}/render/web"),
            "/render/email": (web_variant("email", base_url), "/v1/articles/{slug}/render/email"),
            "/render/text": (web_variant("text", ""), "/v1/articles/{slug}/render/text"),
        }

    def load(self, path: str, query_string: bytes) -> CachedEntry | None:
        """The cached entry for a path read from the store, or None when the app must answer."""
        if query_string or not path.startswith(ARTICLES):
            return None
        slug, slash, rest = path[len(ARTICLES) :].partition("/")
        found = self._tails.get(slash + rest)
        if found is None or not slug:
            return None
        variant, route = found
        versions = self.cache.snapshot()  # before the read, as serve_prepared does
        live = read_live_body(self.db, slug, variant, self.renderer)
        if live is None or live.prepared is None:
            return None
        entry = CachedEntry(from_prepared_body(live.prepared, version_key=slug), route)
        return self.cache.put((path, b""), entry, versions)
