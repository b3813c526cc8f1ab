"""The Atom feed of publish events, newest first, built with feedgen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from feedgen.feed import FeedGenerator

from schema.changes import ArticleChange
from schema.text import without_controls
from service.channels.digest.changes import changed_keys, describe_change
from service.channels.render import article_web_url

FEED_TITLE: Final = "Health content updates"
FEED_AUTHOR: Final = "Health content API"
_ACTION_WORDS: Final = {
    "published": "Published",
    "rolled_back": "Rolled back",
    "unpublished": "Withdrawn",
    "corrected": "Corrected (urgent)",
}
# An empty feed still needs an `updated`; a fixed one keeps its bytes (and ETag) stable.
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def feed_url(base_url: str) -> str:
    """Where the feed lives, which is also its Atom id."""
    return f"{base_url.rstrip('/')}/v1/feed.atom"


def build_atom_feed(changes: Sequence[ArticleChange], *, base_url: str) -> bytes:
    """An Atom document with one entry per event, in the order given (newest first)."""
    url = feed_url(base_url)
    feed = FeedGenerator()
    feed.id(url)
    feed.title(FEED_TITLE)
    feed.subtitle("Published, rolled back and withdrawn health articles, newest first.")
    feed.author({"name": FEED_AUTHOR})
    feed.link(href=url, rel="self", type="application/atom+xml")
    feed.link(href=f"{base_url.rstrip('/')}/v1/articles", rel="related", type="application/json")
    feed.language("en")
    feed.updated(max((change.at for change in changes), default=_EPOCH))
    for change in changes:
        _add_entry(feed, change, base_url=base_url, feed_id=url)
    body: bytes = feed.atom_str(pretty=True)
    return body


def _add_entry(feed: FeedGenerator, change: ArticleChange, *, base_url: str, feed_id: str) -> None:
    shown = change.shown
    lines = describe_change(change)
    entry = feed.add_entry(order="append")
    entry.id(f"{feed_id}#{change.cursor}")
    # Controls are not allowed in XML: content stored before the text policy must not break it.
    entry.title(without_controls(f"{shown.fields.title}: {'; '.join(lines)}"))
    entry.link(href=article_web_url(base_url, change.slug), rel="alternate", type="text/html")
    entry.updated(change.at)
    entry.published(change.at)
    entry.summary(
        without_controls(
            f"{_ACTION_WORDS.get(change.action, change.action)}"
            + ("" if change.after is None else f" as revision {change.after.number}")
            + f". {'. '.join(lines)}."
        )
    )
    entry.category(term=change.action, label=_ACTION_WORDS.get(change.action, change.action))
    for key in changed_keys(change):
        entry.category(term=f"section:{key}", label=without_controls(key))
