"""The edge: hot public GETs answered from prepared responses, in front of everything else.

Published content is immutable per revision, so a response built once can be replayed until the
version of its article (or of the lists) changes. A hit costs two dict lookups and a read of
the mmap'd public marker; misses, other methods and other paths go on to the layers and the
Litestar app, whose handlers fill the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from time import perf_counter
from time import time as wall_clock
from urllib.parse import parse_qsl, urlencode

from service.edge.asgi_types import Scope, Send
from service.edge.logs import ACCESS_LOG
from service.edge.prepared import PreparedResponse
from service.edge.ratelimit import RateLimiter
from service.edge.requestid import new_request_id, request_id_from
from service.edge.requeststats import RequestStats
from service.store.versions import EPOCH, PublicVersions, VersionMap

CacheKey = tuple[str, bytes]


# The default bound of a worker's cache: room for every article JSON of a 10,000-article
# library with both compressed codings (about 17 kB each), or for the uncompressed JSON and web
# bodies of all of them; see docs/scaling.md.
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024


@dataclass(slots=True)
class CachedEntry:
    """A prepared response, the route template it answers (for metrics), the version of the
    content it was built from (its article's, or the lists'), and the bytes it is charged."""

    prepared: PreparedResponse
    route: str
    version: int = 0
    charge: int = 0


class ResponseCache:
    """An LRU of prepared public responses bounded by bytes; an entry is dropped when its
    version moves.

    The versions come from :class:`PublicVersions`, which costs one read of the shared marker
    per request and a small indexed query only after a public change in any process. Each entry
    is charged :attr:`PreparedResponse.charge` bytes; the least recently used go first when the
    total passes ``max_bytes``.
    """

    def __init__(self, versions: PublicVersions, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._versions = versions
        self._epoch: int | None = None
        self._checked: VersionMap | None = None
        self._entries: OrderedDict[CacheKey, CachedEntry] = OrderedDict()
        self.max_bytes = max_bytes
        self.held_bytes = 0
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> CachedEntry | None:
        """The prepared response for a path and query, if its content has not changed since."""
        entry = self._entries.get(key)
        if entry is not None:
            versions = self._versions.current()  # not through _current: a call fewer a hit
            if versions is not self._checked:
                self._note(versions)
            if versions.get(entry.prepared.version_key, 0) == entry.version:
                self.hits += 1
                try:  # noqa: SIM105 - suppress() costs three calls a hit
                    self._entries.move_to_end(key)
                except KeyError:  # dropped meanwhile by another thread
                    pass
                return entry
            with self._lock:
                if self._entries.get(key) is entry:
                    self._drop(key)
        self.misses += 1
        return None

    def put(self, key: CacheKey, entry: CachedEntry, versions: VersionMap) -> CachedEntry:
        """Remember a response built from content read after ``versions`` was taken.

        The entry carries the version from that snapshot: if the content moved while it was
        built, the snapshot is older than the content, so the entry is dropped at the next look.
        """
        prepared = entry.prepared
        charge = prepared.charge
        entry = CachedEntry(prepared, entry.route, versions.get(prepared.version_key, 0), charge)
        if charge > self.max_bytes:
            return entry  # answered, not kept
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self.held_bytes += charge
            while self.held_bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.held_bytes -= dropped.charge
        return entry

    def _drop(self, key: CacheKey) -> None:
        self.held_bytes -= self._entries.pop(key).charge

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every response (benchmarks measure misses with it)."""
        with self._lock:
            self._entries.clear()
            self.held_bytes = 0

    def snapshot(self) -> VersionMap:
        """The versions now: take it before reading the content a response is built from."""
        return self._current()

    def _current(self) -> VersionMap:
        versions = self._versions.current()
        if versions is not self._checked:
            self._note(versions)
        return versions

    def _note(self, versions: VersionMap) -> None:
        """A new map: the versions moved since the last look; a new epoch empties the cache."""
        self._checked = versions
        epoch = versions.get(EPOCH)
        if epoch != self._epoch:
            with self._lock:  # a restored database: nothing held before it can be replayed
                self._entries.clear()
                self.held_bytes = 0
                self._epoch = epoch


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
        load: Callable[[str, bytes], CachedEntry | None] | None = None,
    ) -> None:
        self.cache = cache
        self.prefixes = prefixes
        self.stats = stats
        self.limiter = limiter
        self.load = load  # a miss's second chance: a body stored per revision (edge.misses)

    async def answer(self, scope: Scope, send: Send) -> bool:
        """Answer the request from the cache; False when it must go to the app."""
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            return False
        path = scope["path"]
        if not path.startswith(self.prefixes):
            return False
        started = perf_counter()
        query = scope["query_string"]  # no query: cache_key's answer, without the call
        entry = self.cache.get((path, b"") if not query else cache_key(path, query))
        if entry is None:
            if self.load is None:
                return False
            entry = self.load(path, query)
            if entry is None:
                return False
        accept_encoding = if_none_match = given_id = None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"x-request-id":
                given_id = value
        # No id given (the common case): a new one, without request_id_from's call.
        request_id = new_request_id() if given_id is None else request_id_from(given_id)
        if self.limiter is not None:
            wait = self.limiter.take(scope)
            if wait:
                await self.limiter.refuse(scope, send, wait, request_id, echo_id=True)
                self._record(scope, entry.route, 429, started, request_id)
                return True
        if if_none_match is None and accept_encoding is None and method == "GET":
            status, headers, body = entry.prepared.plain  # no call for the common case
        else:
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
        self._record(scope, entry.route, status, started, request_id)
        return True

    def _record(
        self, scope: Scope, route: str, status: int, started: float, request_id: bytes
    ) -> None:
        elapsed = perf_counter() - started
        method = scope["method"]
        self.stats.record(method, route, status, elapsed)
        if ACCESS_LOG.is_enabled:  # one tuple; the line is formatted by the log's writer
            ACCESS_LOG.add(
                (wall_clock(), method, scope["path"], route, status, elapsed, request_id)
            )
