"""Loading the seed: its placeholder review is dated when loaded, never overdue from the start."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from schema.article import Reviewer
from seed.data import load_seed_article
from seed.loader import dated_review


def test_a_placeholder_review_is_dated_when_loaded_and_due_after_the_interval() -> None:
    seed = load_seed_article()
    assert seed.review.reviewed_by.is_placeholder
    assert seed.fields.review_interval_months == 12
    review = dated_review(seed, datetime(2031, 5, 31, 10, 30, 15, 987, tzinfo=UTC))
    assert review.reviewed_at == datetime(2031, 5, 31, 10, 30, 15, tzinfo=UTC)
    assert review.next_review_due == date(2032, 5, 31)
    assert review.reviewed_by == seed.review.reviewed_by


def test_a_real_review_keeps_its_dates() -> None:
    seed = load_seed_article()
    real = msgspec.structs.replace(
        seed.review, reviewed_by=Reviewer(name="Dr R", credentials="MBBS")
    )
    article = msgspec.structs.replace(seed, review=real)
    assert dated_review(article, datetime(2031, 5, 31, tzinfo=UTC)) == real
