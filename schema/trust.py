"""Trust: reviewer profiles, the review queue and corrections (the shapes of their routes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import UNSET, Meta, UnsetType

from schema.base import Model, NonEmptyStr, Slug

Credentials = Annotated[str, Meta(max_length=300, examples=["MD, FRCPsych"])]
RegisteringBody = Annotated[
    str, Meta(max_length=120, description="Who registers the reviewer.", examples=["GMC", "NPI"])
]
RegistrationNumber = Annotated[str, Meta(max_length=60, examples=["7654321"])]
CompetingInterests = Annotated[str, Meta(max_length=2_000)]
CorrectionNote = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=1_000,
        pattern=r"^\S(?:[\s\S]*\S)?$",
        description="The public note, such as `We corrected the maximum IV dose.`",
    ),
]


class ReviewerCreate(Model, frozen=True):
    """Body creating a reviewer profile; ``name`` is the name their tokens carry."""

    name: NonEmptyStr
    credentials: Credentials
    registering_body: RegisteringBody
    registration_number: RegistrationNumber
    registration_expires: date
    competing_interests: CompetingInterests = ""


# A PATCH body repeats its create body's fields as optional: declared, as msgspec needs.
class ReviewerPatch(Model, frozen=True):
    """Body of a reviewer profile PATCH: only the fields present change."""

    credentials: Credentials | UnsetType = UNSET
    registering_body: RegisteringBody | UnsetType = UNSET
    registration_number: RegistrationNumber | UnsetType = UNSET
    registration_expires: date | UnsetType = UNSET
    competing_interests: CompetingInterests | UnsetType = UNSET


class ReviewerProfile(Model, frozen=True):
    """A person who may sign content off, with their registration.

    ``is_placeholder`` marks the seed's stand-in, who can never approve; ``is_current`` is
    whether the registration runs today.
    """

    id: int
    name: str
    credentials: str
    registering_body: str
    registration_number: str
    registration_expires: date | None
    competing_interests: str
    is_placeholder: bool
    is_current: bool
    created_at: datetime
    updated_at: datetime


class ReviewerList(Model, frozen=True):
    """Every reviewer profile, by name."""

    reviewers: list[ReviewerProfile]


class CorrectionRequest(Model, frozen=True):
    """Marks a publish as a correction: the public note, and whether it is urgent."""

    note: CorrectionNote
    is_urgent: bool = False


class Correction(Model, frozen=True):
    """One entry of an article's corrections log: when, what, and in which revision."""

    date: datetime
    note: str
    revision: int
    is_urgent: bool = False


class ReviewDue(Model, frozen=True):
    """A live article in the review queue."""

    slug: Slug
    title: str
    revision: int
    reviewed_by: str
    reviewed_at: datetime
    next_review_due: date | None
    review_overdue: bool


class ReviewQueue(Model, frozen=True):
    """Live articles due for review before a date, soonest first."""

    due_before: date
    reviews: list[ReviewDue]
