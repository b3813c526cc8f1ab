"""The ASGI layers in front of Litestar's pipeline, outermost first.

request id -> metrics and access log -> rate limit -> CORS -> cached public reads -> Litestar.
"""

from __future__ import annotations

from service.asgi_types import ASGIApp
from service.config import Settings
from service.cors import CORSLayer
from service.db import ContentDB
from service.edge import PublicEdge, ResponseCache
from service.metrics import MetricsLayer
from service.ratelimit import RateLimitLayer
from service.requestid import RequestIdLayer
from service.store.stats import content_counts

PUBLIC_PREFIXES = ("/v1/articles", "/v1/changes", "/v1/newsletter", "/v1/feed", "/v1/schema")


def wrap_in_layers(
    inner: ASGIApp, *, db: ContentDB, cache: ResponseCache, settings: Settings
) -> ASGIApp:
    """Wrap Litestar's ASGI handler in the service's own layers."""
    app: ASGIApp = PublicEdge(inner, cache, PUBLIC_PREFIXES)
    app = CORSLayer(app, settings.admin_origins)
    if settings.rate_limit_per_minute is not None:
        app = RateLimitLayer(app, settings.rate_limit_per_minute)
    app = MetricsLayer(app, lambda: content_counts(db), lambda: (cache.hits, cache.misses))
    return RequestIdLayer(app)
