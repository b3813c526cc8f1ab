"""Time travel: what readers were shown at a past instant, and how long that answer may be kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from schema.article import Article
from service.edge.prepared import CONTENT_CACHE_CONTROL
from service.errors import FieldError, InvalidInput, NotFound
from service.store import timeline
from service.store.codec import utc_now
from service.store.db import ContentDB

IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# A publish takes its timestamp just before it waits for the write lock, so the last few seconds
# may still gain an event: only instants older than this are answered as immutable.
SETTLED_AFTER = timedelta(seconds=10)


def check_instant(as_of: datetime) -> datetime:
    """An instant with its offset; a local time without one names no instant (400)."""
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise InvalidInput(
            f"`as_of` needs a UTC offset (for example {as_of.isoformat()}Z): without one it "
            "names no instant.",
            errors=(FieldError("as_of", "an ISO-8601 instant with an offset"),),
        )
    return as_of


def article_as_of(db: ContentDB, slug: str, as_of: datetime) -> Article:
    """The revision live at ``as_of``, or ``NotFound`` when nothing was live then."""
    with db.read() as conn:
        article = timeline.get_article_as_of(conn, slug, check_instant(as_of))
    if article is None:
        raise NotFound(f"Nothing was live at {as_of.isoformat()} under the slug {slug!r}.")
    return article


def cache_control_for(as_of: datetime | None) -> str:
    """Immutable for a settled past instant; the usual policy for now and the future."""
    if as_of is not None and as_of <= utc_now() - SETTLED_AFTER:
        return IMMUTABLE_CACHE_CONTROL
    return CONTENT_CACHE_CONTROL
