"""Per-client rate limits as an ASGI layer: token buckets per client and route group.

Limits are per process (each worker counts its own clients), which is enough to blunt abuse;
a CDN or proxy in front is the place for global limits.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import msgspec

from schema.api import Problem
from service.asgi_types import ASGIApp, Receive, Scope, Send

_encode = msgspec.json.Encoder().encode
MAX_TRACKED_CLIENTS = 50_000
EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics")


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimitLayer:
    """Answers ``429`` with ``Retry-After`` once a client spends its allowance for a route group."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app = app
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def _group(self, path: str) -> str:
        return "admin" if path.startswith(("/v1/admin", "/admin")) else "public"

    def _take(self, key: tuple[str, str], now: float) -> float:
        """Spend one token; returns 0 when allowed, else seconds until one is available."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_CLIENTS:
                self._buckets.clear()  # crude but bounded; a flood of clients resets counts
            bucket = self._buckets[key] = _Bucket(tokens=self.capacity, updated=now)
        bucket.tokens = min(
            self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_second
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.refill_per_second

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(EXEMPT_PATHS):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        host = str(client[0]) if client else "unknown"
        wait = self._take((host, self._group(path)), time.monotonic())
        if wait == 0.0:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        request_id = scope.get("state", {}).get("request_id")
        body = _encode(
            Problem(
                type="about:blank",
                title="Too many requests",
                status=429,
                detail=f"Rate limit of {int(self.capacity)} requests a minute reached for this "
                f"client; retry after {retry_after} s.",
                instance=path,
                request_id=None if request_id is None else str(request_id),
            )
        )
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"retry-after", str(retry_after).encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"access-control-allow-origin", b"*"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
