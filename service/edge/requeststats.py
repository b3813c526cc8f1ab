"""Request counts and latency histograms in plain dicts, cheap enough for the hot path.

Prometheus' own Counter and Histogram take a lock and a label lookup per call; these are
recorded by the edge layer and the metrics layer alike and exported at scrape time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class RequestStats(Collector):
    """Requests by method, route template and status; latency by route template."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, int], int] = {}
        self.buckets: dict[str, list[int]] = {}
        self.sums: dict[str, float] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        key = (method, route, status)
        self.counts[key] = self.counts.get(key, 0) + 1
        buckets = self.buckets.get(route)
        if buckets is None:
            buckets = self.buckets[route] = [0] * (len(BUCKETS) + 1)
            self.sums[route] = 0.0
        buckets[bisect_left(BUCKETS, seconds)] += 1
        self.sums[route] += seconds

    def collect(self) -> Iterator[CounterMetricFamily | HistogramMetricFamily]:
        """Export as ``http_requests_total`` and ``http_request_duration_seconds``."""
        requests = CounterMetricFamily(
            "http_requests", "HTTP requests.", labels=["method", "route", "status"]
        )
        for (method, route, status), number in sorted(self.counts.items()):
            requests.add_metric([method, route, str(status)], number)
        yield requests
        latency = HistogramMetricFamily(
            "http_request_duration_seconds", "Time to answer, by route.", labels=["route"]
        )
        for route, counts in sorted(self.buckets.items()):
            cumulative, running = [], 0
            for bound, number in zip((*map(str, BUCKETS), "+Inf"), counts, strict=True):
                running += number
                cumulative.append((bound, running))
            latency.add_metric([route], cumulative, sum_value=self.sums[route])
        yield latency
