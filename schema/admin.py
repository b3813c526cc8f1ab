"""Request and response shapes of the admin API: workflow, history, audit and tokens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from schema.article import Review
from schema.base import Model, Slug
from schema.text import MULTI_LINE_PATTERN, NON_BLANK_PATTERN
from schema.trust import CorrectionRequest

Role = Literal["editor", "reviewer", "admin"]
LiveAction = Literal["published", "scheduled", "unpublished", "rolled_back", "republished"]
ChangeKind = Literal["added", "removed", "changed"]
AwareDateTime = Annotated[datetime, Meta(tz=True, description="ISO-8601 with a UTC offset.")]


class ApproveRequest(Model, frozen=True):
    """Optional body of an approval: when the content is next due for review.

    ``next_review_due`` defaults to the approval date plus the article's
    ``review_interval_months``. The byline's credentials come from the reviewer's profile;
    ``credentials`` is used only when the profile has none, and is then required (400 without
    it): no byline names a reviewer without their qualification.
    """

    credentials: Annotated[
        str, Meta(max_length=300, pattern=MULTI_LINE_PATTERN, examples=["MD, Psychiatry"])
    ] = ""
    next_review_due: date | None = None


class RejectRequest(Model, frozen=True):
    """Body of a rejection: why the draft goes back to its editors."""

    reason: Annotated[str, Meta(min_length=1, max_length=2_000, pattern=NON_BLANK_PATTERN)]


class PublishRequest(Model, frozen=True):
    """Optional body of a publish: ``at`` in the future schedules it, absent publishes now."""

    at: AwareDateTime | None = None
    correction: Annotated[
        CorrectionRequest | None,
        Meta(description="Marks this publish as a correction, with its public note."),
    ] = None


class RollbackRequest(Model, frozen=True):
    """Body of a rollback: the earlier published revision to make live again."""

    revision: Annotated[int, Meta(ge=1, le=1_000_000)]


class LiveChange(Model, frozen=True):
    """What a publish, schedule, unpublish, rollback or republish did to the live article."""

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


WordOp = Literal["same", "added", "removed"]


class WordChange(Model, frozen=True):
    """A run of a text change, word by word: kept (``same``), ``added`` or ``removed``."""

    op: WordOp
    text: str


class FieldChange(Model, frozen=True):
    """One change a reviewer reads: which section, where in it, and the values either side.

    ``section`` is None for article fields and the section order; an empty ``path`` means the
    whole section; list items are addressed by index, like ``therapies[0].dose.min``.
    ``summary`` says it in the vocabulary's words: ``Types of Ketamine Therapy and Dosing >
    Intravenous (IV) > Dose > Maximum: 1 -> 0.9 mg/kg, -10%``; ``location`` is the same place
    step by step, ``unit`` the value's unit as readers see it, ``relative_change`` the new
    number's change as a fraction of the old (-0.1), ``is_clinical`` marks doses, routes,
    dose forms, timing, side effects, contraindications, interactions and warnings, and
    ``words`` holds a text change word by word (rich text, and any text over 60 characters).
    """

    section: str | None
    path: str
    change: ChangeKind
    before: Any = None
    after: Any = None
    summary: Annotated[
        str,
        Meta(
            examples=[
                "Types of Ketamine Therapy and Dosing > Intravenous (IV) > Dose > Maximum: "
                "1 -> 0.9 mg/kg, -10%"
            ]
        ),
    ] = ""
    location: Annotated[
        list[str],
        Meta(
            examples=[
                ["Types of Ketamine Therapy and Dosing", "Intravenous (IV)", "Dose", "Maximum"]
            ]
        ),
    ] = msgspec.field(default_factory=list)
    unit: Annotated[str, Meta(examples=["mg/kg"])] = ""
    relative_change: Annotated[float | None, Meta(examples=[-0.1])] = None
    is_clinical: bool = False
    words: Annotated[
        list[WordChange] | None,
        Meta(
            examples=[
                [
                    {"op": "same", "text": "Sessions are "},
                    {"op": "added", "text": "closely "},
                    {"op": "same", "text": "monitored."},
                ]
            ]
        ),
    ] = None


class ContentDiff(Model, frozen=True):
    """Changes from one version of an article's content to another."""

    article: Slug
    against: int | None
    revision: int | None
    draft_version: int | None
    sections_changed: list[str]
    changes: list[FieldChange]
    unused_references: Annotated[
        list[str],
        Meta(description="Keys of references the newer side lists but nothing in it cites."),
    ] = msgspec.field(default_factory=list)


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


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
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
