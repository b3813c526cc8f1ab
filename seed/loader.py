"""Loading the seed article into the store as published revision 1."""

from __future__ import annotations

from datetime import datetime

import msgspec

from schema.article import Review
from schema.base import Model
from seed.data import SeedArticle, load_seed_article
from service.editorial.cadence import next_review_date
from service.editorial.publishing import make_live
from service.editorial.reviewers import ensure_placeholder
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB

SEED_ACTOR = "seed"


class SeedResult(Model, frozen=True):
    """What a seed run did."""

    slug: str
    created: bool
    revision: int | None


def dated_review(seed: SeedArticle, at: datetime) -> Review:
    """The seed's review as stored. A placeholder review is dated when it is loaded, and falls
    due after the article's review interval: a fixed date in the bundled file would make every
    fresh database (and every test run) start overdue once that date has passed. A real
    review keeps its dates."""
    review = seed.review
    if not review.reviewed_by.is_placeholder:
        return review
    return msgspec.structs.replace(
        review,
        reviewed_at=at.replace(microsecond=0),
        next_review_due=next_review_date(seed.fields, at, None),
    )


def load_seed(db: ContentDB, article: SeedArticle | None = None) -> SeedResult:
    """Store the seed article as published revision 1 unless it exists already (idempotent).

    The data was decoded through the same typed model as an editor's write; the whole load is
    one transaction.
    """
    seed = article if article is not None else load_seed_article()
    with db.write() as conn:
        # The stand-in reviewer is a profile marked placeholder, so it can never approve.
        ensure_placeholder(conn)
        if content.get_article_id(conn, seed.slug) is not None:
            return SeedResult(slug=seed.slug, created=False, revision=None)
        at = utc_now()
        article_id = content.insert_article(conn, seed.slug, actor=SEED_ACTOR, at=at)
        number, _ = make_live(
            conn,
            article_id,
            fields=seed.fields,
            sections=seed.sections,
            review=dated_review(seed, at),
            actor=SEED_ACTOR,
            at=at,
        )
    return SeedResult(slug=seed.slug, created=True, revision=number)


def publish_seed_variant(db: ContentDB, *, intro_body: str, actor: str) -> int:
    """Publish a new revision of the seed article whose intro says ``intro_body``; returns its
    number. For benchmarks, crash and cache tests that need many real publishes quickly."""
    seed = load_seed_article()
    intro = msgspec.structs.replace(seed.sections[0], body=intro_body)
    at = utc_now()
    with db.write() as conn:
        article_id = content.get_article_id(conn, seed.slug)
        if article_id is None:
            raise LookupError(f"the seed article {seed.slug!r} is not in {db.path}")
        number, _ = make_live(
            conn,
            article_id,
            fields=seed.fields,
            sections=[intro, *seed.sections[1:]],
            review=dated_review(seed, at),
            actor=actor,
            at=at,
        )
    return number
