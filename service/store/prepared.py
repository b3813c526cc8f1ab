"""Prepared public bodies, once per (article, revision, variant, renderer version), in SQLite.

A published revision never changes, so whatever is derived from it (the article JSON with its
rich text rendered and sanitized per format, the web, email and text renders with their JSON-LD)
is made once, on its first read, and kept here, where every worker and every restart shares it.
A read of a live body is one indexed query (one statement, so no BEGIN and COMMIT around it).
Each body is kept with its brotli and gzip codings, made with it, so no reader compresses. Rows
of another renderer version are never read (the version is part of the key) and are deleted at
start-up, so a new renderer rebuilds them.
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from service.store.db import BUSY_TIMEOUT_MS, Connection, ContentDB


class PreparedBody(NamedTuple):
    """A stored body with what its response needs besides: media type, ETag, surrogate keys."""

    body: bytes
    media_type: str
    etag: str
    surrogate_keys: tuple[str, ...]
    # The body in brotli and gzip, made once with it (None: not made, e.g. a short body).
    brotli: bytes | None = None
    gzip: bytes | None = None


class LiveBody(NamedTuple):
    """The live revision of an article, and its prepared body in one variant if there is one."""

    article_id: int
    revision: int
    prepared: PreparedBody | None


def create_prepared_table(conn: Connection) -> None:
    """The table (a migration step): keyed for the one lookup a read makes."""
    conn.execute(
        "CREATE TABLE prepared ("
        "article_id INTEGER NOT NULL REFERENCES articles (id), revision INTEGER NOT NULL, "
        "variant TEXT NOT NULL, renderer INTEGER NOT NULL, media_type TEXT NOT NULL, "
        "etag TEXT NOT NULL, surrogate_keys TEXT NOT NULL, body BLOB NOT NULL, "
        "PRIMARY KEY (article_id, revision, variant, renderer)) WITHOUT ROWID"
    )


def add_coding_columns(conn: Connection) -> None:
    """The compressed codings beside each body (a migration step; older rows have none)."""
    conn.execute("ALTER TABLE prepared ADD COLUMN body_br BLOB")
    conn.execute("ALTER TABLE prepared ADD COLUMN body_gz BLOB")


def web_variant(channel: str, base_url: str) -> str:
    """The variant name of a whole-article render; links in web and email depend on the URL."""
    return channel if channel == "text" else f"{channel} {base_url}"


def article_variant(fmt: str) -> str:
    """The variant name of the whole article JSON with rich text in ``fmt``."""
    return f"json {fmt}"


_LIVE_BODY = (
    "SELECT a.id, a.live_revision, p.body, p.media_type, p.etag, p.surrogate_keys, "
    "p.body_br, p.body_gz "
    "FROM articles a LEFT JOIN prepared p ON p.article_id = a.id "
    "AND p.revision = a.live_revision AND p.variant = ? AND p.renderer = ? "
    "WHERE a.slug = ? AND a.live_revision IS NOT NULL"
)


def get_live_body(conn: Connection, slug: str, variant: str, renderer: int) -> LiveBody | None:
    """The live revision and its prepared body, or None when the article is not live."""
    return _live_body(conn.execute(_LIVE_BODY, (variant, renderer, slug)).fetchone())


def read_live_body(db: ContentDB, slug: str, variant: str, renderer: int) -> LiveBody | None:
    """:func:`get_live_body` as one statement outside any explicit transaction: SQLite reads
    it in a snapshot of its own, and the miss path saves the BEGIN and COMMIT round trips."""
    return _live_body(db.read_one(_LIVE_BODY, (variant, renderer, slug)))


def _live_body(row: Any) -> LiveBody | None:
    if row is None:
        return None
    article_id, revision, body, media_type, etag, keys, brotli, gzip = row
    found = None
    if isinstance(body, bytes):
        found = PreparedBody(
            body,
            str(media_type),
            str(etag),
            tuple(str(keys).split(" ")),
            brotli if isinstance(brotli, bytes) else None,
            gzip if isinstance(gzip, bytes) else None,
        )
    return LiveBody(int(article_id), int(revision), found)


def store_body(
    db: ContentDB, live: LiveBody, variant: str, renderer: int, prepared: PreparedBody
) -> bool:
    """Keep a body made on a read; False (and nothing kept) when a writer holds the lock.

    It runs on the read path, so it never waits for the write lock: the next read of the same
    variant stores it instead. No public content changes, so no cache or job is woken.
    """
    conn = db.conn
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        conn.execute(
            "INSERT OR IGNORE INTO prepared (article_id, revision, variant, renderer, "
            "media_type, etag, surrogate_keys, body, body_br, body_gz) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                live.article_id,
                live.revision,
                variant,
                renderer,
                prepared.media_type,
                prepared.etag,
                " ".join(prepared.surrogate_keys),
                prepared.body,
                prepared.brotli,
                prepared.gzip,
            ),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True


def drop_article_bodies(conn: Connection, article_id: int) -> None:
    """Inside a write: forget an article's bodies when something they show changed without a new
    revision (a review falling due turns `review_overdue` on)."""
    conn.execute("DELETE FROM prepared WHERE article_id = ?", (article_id,))


def drop_other_renderers(db: ContentDB, renderer: int) -> int:
    """Delete bodies made by another renderer version (start-up); how many were deleted."""
    with db.write(is_content=False) as conn:
        return conn.execute("DELETE FROM prepared WHERE renderer != ?", (renderer,)).rowcount


def prepared_bytes(conn: Connection) -> int:
    """Bytes the prepared bodies take (their payloads and codings), for docs/scaling.md."""
    row = conn.execute(
        "SELECT coalesce(sum(length(body) + coalesce(length(body_br), 0) "
        "+ coalesce(length(body_gz), 0)), 0) FROM prepared"
    ).fetchone()
    return int(row[0])
