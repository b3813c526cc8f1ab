"""The edge: hot public GETs answered from prepared responses, in front of everything else.

Published content is immutable per revision, so a response built once can be replayed until the
content generation changes. A hit costs a dict lookup and a read of the mmap'd generation
marker; misses, other methods and other paths go on to the layers and the Litestar app, whose
handlers fill the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from time import perf_counter
from urllib.parse import parse_qsl, urlencode

from service.edge.asgi_types import Scope, Send
from service.edge.metrics import log_access
from service.edge.prepared import PreparedResponse
from service.edge.ratelimit import RateLimiter
from service.edge.requestid import request_id_from
from service.edge.requeststats import RequestStats
from service.store.db import Generation

CacheKey = tuple[str, bytes]


@dataclass(frozen=True)
class CachedEntry:
    """A prepared response and the route template it answers (for metrics)."""

    prepared: PreparedResponse
    route: str


class ResponseCache:
    """A bounded LRU of prepared public responses, emptied whenever the content generation moves."""

    def __init__(self, generation: Generation, max_entries: int = 4096) -> None:
        self._generation = generation
        self._seen = generation.current()
        self._entries: OrderedDict[CacheKey, CachedEntry] = OrderedDict()
        self._max_entries = max_entries
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def _sync(self) -> None:
        current = self._generation.current()
        if current != self._seen:
            with self._lock:
                self._entries.clear()
                self._seen = current

    def get(self, key: CacheKey) -> CachedEntry | None:
        """The prepared response for a path and query, if the content has not changed since."""
        self._sync()
        prepared = self._entries.get(key)
        if prepared is None:
            self.misses += 1
        else:
            self.hits += 1
        return prepared

    def put(self, key: CacheKey, entry: CachedEntry, generation: bytes) -> None:
        """Remember a response built from the content as of ``generation``."""
        with self._lock:
            if generation != self._seen:
                return  # built from content that has changed since: do not serve it again
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    @property
    def generation(self) -> bytes:
        """The generation the cached entries belong to (read before building a response)."""
        self._sync()
        return self._seen


def cache_key(path: str, query_string: bytes) -> CacheKey:
    """The identity of a public GET: its path and its query in one canonical form (parameters
    sorted, escapes normalised), so ``?b=1&a=2`` and ``?a=2&b=1`` share one entry."""
    if not query_string:
        return (path, b"")  # the common case costs nothing
    pairs = sorted(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    return (path, urlencode(pairs).encode("latin-1"))


class Edge:
    """Answers cached public GETs and HEADs before any other layer runs.

    A hit does, inline, what the layers behind it would do: the rate limit, the request id, the
    request metrics and the access log; everything else is left to them.
    """

    def __init__(
        self,
        cache: ResponseCache,
        prefixes: tuple[str, ...],
        stats: RequestStats,
        limiter: RateLimiter | None,
    ) -> None:
        self.cache = cache
        self.prefixes = prefixes
        self.stats = stats
        self.limiter = limiter

    async def answer(self, scope: Scope, send: Send) -> bool:
        """Answer the request from the cache; False when it must go to the app."""
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            return False
        path = scope["path"]
        if not path.startswith(self.prefixes):
            return False
        entry = self.cache.get(cache_key(path, scope["query_string"]))
        if entry is None:
            return False
        started = perf_counter()
        accept_encoding = if_none_match = given_id = None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"x-request-id":
                given_id = value
        request_id = request_id_from(given_id)
        if self.limiter is not None:
            wait = self.limiter.take(scope)
            if wait:
                await self.limiter.refuse(scope, send, wait, request_id, echo_id=True)
                self._record(scope, entry.route, 429, started)
                return True
        status, headers, body = entry.prepared.answer_raw(
            method=method, accept_encoding=accept_encoding, if_none_match=if_none_match
        )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"x-request-id", request_id)],
            }
        )
        await send({"type": "http.response.body", "body": body})
        self._record(scope, entry.route, status, started)
        return True

    def _record(self, scope: Scope, route: str, status: int, started: float) -> None:
        elapsed = perf_counter() - started
        self.stats.record(scope["method"], route, status, elapsed)
        log_access(scope, route, status, elapsed)
