"""An ASGI layer in front of Litestar that answers hot public GETs from prepared responses.

Published content is immutable per revision, so a response built once can be replayed until the
content generation changes. A hit costs a dict lookup and an ``os.stat``; misses, other methods
and other paths fall through to the Litestar app, whose handlers fill the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from service.asgi_types import ASGIApp, Receive, Scope, Send
from service.db import Generation
from service.http import PreparedResponse

CacheKey = tuple[str, bytes]


class ResponseCache:
    """A bounded LRU of prepared public responses, emptied whenever the content generation moves."""

    def __init__(self, generation: Generation, max_entries: int = 4096) -> None:
        self._generation = generation
        self._seen = generation.current()
        self._entries: OrderedDict[CacheKey, PreparedResponse] = OrderedDict()
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

    def get(self, key: CacheKey) -> PreparedResponse | None:
        """The prepared response for a path and query, if the content has not changed since."""
        self._sync()
        prepared = self._entries.get(key)
        if prepared is None:
            self.misses += 1
        else:
            self.hits += 1
        return prepared

    def put(self, key: CacheKey, prepared: PreparedResponse, generation: tuple[int, int]) -> None:
        """Remember a response built from the content as of ``generation``."""
        with self._lock:
            if generation != self._seen:
                return  # built from content that has changed since: do not serve it again
            self._entries[key] = prepared
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every prepared response."""
        with self._lock:
            self._entries.clear()
            self._seen = self._generation.current()

    @property
    def generation(self) -> tuple[int, int]:
        """The generation the cached entries belong to (read before building a response)."""
        self._sync()
        return self._seen


def cache_key(path: str, query_string: bytes) -> CacheKey:
    """The identity of a public GET: its path and its raw query string."""
    return (path, query_string)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class PublicEdge:
    """Replays prepared responses for cached public GETs and HEADs; everything else passes on."""

    def __init__(self, app: ASGIApp, cache: ResponseCache, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.cache = cache
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = str(scope["path"])
            if path.startswith(self.prefixes) and not path.startswith("/v1/admin"):
                prepared = self.cache.get(cache_key(path, bytes(scope.get("query_string", b""))))
                if prepared is not None:
                    status, headers, body = prepared.answer(
                        method=str(scope["method"]),
                        accept_encoding=_header(scope, b"accept-encoding") or "",
                        if_none_match=_header(scope, b"if-none-match"),
                    )
                    await send(
                        {"type": "http.response.start", "status": status, "headers": headers}
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)
