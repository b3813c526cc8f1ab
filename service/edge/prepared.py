"""HTTP semantics shared by the edge layer and the handlers: ETags, caching, conditional GETs,
content negotiation of encodings, and domain errors as RFC 9457 problem+json."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import brotli

from service.store.prepared import PreparedBody
from service.store.versions import LISTS

RawHeaders = tuple[tuple[bytes, bytes], ...]

COMPRESS_MIN_BYTES = 512
# Quality 6 brotli is within a few per cent of 9's size at a fraction of its time.
BROTLI_QUALITY = 6
GZIP_LEVEL = 6
CONTENT_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
FEED_CACHE_CONTROL = "public, max-age=15, stale-while-revalidate=60"
# Public content is the same for every origin; the ETag must be readable by browser code.
PUBLIC_CORS_HEADERS: RawHeaders = (
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Surrogate-Key, Cache-Control, Content-Length"),
)
_ENCODING_SUFFIX = {"br": "-br", "gzip": "-gz"}


def strong_etag(body: bytes) -> str:
    """A strong validator derived from the bytes alone, so equal content has an equal ETag."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    tag = tag.removeprefix("W/")
    for suffix in _ENCODING_SUFFIX.values():
        if tag.endswith(suffix + '"'):
            return tag[: -len(suffix) - 1] + '"'
    return tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2), tolerant of our per-encoding suffixes."""
    if if_none_match == etag:
        return True
    if if_none_match.strip() == "*":
        return True
    return any(_opaque(candidate) == etag for candidate in if_none_match.split(","))


def choose_encoding(accept_encoding: str) -> str | None:
    """The best encoding we hold for an ``Accept-Encoding`` header (brotli, gzip or none)."""
    offered: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip().lower()] = quality
    for encoding in ("br", "gzip"):
        if offered.get(encoding, offered.get("*", 0.0)) > 0:
            return encoding
    return None


_encoding_choices: dict[bytes, str | None] = {}


def choose_encoding_cached(accept_encoding: bytes) -> str | None:
    """:func:`choose_encoding` memoised on the raw header (clients send few distinct values)."""
    try:
        return _encoding_choices[accept_encoding]
    except KeyError:
        choice = choose_encoding(accept_encoding.decode("latin-1"))
        if len(_encoding_choices) < 1024:
            _encoding_choices[accept_encoding] = choice
        return choice


Answer = tuple[int, RawHeaders, bytes]


# What a cached response is charged beyond its bodies: its header tuples, the objects holding
# them, its key and LRU node (about 2 kB measured for an article; more for many surrogate keys).
ENTRY_OVERHEAD_BYTES = 2048


@dataclass(slots=True, eq=False)  # not frozen: a frozen __init__ costs a setattr call a field
class PreparedResponse:
    """A public response built once per content version: body, validators, content codings.

    The identity answer's headers are built with the response; the others on first use per
    encoding. Header lists are tuples of bytes, so a replay allocates nothing but the list the
    caller extends, and the garbage collector untracks them (a large cache adds no GC work).
    """

    body: bytes
    media_type: str
    etag: str
    cache_control: str
    surrogate_keys: tuple[str, ...]
    is_compressible: bool = False
    # Whose version this response follows: an article's slug, or the lists and feeds.
    version_key: str = LISTS
    _encoded: dict[str, bytes] = field(default_factory=dict, repr=False)
    _answers: dict[tuple[str | None, bool], Answer] = field(default_factory=dict, repr=False)
    # The answer to a GET with neither a validator nor Accept-Encoding (the edge's common case).
    plain: Answer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.plain = (200, self.headers_for(None, len(self.body)), self.body)
        self._answers[(None, False)] = self.plain

    def body_for(self, encoding: str) -> bytes:
        """The body in one content coding: stored with it, or compressed on first demand and
        then kept (most versions are never asked for in every coding)."""
        encoded = self._encoded.get(encoding)
        if encoded is None:
            if encoding == "br":
                encoded = brotli.compress(self.body, quality=BROTLI_QUALITY)
            else:
                encoded = gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)
            self._encoded[encoding] = encoded
        return encoded

    @property
    def charge(self) -> int:
        """Bytes this response may hold: its body, each coding it holds or may come to hold
        (counted at half the body until made; text compresses well below that) and overhead."""
        size = len(self.body) + ENTRY_OVERHEAD_BYTES
        if self.is_compressible:
            for encoding in ("br", "gzip"):
                held = self._encoded.get(encoding)
                size += len(self.body) // 2 if held is None else len(held)
        return size

    def headers_for(self, encoding: str | None, length: int | None) -> RawHeaders:
        """Response headers for one encoding of this body (no length for a 304)."""
        etag = self.etag if encoding is None else self.etag[:-1] + _ENCODING_SUFFIX[encoding] + '"'
        headers = [
            (b"content-type", self.media_type.encode()),
            (b"etag", etag.encode()),
            (b"cache-control", self.cache_control.encode()),
            (b"vary", b"Accept-Encoding"),
            (b"surrogate-key", " ".join(self.surrogate_keys).encode()),
            (b"x-content-type-options", b"nosniff"),
            *PUBLIC_CORS_HEADERS,
        ]
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        if encoding is not None:
            headers.append((b"content-encoding", encoding.encode()))
        return tuple(headers)

    def _answer(self, encoding: str | None, not_modified: bool) -> Answer:
        key = (encoding, not_modified)
        answer = self._answers.get(key)
        if answer is None:
            body = self.body if encoding is None else self.body_for(encoding)
            if not_modified:
                answer = (304, self.headers_for(encoding, None), b"")
            else:
                answer = (200, self.headers_for(encoding, len(body)), body)
            self._answers[key] = answer
        return answer

    def answer_raw(
        self, *, method: str, accept_encoding: bytes | None, if_none_match: bytes | None
    ) -> Answer:
        """Status, headers and body for a GET or HEAD, from raw request header values."""
        if if_none_match is None and (accept_encoding is None or not self.is_compressible):
            answer = self.plain  # the common case: no validator, no coding
        else:
            encoding = (
                choose_encoding_cached(accept_encoding)
                if self.is_compressible and accept_encoding
                else None
            )
            not_modified = if_none_match is not None and etag_matches(
                if_none_match.decode("latin-1"), self.etag
            )
            answer = self._answer(encoding, not_modified)
        return (answer[0], answer[1], b"") if method == "HEAD" else answer

    def answer(self, *, method: str, accept_encoding: str, if_none_match: str | None) -> Answer:
        """Status, headers and body for a GET or HEAD with these request headers."""
        return self.answer_raw(
            method=method,
            accept_encoding=accept_encoding.encode("latin-1") or None,
            if_none_match=None if if_none_match is None else if_none_match.encode("latin-1"),
        )


def prepare_response(
    body: bytes,
    *,
    media_type: str,
    surrogate_keys: Iterable[str],
    cache_control: str = CONTENT_CACHE_CONTROL,
    version_key: str = LISTS,
) -> PreparedResponse:
    """Build the validators of a public body once; codings follow on first demand."""
    return PreparedResponse(
        body=body,
        media_type=media_type,
        etag=strong_etag(body),
        cache_control=cache_control,
        surrogate_keys=tuple(surrogate_keys),
        is_compressible=len(body) >= COMPRESS_MIN_BYTES,
        version_key=version_key,
    )


def compressed_codings(body: bytes) -> tuple[bytes | None, bytes | None]:
    """The brotli and gzip codings of a body worth compressing (None, None for a short one),
    made once when a body is prepared for the store."""
    if len(body) < COMPRESS_MIN_BYTES:
        return None, None
    return (
        brotli.compress(body, quality=BROTLI_QUALITY),
        gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
    )


def from_prepared_body(prepared: PreparedBody, *, version_key: str) -> PreparedResponse:
    """A response from a body prepared and stored once per revision (its ETag and, when they
    were stored, its codings with it: nothing is compressed on this path)."""
    encoded = {}
    if prepared.brotli is not None:
        encoded["br"] = prepared.brotli
    if prepared.gzip is not None:
        encoded["gzip"] = prepared.gzip
    return PreparedResponse(
        body=prepared.body,
        media_type=prepared.media_type,
        etag=prepared.etag,
        cache_control=CONTENT_CACHE_CONTROL,
        surrogate_keys=prepared.surrogate_keys,
        is_compressible=len(prepared.body) >= COMPRESS_MIN_BYTES,
        version_key=version_key,
        _encoded=encoded,
    )
