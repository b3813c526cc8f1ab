"""Prometheus metrics and the access log, as one ASGI layer; ``GET /metrics`` is answered here.

Request counters are per worker process; content counters (publishes, webhook queue) are read
from the database at scrape time, so they agree across workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from service.edge.asgi_types import ASGIApp, Message, Receive, Scope, Send
from service.edge.logs import ACCESS_LOG, log_access_line
from service.edge.requeststats import RequestStats
from service.edge.routes import route_label


def route_template(scope: Scope) -> str:
    """The route template of a request, bounded in cardinality (never the raw path)."""
    template = scope.get("path_template")
    if template:
        return str(template)
    return route_label(str(scope.get("path", "")))


def log_access(
    scope: Scope, route: str, status: int, seconds: float, request_id: str | bytes | None = None
) -> None:
    """One access-log line, queued for the batched writer (nothing when the level is above info)."""
    if ACCESS_LOG.is_enabled:
        log_access_line(scope["method"], scope["path"], route, status, seconds, request_id)


ContentCounts = Callable[[], dict[str, dict[str, int]]]
CacheStats = Callable[[], tuple[int, int]]


class _ContentCollector(Collector):
    """Publishes by action and webhook queue figures, read from the database per scrape."""

    def __init__(
        self, read_counts: ContentCounts, cache_stats: Callable[[], tuple[int, int]]
    ) -> None:
        self._read_counts = read_counts
        self._cache_stats = cache_stats

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        counts = self._read_counts()
        events = CounterMetricFamily(
            "content_publish_events", "Publish, rollback and unpublish events.", labels=["action"]
        )
        for action, number in sorted(counts.get("events", {}).items()):
            events.add_metric([action], number)
        yield events
        queue = GaugeMetricFamily(
            "webhook_deliveries", "Webhook deliveries by state.", labels=["state"]
        )
        for state, number in sorted(counts.get("webhooks", {}).items()):
            queue.add_metric([state], number)
        yield queue
        hits, misses = self._cache_stats()
        cache = CounterMetricFamily(
            "public_cache_lookups",
            "Public response cache lookups in this worker.",
            labels=["result"],
        )
        cache.add_metric(["hit"], hits)
        cache.add_metric(["miss"], misses)
        yield cache


class _ReplicationCollector(Collector):
    """Seconds the Litestream replica has been missing a committed write (0 when current)."""

    def __init__(self, read_lag: Callable[[], float | None]) -> None:
        self._read_lag = read_lag

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = self._read_lag()
        if lag is not None:
            yield GaugeMetricFamily(
                "replication_lag_seconds", "Seconds the replica is behind.", value=lag
            )


class MetricsLayer:
    """Counts and times every request, writes the access log line, and serves ``/metrics``."""

    def __init__(
        self,
        app: ASGIApp,
        stats: RequestStats,
        read_counts: ContentCounts,
        cache_stats: CacheStats,
        replication_lag: Callable[[], float | None] | None = None,
    ) -> None:
        self.app = app
        self.stats = stats
        self.registry = CollectorRegistry()
        self.registry.register(stats)
        self.registry.register(_ContentCollector(read_counts, cache_stats))
        if replication_lag is not None:
            self.registry.register(_ReplicationCollector(replication_lag))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/metrics" and scope["method"] in ("GET", "HEAD"):
            await self._serve_metrics(send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            self.stats.record(str(scope["method"]), route, status, elapsed)
            log_access(scope, route, status, elapsed)

    async def _serve_metrics(self, send: Send) -> None:
        body = generate_latest(self.registry)
        headers = [
            (b"content-type", b"text/plain; version=0.0.4; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
