"""Review cadence: the next review date set at approval, and reviews falling due announced."""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime

from schema.article import ArticleFields
from schema.trust import ReviewDue
from service.editorial.actor import Actor, record
from service.errors import FieldError, InvalidInput
from service.store import content, prepared, trust, versions
from service.store.codec import utc_now
from service.store.db import ContentDB

SCHEDULER = Actor(name="scheduler", role="scheduler")
logger = logging.getLogger("service.editorial.cadence")


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the end of a shorter month (Jan 31 + 1: Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_date(fields: ArticleFields, at: datetime, chosen: date | None) -> date:
    """The reviewer's chosen date, or the article's interval from today; never today or before."""
    today = at.date()
    if chosen is None:
        return add_months(today, fields.review_interval_months)
    if chosen <= today:
        raise InvalidInput(
            f"`next_review_due` ({chosen}) must be after today ({today}).",
            errors=(FieldError("$.next_review_due", "must be a future date"),),
        )
    return chosen


def next_due_date(db: ContentDB) -> date | None:
    """The soonest review date not yet announced."""
    with db.read() as conn:
        return trust.next_unannounced_due(conn)


def announce_due_reviews(db: ContentDB, now: datetime) -> list[str]:
    """Announce, once each, every live revision whose review date has come (also missed ones).

    The change-feed entry is the record that it was announced, and its outbox rows join the same
    transaction; re-checked under the write lock, so several workers announce it once. ``now``
    decides what is due; the entry is stamped with the real time, when the dispatcher sends it.
    """
    today = now.date()
    # Alike in shape to live.publish_due (read the candidates, re-check each under the write
    # lock); both stay: the queries and the work in the transaction differ.
    with db.read() as conn:
        candidates = [due.article_id for due in trust.list_unannounced_due(conn, today)]
    announced = []
    for article_id in candidates:
        with db.write() as conn:
            due = {d.article_id: d for d in trust.list_unannounced_due(conn, today)}.get(article_id)
            if due is None:
                continue
            note = f"Review due {due.due.isoformat()}"
            content.insert_event(
                conn,
                article_id,
                revision=due.revision,
                action="review_due",
                sections_changed=[],
                at=utc_now(),
                note=note,
            )
            record(
                conn, SCHEDULER, "review_due", article=due.slug, revision=due.revision,
                detail=note, at=utc_now(),
            )  # fmt: skip
            # Readers now see `review_overdue`: the article's cached and prepared bodies go.
            prepared.drop_article_bodies(conn, article_id)
            versions.touch_article(conn, due.slug)
            announced.append(due.slug)
            logger.info("review of %s revision %s is due (%s)", due.slug, due.revision, due.due)
    return announced


def reviews_due(db: ContentDB, before: date) -> list[ReviewDue]:
    """Live articles due for review before ``before`` (or never given a date), soonest first."""
    with db.read() as conn:
        return trust.list_reviews_due(conn, before)
