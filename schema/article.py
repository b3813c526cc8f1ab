"""The article, its review record, its revisions and its working draft."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import Meta

from schema.base import HttpUrl, Model, NonEmptyStr, Slug
from schema.citations import Reference, ensure_unique_reference_ids, unused_references
from schema.plausibility import ValueWarning, with_warnings
from schema.sections import Section, ensure_unique_keys
from schema.trust import Correction

Summary = Annotated[str, Meta(min_length=1, max_length=1_000)]
Disclaimer = Annotated[str, Meta(min_length=1, max_length=2_000)]
MAX_SECTIONS = 100
SectionList = Annotated[list[Section], Meta(max_length=MAX_SECTIONS)]
ReferenceList = Annotated[
    list[Reference],
    Meta(max_length=200, description="The sources the article cites, numbered in this order."),
]
ReviewInterval = Annotated[
    int,
    Meta(ge=1, le=60, description="Months from an approval to the next review, by default."),
]


class Reviewer(Model, frozen=True):
    """The person who signed a revision off, with their credentials."""

    name: NonEmptyStr
    credentials: Annotated[str, Meta(max_length=300)] = ""
    # From the reviewer's profile at approval (absent on reviews older than profiles).
    registering_body: str = ""
    registration_number: str = ""
    is_placeholder: bool = False


class Review(Model, frozen=True):
    """Who reviewed the content and when."""

    reviewed_by: Reviewer
    reviewed_at: datetime
    next_review_due: Annotated[
        date | None, Meta(description="When the content is due to be reviewed again.")
    ] = None


class ArticleFields(Model, frozen=True):
    """The article-level fields an editor sets; sections are kept separately."""

    title: NonEmptyStr
    summary: Summary
    disclaimer: Disclaimer
    hero_image: HttpUrl | None = None
    references: ReferenceList = msgspec.field(default_factory=list)
    review_interval_months: ReviewInterval = 12

    def __post_init__(self) -> None:
        ensure_unique_reference_ids(self.references)


class Article(Model, frozen=True):
    """The live revision of an article as every channel reads it."""

    slug: Slug
    title: NonEmptyStr
    summary: Summary
    hero_image: HttpUrl | None
    revision: int
    published_at: datetime
    updated_at: datetime
    review: Review
    disclaimer: Disclaimer
    sections: SectionList
    references: list[Reference] = msgspec.field(default_factory=list)
    corrections: list[Correction] = msgspec.field(default_factory=list)
    review_overdue: bool = False

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)


class Revision(Model, frozen=True):
    """An immutable published revision: the content, its review, and how it came to be."""

    article: Slug
    number: int
    fields: ArticleFields
    sections: SectionList
    review: Review
    published_at: datetime
    published_by: str
    restored_from: int | None = None
    correction: Correction | None = None

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)


class DraftState(StrEnum):
    """Where a working draft stands in review."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"


class Draft(Model, frozen=True):
    """The working draft of an article: what editors change and reviewers sign off."""

    article: Slug
    state: DraftState
    version: int
    base_revision: int | None
    fields: ArticleFields
    sections: SectionList
    editors: list[str]
    updated_by: str
    updated_at: datetime
    submitted_by: str | None = None
    review: Review | None = None
    rejection_reason: str | None = None
    scheduled_at: datetime | None = None
    # Read-only, derived from the sections each time the draft is read: doses above the
    # plausible bound of their unit, for the editor and the reviewer.
    warnings: list[ValueWarning] = msgspec.field(default_factory=list)
    # Read-only, derived likewise: keys of references nothing in the draft cites, for review.
    unused_references: list[str] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)
        with_warnings(self, self.sections)
        unused = unused_references(self.fields.references, list(self.sections))
        msgspec.structs.force_setattr(self, "unused_references", unused)
