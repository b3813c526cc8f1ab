"""Sync with deletions: everything live once, then what changed and what was withdrawn since.

A token names a window of the change feed and how far through it the pages have come:
``since`` (absent for the first, full sync), ``upto`` (fixed by the first page of a window, so
changes that land while paging are left to the next window) and ``after`` (the last article id
delivered). Content is always the current live revision, so a repeat is harmless.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import msgspec

from schema.article import Article
from schema.delivery import SyncPage
from service.channels.render import render_rich_text
from service.edge.prepared import FEED_CACHE_CONTROL, PreparedResponse, prepare_response
from service.errors import FieldError, InvalidInput
from service.store import content, sync
from service.store.db import ContentDB

_PREFIX = "sy1"
_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True)
class SyncToken:
    """Where a sync stands: the feed window and the last article id delivered in it."""

    since: int | None
    upto: int | None
    after: int

    def encode(self) -> str:
        """The opaque form handed to clients."""
        fields = [_PREFIX, _num(self.since), _num(self.upto), str(self.after)]
        return base64.urlsafe_b64encode(":".join(fields).encode()).decode().rstrip("=")


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def decode_token(token: str | None) -> SyncToken:
    """The position a token names (none: a full sync from the start); 400 if not ours."""
    if token is None:
        return SyncToken(since=None, upto=None, after=0)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, since, upto, after = raw.split(":")
        if prefix == _PREFIX:
            parsed = SyncToken(
                since=int(since) if since else None,
                upto=int(upto) if upto else None,
                after=int(after),
            )
            if min(parsed.since or 0, parsed.upto or 0, parsed.after) >= 0:
                return parsed
    # Alike in shape to codec.decode_cursor: each token has its own format and its own 400 words.
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        f"`token` is not a sync token this API issued: {token!r}. Use `next_token` from an "
        "earlier /v1/sync answer, or omit it for a full sync.",
        errors=(FieldError("token", "not a valid sync token"),),
    )


def read_sync(db: ContentDB, token: str | None, limit: int) -> SyncPage:
    """One page of a sync: live articles in full, withdrawn slugs, and the next token."""
    position = decode_token(token)
    articles: list[Article] = []
    deleted: list[str] = []
    with db.read() as conn:
        upto = sync.last_event_id(conn) if position.upto is None else position.upto
        if position.since is None:
            page = sync.list_live_after(conn, position.after, limit + 1)
        else:
            page = sync.list_changed_after(conn, position.since, upto, position.after, limit + 1)
        for _, slug in page[:limit]:
            article = content.get_live_article(conn, slug)
            if article is None:
                deleted.append(slug)
            else:
                articles.append(render_rich_text(article, "html"))
    has_more = len(page) > limit
    if has_more:
        following = SyncToken(since=position.since, upto=upto, after=page[limit - 1][0])
    else:
        following = SyncToken(since=upto, upto=None, after=0)
    return SyncPage(
        articles=articles, deleted=deleted, next_token=following.encode(), has_more=has_more
    )


def sync_response(db: ContentDB, token: str | None, limit: int) -> PreparedResponse:
    """The sync page as JSON."""
    return prepare_response(
        _encode(read_sync(db, token, limit)),
        media_type="application/json",
        surrogate_keys=["articles", "sync"],
        cache_control=FEED_CACHE_CONTROL,
    )
