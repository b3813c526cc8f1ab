"""Request and response shapes of the HTTP API that are not content Structs themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from schema.article import Disclaimer, Review, SectionList, Summary
from schema.base import HttpUrl, Model, NonEmptyStr, SectionKey, Slug
from schema.sections import ensure_unique_keys

RichTextFormat = Literal["markdown", "html", "text"]
ChangeAction = Literal["published", "rolled_back", "unpublished"]


class ArticleSummary(Model, frozen=True):
    """One published article in the list."""

    slug: Slug
    title: str
    summary: str
    revision: int
    published_at: datetime
    updated_at: datetime
    review: Review


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

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)


class ArticlePatch(Model, frozen=True):
    """Body of a draft PATCH: only the fields present change."""

    title: NonEmptyStr | UnsetType = UNSET
    summary: Summary | UnsetType = UNSET
    hero_image: HttpUrl | UnsetType | None = UNSET
    disclaimer: Disclaimer | UnsetType = UNSET
    section_order: Annotated[list[SectionKey], Meta(max_length=100)] | UnsetType = UNSET


class ChangeEvent(Model, frozen=True):
    """A publish event in the change feed."""

    cursor: str
    article: Slug
    revision: int | None
    action: ChangeAction
    sections_changed: list[str]
    at: datetime


class ChangePage(Model, frozen=True):
    """A page of change events, oldest first, and the cursor to continue from."""

    changes: list[ChangeEvent]
    next_cursor: str
    has_more: bool


class ProblemFieldError(Model, frozen=True):
    """One invalid field of a request: where it is and what is wrong."""

    path: str
    message: str


class Problem(Model, frozen=True, omit_defaults=True):
    """An RFC 9457 problem detail, served as ``application/problem+json``."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemFieldError] | None = None


# --- Admin API: editorial workflow, history, audit and tokens ---

Role = Literal["editor", "reviewer", "admin"]
LiveAction = Literal["published", "scheduled", "unpublished", "rolled_back"]
ChangeKind = Literal["added", "removed", "changed"]
AwareDateTime = Annotated[datetime, Meta(tz=True, description="ISO-8601 with a UTC offset.")]


class ApproveRequest(Model, frozen=True):
    """Optional body of an approval: the reviewer's credentials for the byline."""

    credentials: Annotated[str, Meta(max_length=300, examples=["MD, Psychiatry"])] = ""


class RejectRequest(Model, frozen=True):
    """Body of a rejection: why the draft goes back to its editors."""

    reason: Annotated[str, Meta(min_length=1, max_length=2_000, pattern=r"^\s*\S[\s\S]*$")]


class PublishRequest(Model, frozen=True):
    """Optional body of a publish: ``at`` in the future schedules it, absent publishes now."""

    at: AwareDateTime | None = None


class RollbackRequest(Model, frozen=True):
    """Body of a rollback: the earlier published revision to make live again."""

    revision: Annotated[int, Meta(ge=1, le=1_000_000)]


class LiveChange(Model, frozen=True):
    """What a publish, schedule, unpublish or rollback did to the live article."""

    article: Slug
    action: LiveAction
    revision: int | None
    sections_changed: list[str]
    at: datetime


class RevisionSummary(Model, frozen=True):
    """One published revision in the history, without its content."""

    number: int
    published_at: datetime
    published_by: str
    review: Review
    restored_from: int | None
    is_live: bool


class RevisionList(Model, frozen=True):
    """An article's published revisions, newest first."""

    article: Slug
    live_revision: int | None
    revisions: list[RevisionSummary]


class FieldChange(Model, frozen=True):
    """One change a reviewer reads: which section, where in it, and the values either side.

    ``section`` is None for article fields and the section order; an empty ``path`` means the
    whole section; list items are addressed by index, like ``therapies[0].dose.min``.
    """

    section: str | None
    path: str
    change: ChangeKind
    before: Any = None
    after: Any = None


class ContentDiff(Model, frozen=True):
    """Changes from one version of an article's content to another."""

    article: Slug
    against: int | None
    revision: int | None
    draft_version: int | None
    sections_changed: list[str]
    changes: list[FieldChange]


class AuditEntry(Model, frozen=True):
    """One admin action: who, with which role, what, to which article and revision, when."""

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    article: str | None
    revision: int | None
    request_id: str | None
    detail: str


class AuditPage(Model, frozen=True):
    """Audit entries oldest first; pass ``next_since`` as ``since`` to continue."""

    entries: list[AuditEntry]
    next_since: str
    has_more: bool


class TokenInfo(Model, frozen=True):
    """An API token as listed: never the token itself, which is shown once and stored hashed."""

    id: int
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None


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
