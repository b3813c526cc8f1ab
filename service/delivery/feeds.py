"""The public lists and feeds as prepared responses: the article list, the change feed, the
newsletter digest and the Atom feed. Each names the articles it lists, so a publish of one
of them refreshes it.
"""

from __future__ import annotations

import msgspec

from schema.api import ArticleList, ChangePage, NewsletterDigest
from schema.text import without_controls
from service.channels.digest import build_atom_feed, build_digest
from service.delivery.reads import JSON
from service.edge.prepared import FEED_CACHE_CONTROL, PreparedResponse, prepare_response
from service.store import content, feed
from service.store.codec import decode_cursor, encode_cursor
from service.store.db import ContentDB

ATOM = "application/atom+xml"
FEED_ENTRIES = 50
MAX_PAGE = 100
DEFAULT_PAGE = 50  # the page size of a list read without ?limit=
_encode = msgspec.json.Encoder().encode


def list_response(db: ContentDB, limit: int, offset: int) -> PreparedResponse:
    """The published articles."""
    with db.read() as conn:
        summaries = content.list_live_articles(conn, limit=limit, offset=offset)
    return prepare_response(
        _encode(ArticleList(articles=summaries)),
        media_type=JSON,
        surrogate_keys=["articles", *(f"article:{s.slug}" for s in summaries)],
        cache_control=FEED_CACHE_CONTROL,
    )


def read_changes(db: ContentDB, since: str | None, limit: int) -> ChangePage:
    """Publish events after the cursor, oldest first, with the cursor to continue from."""
    after = decode_cursor(since)
    with db.read() as conn:
        events = content.list_events(conn, after=after, limit=limit + 1)
    has_more = len(events) > limit
    events = events[:limit]
    next_cursor = events[-1].cursor if events else (since or encode_cursor(after))
    return ChangePage(changes=events, next_cursor=next_cursor, has_more=has_more)


def changes_response(db: ContentDB, since: str | None, limit: int) -> PreparedResponse:
    """The change feed page as JSON."""
    page = read_changes(db, since, limit)
    return prepare_response(
        _encode(page),
        media_type=JSON,
        surrogate_keys=["changes"],
        cache_control=FEED_CACHE_CONTROL,
    )


def read_newsletter(
    db: ContentDB, since: str | None, limit: int, base_url: str
) -> NewsletterDigest:
    """A digest of the events after the cursor: one item per changed article."""
    after = decode_cursor(since)
    with db.read() as conn:
        events = feed.list_events_after(conn, after=after, limit=limit + 1)
        changes = feed.net_changes(conn, events[:limit])
    next_cursor = events[:limit][-1].event.cursor if events else (since or encode_cursor(after))
    digest = build_digest(
        changes, base_url=base_url, next_cursor=next_cursor, has_more=len(events) > limit
    )
    return msgspec.structs.replace(
        digest,
        subject=without_controls(digest.subject),
        html=without_controls(digest.html),
        text=without_controls(digest.text),
    )


def newsletter_response(
    db: ContentDB, since: str | None, limit: int, base_url: str
) -> PreparedResponse:
    """The newsletter digest as JSON."""
    return prepare_response(
        _encode(read_newsletter(db, since, limit, base_url)),
        media_type=JSON,
        surrogate_keys=["changes", "newsletter"],
        cache_control=FEED_CACHE_CONTROL,
    )


def feed_response(db: ContentDB, base_url: str) -> PreparedResponse:
    """The Atom feed of the newest publish events."""
    with db.read() as conn:
        changes = feed.event_changes(conn, feed.list_recent_events(conn, limit=FEED_ENTRIES))
    return prepare_response(
        build_atom_feed(changes, base_url=base_url),
        media_type=ATOM,
        surrogate_keys=["changes", "feed"],
        cache_control=FEED_CACHE_CONTROL,
    )
