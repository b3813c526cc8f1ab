"""The article, its review record, its revisions and its working draft."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import Meta

from schema.base import HttpUrl, Model, NonEmptyStr, Slug, plain_text
from schema.citations import Reference, ensure_unique_reference_ids, unused_references
from schema.plausibility import ValueWarning, with_warnings
from schema.sections import Section, ensure_unique_keys
from schema.trust import Correction

Summary = Annotated[str, plain_text(1_000, min_length=1)]
Disclaimer = Annotated[str, plain_text(2_000, min_length=1)]
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
    credentials: Annotated[str, plain_text(300)] = ""
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

    @classmethod
    def from_fields(
        cls,
        slug: str,
        fields: ArticleFields,
        *,
        revision: int,
        published_at: datetime,
        updated_at: datetime,
        review: Review,
        sections: list[Section],
        corrections: list[Correction] | None = None,
        review_overdue: bool = False,
    ) -> Article:
        """The article built from its editable fields: the one place they are spread out."""
        return cls(
            slug=slug,
            title=fields.title,
            summary=fields.summary,
            hero_image=fields.hero_image,
            revision=revision,
            published_at=published_at,
            updated_at=updated_at,
            review=review,
            disclaimer=fields.disclaimer,
            sections=sections,
            references=fields.references,
            corrections=corrections or [],
            review_overdue=review_overdue,
        )


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
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


def draft_state(review: Review | None, submitted_by: str | None) -> DraftState:
    """Where a draft stands, from what it carries: a sign-off, else a submission, else neither."""
    if review is not None:
        return DraftState.APPROVED
    if submitted_by is not None:
        return DraftState.IN_REVIEW
    return DraftState.DRAFT


DerivedState = Annotated[
    DraftState,
    Meta(
        description="Derived: `approved` once reviewed, `in_review` once submitted, else `draft`.",
        extra_json_schema={"readOnly": True},
    ),
]


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class Draft(Model, frozen=True, kw_only=True):
    """The working draft of an article: what editors change and reviewers sign off.

    ``state`` is never set by hand: it follows from ``review`` and ``submitted_by`` (see
    :func:`draft_state`) and is a field only so that it is part of the draft's JSON. The class
    repeats ``kw_only`` so that ``state`` keeps its place in that JSON, ahead of required fields.
    """

    article: Slug
    state: DerivedState = DraftState.DRAFT
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
        # Derived, so it cannot disagree with the review it follows from; frozen Structs allow
        # this one write while they are being built.
        msgspec.structs.force_setattr(self, "state", draft_state(self.review, self.submitted_by))
        with_warnings(self, self.sections)
        unused = unused_references(self.fields.references, list(self.sections))
        msgspec.structs.force_setattr(self, "unused_references", unused)
