"""The response cache is bounded by bytes: least recently used first out, each entry charged its
body, the codings it holds or may come to hold, and a fixed overhead (docs/scaling.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.app import create_app
from service.config import Settings, SettingsError
from service.edge.prepared import prepare_response
from service.edge.replay import CachedEntry, ResponseCache
from service.store.db import ContentDB
from service.store.versions import PublicVersions

SHORT = 2148  # a 100-byte body (too short to compress): 100 + 2,048 overhead
# A 1,000-byte body, compressible, no coding made yet: 1,000 + 2,048 + 500 (br) + 500 (gzip).
COMPRESSIBLE = 4048


def _entry(body: bytes) -> CachedEntry:
    return CachedEntry(prepare_response(body, media_type="text/plain", surrogate_keys=[]), "/x")


def _keys(cache: ResponseCache) -> list[str]:
    return [key[0] for key in cache._entries]


def test_the_least_recently_used_go_first_when_the_bytes_run_out(seeded_db: ContentDB) -> None:
    cache = ResponseCache(PublicVersions(seeded_db), max_bytes=3 * SHORT)
    versions = cache.snapshot()
    for path in ("/a", "/b", "/c"):
        cache.put((path, b""), _entry(b"x" * 100), versions)
    assert cache.held_bytes == 3 * SHORT
    assert cache.get(("/a", b"")) is not None  # read: now the most recently used
    cache.put(("/d", b""), _entry(b"y" * 100), versions)
    assert _keys(cache) == ["/c", "/a", "/d"]
    assert cache.held_bytes == 3 * SHORT
    cache.put(("/a", b""), _entry(b"z" * 100), versions)  # replacing one charges it once
    assert cache.held_bytes == 3 * SHORT and len(cache) == 3


def test_a_compressible_body_is_charged_for_its_codings_and_a_too_big_one_is_not_kept(
    seeded_db: ContentDB,
) -> None:
    cache = ResponseCache(PublicVersions(seeded_db), max_bytes=COMPRESSIBLE + SHORT)
    versions = cache.snapshot()
    cache.put(("/small", b""), _entry(b"x" * 100), versions)
    cache.put(("/text", b""), _entry(b"a" * 1000), versions)
    assert cache.held_bytes == COMPRESSIBLE + SHORT
    answered = cache.put(("/huge", b""), _entry(b"b" * 7000), versions)
    assert answered.prepared.body == b"b" * 7000  # answered, never kept, nothing else dropped
    assert _keys(cache) == ["/small", "/text"]


def test_response_cache_mb_sets_the_bound(tmp_path: Path) -> None:
    env = {"CONTENT_DB": str(tmp_path / "content.db"), "RESPONSE_CACHE_MB": "3"}
    app = create_app(Settings.from_env(env))
    assert app.state["cache"].max_bytes == 3 * 1024 * 1024
    assert Settings.from_env({}).response_cache_mb == 256
    for bad in ("0", "lots"):
        with pytest.raises(SettingsError, match="RESPONSE_CACHE_MB"):
            Settings.from_env({"RESPONSE_CACHE_MB": bad})
