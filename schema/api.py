"""Request and response shapes of the public API and the errors of every route."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from schema.article import Disclaimer, ReferenceList, Review, ReviewInterval, SectionList, Summary
from schema.base import HttpUrl, Model, NonEmptyStr, SectionKey, Slug
from schema.citations import ensure_unique_reference_ids
from schema.sections import ensure_unique_keys

RichTextFormat = Literal["markdown", "html", "text"]
ChangeAction = Literal["published", "rolled_back", "unpublished", "review_due", "corrected"]


class ArticleSummary(Model, frozen=True):
    """One published article in the list."""

    slug: Slug
    title: str
    summary: str
    revision: int
    published_at: datetime
    updated_at: datetime
    review: Review
    review_overdue: bool = False


class ArticleList(Model, frozen=True):
    """The published articles."""

    articles: list[ArticleSummary]


class ArticleCreate(Model, frozen=True):
    """Body of a request creating an article as a draft."""

    slug: Slug
    title: NonEmptyStr
    summary: Summary
    disclaimer: Disclaimer
    hero_image: HttpUrl | None = None
    sections: SectionList = msgspec.field(default_factory=list)
    references: ReferenceList = msgspec.field(default_factory=list)
    review_interval_months: ReviewInterval = 12

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)
        ensure_unique_reference_ids(self.references)


class ArticlePatch(Model, frozen=True):
    """Body of a draft PATCH: only the fields present change."""

    title: NonEmptyStr | UnsetType = UNSET
    summary: Summary | UnsetType = UNSET
    hero_image: HttpUrl | UnsetType | None = UNSET
    disclaimer: Disclaimer | UnsetType = UNSET
    section_order: Annotated[list[SectionKey], Meta(max_length=100)] | UnsetType = UNSET
    references: ReferenceList | UnsetType = UNSET
    review_interval_months: ReviewInterval | UnsetType = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.references, UnsetType):
            ensure_unique_reference_ids(self.references)


class ChangeEvent(Model, frozen=True):
    """A publish event in the change feed."""

    cursor: str
    article: Slug
    revision: int | None
    action: ChangeAction
    sections_changed: list[str]
    at: datetime
    note: Annotated[
        str | None,
        Meta(description="`corrected`: the public correction note; `review_due`: the due date."),
    ] = None


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class ChangePage(Model, frozen=True):
    """A page of change events, oldest first, and the cursor to continue from."""

    changes: list[ChangeEvent]
    next_cursor: str
    has_more: bool


class ProblemFieldError(Model, frozen=True):
    """One invalid field of a request: where it is and what is wrong."""

    path: str
    message: str


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class Problem(Model, frozen=True, omit_defaults=True):
    """An RFC 9457 problem detail, served as ``application/problem+json``."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemFieldError] | None = None


class NewsletterItem(Model, frozen=True):
    """One changed article in a newsletter digest, with a human line saying what changed.

    ``revision`` is the live revision after the change (None once withdrawn) and
    ``previous_revision`` the one live before it (None for a first publish).
    """

    slug: Slug
    title: str
    revision: int | None
    previous_revision: int | None
    action: ChangeAction
    sections_changed: list[str]
    summary: str
    changes: list[str]
    url: str
    at: datetime


class NewsletterDigest(Model, frozen=True):
    """What changed since a cursor, as an email: subject, HTML and text parts, and the items."""

    subject: str
    html: str
    text: str
    items: list[NewsletterItem]
    next_cursor: str
    has_more: bool
