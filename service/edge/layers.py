"""The ASGI layers around Litestar's pipeline, and the app class that puts the edge first.

Order for a request: edge (cached public reads, answered whole) -> request id -> metrics and
access log -> rate limit -> CORS -> Litestar.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from litestar.routes import HTTPRoute

from service.config import Settings
from service.edge.asgi_types import ASGIApp
from service.edge.cors import AllowedMethods, CORSLayer
from service.edge.metrics import MetricsLayer
from service.edge.misses import PreparedLoader
from service.edge.ratelimit import RateLimiter, RateLimitLayer
from service.edge.replay import Edge, ResponseCache
from service.edge.requestid import RequestIdLayer
from service.edge.requeststats import RequestStats
from service.edge.routes import REPLAYED_PREFIXES
from service.store.db import ContentDB
from service.store.replication import replication_lag
from service.store.stats import content_counts


class ContentApp(Litestar):
    """Litestar with the edge in front of its own entry point, so a hit skips all of it."""

    edge: Edge | None = None

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        """msgspec's plugin only: the model is msgspec structs throughout. Litestar would add
        its pydantic and attrs plugins whenever those packages are importable (the dev tools
        bring both), at about 130 ms of every worker's start-up, and the app would then depend
        on what else is installed beside it. (A private hook of Litestar's: should it go,
        tests/test_architecture.py sees pydantic loaded again.)"""
        return [*plugins, MsgspecDIPlugin()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Answer from the edge when it can, else run Litestar as usual."""
        edge = self.edge
        if edge is not None and scope["type"] == "http" and await edge.answer(scope, send):
            return
        await super().__call__(scope, receive, send)


def install_layers(
    app: ContentApp, *, db: ContentDB, cache: ResponseCache, settings: Settings, renderer: int
) -> None:
    """Wrap Litestar's ASGI handler in the service's layers and put the edge in front."""
    stats = RequestStats()
    limiter = (
        None
        if settings.rate_limit_per_minute is None
        else RateLimiter(settings.rate_limit_per_minute)
    )
    allowed = AllowedMethods(
        [(route.path, set(route.methods)) for route in app.routes if isinstance(route, HTTPRoute)]
    )
    handler: ASGIApp = app.asgi_handler  # type: ignore[assignment]
    inner: ASGIApp = CORSLayer(handler, settings.admin_origins, allowed)
    if limiter is not None:
        inner = RateLimitLayer(inner, limiter)
    inner = MetricsLayer(
        inner,
        stats,
        lambda: content_counts(db),
        lambda: (cache.hits, cache.misses),
        (lambda: replication_lag(settings)) if settings.replication else None,
    )
    app.asgi_handler = RequestIdLayer(inner)  # type: ignore[assignment]
    loader = PreparedLoader(db, cache, renderer=renderer, base_url=settings.public_base_url)
    app.edge = Edge(cache, REPLAYED_PREFIXES, stats, limiter, loader.load)
