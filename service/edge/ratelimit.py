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
from service.edge.asgi_types import ASGIApp, Receive, Scope, Send
from service.edge.routes import rate_group

_encode = msgspec.json.Encoder().encode
MAX_TRACKED_CLIENTS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets per client and route group: ``per_minute`` requests, refilled steadily."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def take(self, scope: Scope) -> float:
        """Spend one token for this request; 0 when allowed (or exempt), else seconds until one is
        due."""
        group = rate_group(str(scope.get("path", "")))
        if group is None:
            return 0.0
        client = scope.get("client")
        key = (str(client[0]) if client else "unknown", group)
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_CLIENTS:
                self._buckets.clear()  # crude but bounded; a flood of clients resets counts
            bucket = self._buckets[key] = _Bucket(tokens=self.capacity, updated=now)
        refilled = bucket.tokens + (now - bucket.updated) * self.refill_per_second
        bucket.tokens = min(self.capacity, refilled)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.refill_per_second

    async def refuse(
        self, scope: Scope, send: Send, wait: float, request_id: bytes, *, echo_id: bool
    ) -> None:
        """Answer ``429`` problem+json with ``Retry-After`` (and ``X-Request-ID`` if ``echo_id``:
        behind the request id layer, that layer adds it)."""
        retry_after = max(1, math.ceil(wait))
        body = _encode(
            Problem(
                type="about:blank",
                title="Too many requests",
                status=429,
                detail=f"Rate limit of {int(self.capacity)} requests a minute reached for this "
                f"client; retry after {retry_after} s.",
                instance=str(scope.get("path", "")),
                request_id=request_id.decode(),
            )
        )
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"retry-after", str(retry_after).encode()),
            (b"content-length", str(len(body)).encode()),
            (b"access-control-allow-origin", b"*"),
        ]
        if echo_id:
            headers.append((b"x-request-id", request_id))
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class RateLimitLayer:
    """Refuses requests over the limit before they reach the app (probes are exempt)."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (wait := self.limiter.take(scope)) == 0.0:
            await self.app(scope, receive, send)
            return
        request_id = str(scope.get("state", {}).get("request_id", ""))
        await self.limiter.refuse(scope, send, wait, request_id.encode(), echo_id=False)
