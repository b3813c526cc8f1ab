"""Reviewer profiles: kept by admins; an approval needs the approver's current profile."""

from __future__ import annotations

from datetime import date

import msgspec

from schema.article import Reviewer
from schema.base import present_fields
from schema.trust import ReviewerCreate, ReviewerPatch, ReviewerProfile
from service.editorial.actor import Actor, record
from service.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from service.store import trust
from service.store.codec import utc_now
from service.store.db import Connection, ContentDB

PLACEHOLDER = ReviewerCreate(
    name="Seed Reviewer (placeholder)",
    credentials="Placeholder for seed data; not a real medical review",
    registering_body="",
    registration_number="",
    registration_expires=date(1970, 1, 1),
    competing_interests="",
)


def list_reviewers(db: ContentDB) -> list[ReviewerProfile]:
    """Every profile, by name."""
    with db.read() as conn:
        return trust.list_reviewers(conn, utc_now().date())


def get_reviewer(db: ContentDB, reviewer_id: int) -> ReviewerProfile:
    """One profile, or ``NotFound``."""
    with db.read() as conn:
        found = trust.get_reviewer(conn, reviewer_id, utc_now().date())
    if found is None:
        raise NotFound(f"There is no reviewer profile {reviewer_id}.")
    return found


def create_reviewer(db: ContentDB, actor: Actor, body: ReviewerCreate) -> ReviewerProfile:
    """Add a profile for the person whose tokens carry ``body.name``."""
    at = utc_now()
    with db.write() as conn:
        if trust.get_reviewer_by_name(conn, body.name, at.date()) is not None:
            raise Conflict(f"{body.name!r} has a reviewer profile already; change it instead.")
        reviewer_id = trust.insert_reviewer(conn, body, at)
        record(
            conn, actor, "reviewer_created", article=None, revision=None, detail=body.name, at=at
        )
        created = trust.get_reviewer(conn, reviewer_id, at.date())
    assert created is not None  # inserted in this transaction
    return created


def update_reviewer(
    db: ContentDB, actor: Actor, reviewer_id: int, patch: ReviewerPatch
) -> ReviewerProfile:
    """Change the fields present in ``patch``; the placeholder stays a placeholder."""
    changes = present_fields(patch)
    if not changes:
        return get_reviewer(db, reviewer_id)  # an empty patch changes nothing, like a webhook's
    at = utc_now()
    with db.write() as conn:
        current = trust.get_reviewer(conn, reviewer_id, at.date())
        if current is None:
            raise NotFound(f"There is no reviewer profile {reviewer_id}.")
        if current.is_placeholder:
            raise Conflict("The seed's placeholder reviewer cannot be given a registration.")
        trust.update_reviewer(conn, reviewer_id, changes, at)
        detail = f"{current.name}: changed {', '.join(changes)}"
        record(conn, actor, "reviewer_changed", article=None, revision=None, detail=detail, at=at)
        updated = trust.get_reviewer(conn, reviewer_id, at.date())
    assert updated is not None
    return updated


def delete_reviewer(db: ContentDB, actor: Actor, reviewer_id: int) -> None:
    """Remove a profile; reviews already signed keep what they recorded."""
    at = utc_now()
    with db.write() as conn:
        current = trust.get_reviewer(conn, reviewer_id, at.date())
        if current is None or not trust.delete_reviewer(conn, reviewer_id):
            raise NotFound(f"There is no reviewer profile {reviewer_id}.")
        record(
            conn, actor, "reviewer_deleted", article=None, revision=None, detail=current.name, at=at
        )


def ensure_placeholder(conn: Connection) -> None:
    """Keep the seed's stand-in reviewer as a profile marked placeholder (idempotent)."""
    at = utc_now()
    if trust.get_reviewer_by_name(conn, PLACEHOLDER.name, at.date()) is None:
        trust.insert_reviewer(conn, PLACEHOLDER, at, is_placeholder=True)


def approval_refusal(profile: ReviewerProfile | None, name: str, today: date) -> str | None:
    """Why ``name`` may not approve today, or None when their profile is current."""
    if profile is None:
        return (
            f"{name} has no reviewer profile; an admin must add one (POST /v1/admin/reviewers) "
            "with their registration before they can approve."
        )
    if profile.is_placeholder:
        return f"{name} is the seed's placeholder reviewer and cannot approve content."
    if profile.registration_expires is None or profile.registration_expires < today:
        return (
            f"The registration of {name} ({profile.registering_body} "
            f"{profile.registration_number}) expired on {profile.registration_expires}; an admin "
            "must record a current registration before they can approve."
        )
    return None


def approval_byline(db: ContentDB, name: str) -> tuple[Reviewer | None, str | None]:
    """The byline an approval by ``name`` would carry today, or why they may not approve."""
    today = utc_now().date()
    with db.read() as conn:
        profile = trust.get_reviewer_by_name(conn, name, today)
    refusal = approval_refusal(profile, name, today)
    if refusal is not None or profile is None:
        return None, refusal or "no profile"
    return _byline(profile), None


def with_credentials(reviewer: Reviewer, credentials: str) -> Reviewer:
    """The byline with credentials: the profile's, else those sent with the approval.

    A byline naming no qualification is refused (400 naming ``credentials``): readers are told
    the content was medically reviewed, so the byline must say by whom, qualified how.
    """
    chosen = reviewer.credentials.strip() or credentials.strip()
    if not chosen:
        raise InvalidInput(
            f"The reviewer profile of {reviewer.name} has no credentials, so the byline would "
            'name no qualification. Send `credentials` (such as "MD, Psychiatry") with the '
            "approval, or ask an admin to add them to the profile "
            "(PATCH /v1/admin/reviewers/{id}).",
            errors=(FieldError("$.credentials", "required: the reviewer profile has none"),),
        )
    return msgspec.structs.replace(reviewer, credentials=chosen)


def _byline(profile: ReviewerProfile) -> Reviewer:
    return Reviewer(
        name=profile.name,
        credentials=profile.credentials,
        registering_body=profile.registering_body,
        registration_number=profile.registration_number,
    )


def current_reviewer(conn: Connection, actor: Actor, today: date) -> Reviewer:
    """The byline of ``actor`` from their current profile, or ``Forbidden`` saying why not."""
    profile = trust.get_reviewer_by_name(conn, actor.name, today)
    refusal = approval_refusal(profile, actor.name, today)
    if refusal is not None or profile is None:
        raise Forbidden(refusal or "no profile")
    return _byline(profile)
