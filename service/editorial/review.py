"""Review: submit for review, approve (four-eyes, If-Match), reject with a reason."""

from __future__ import annotations

from datetime import date

from schema.article import Draft, DraftState, Review
from service.editorial.actor import Actor, record
from service.editorial.cadence import next_review_date
from service.editorial.reviewers import current_reviewer, with_credentials
from service.editorial.versions import check_if_match, lock_draft, save_draft, touched
from service.errors import Conflict, Forbidden
from service.store.codec import utc_now
from service.store.db import ContentDB


def wrong_state(draft: Draft, action: str, allowed: tuple[DraftState, ...]) -> Conflict:
    """The 409 for an action the draft's state does not allow, naming the state."""
    names = " or ".join(f"`{state.value}`" for state in allowed)
    return Conflict(
        f"The draft of {draft.article!r} is `{draft.state.value}`; only a draft in {names} "
        f"can be {action}."
    )


def submit(db: ContentDB, actor: Actor, slug: str, if_match: str | None) -> Draft:
    """``draft`` -> ``in_review``."""
    at = utc_now()
    with db.write() as conn:
        locked = lock_draft(conn, slug, actor)
        draft = locked.draft
        check_if_match(draft, if_match, required=False)
        if draft.state is not DraftState.DRAFT:
            raise wrong_state(draft, "submitted", (DraftState.DRAFT,))
        if not draft.editors:
            raise Conflict(
                f"The draft of {slug!r} has no edits since it was started from the live "
                "revision; there is nothing to review."
            )
        new = touched(
            draft,
            actor,
            at,
            submitted_by=actor.name,
            rejection_reason=None,
        )
        save_draft(conn, locked, new)
        record(
            conn,
            actor,
            "submitted",
            article=slug,
            revision=draft.base_revision,
            detail=f"draft version {new.version}",
            at=at,
        )
    return new


def approve(
    db: ContentDB,
    actor: Actor,
    slug: str,
    if_match: str | None,
    credentials: str,
    next_review_due: date | None = None,
) -> Draft:
    """``in_review`` -> ``approved``, signed off by someone who did not edit the draft and whose
    reviewer profile is current; the byline comes from that profile, with ``credentials`` only
    where the profile has none (and neither having any is refused: no empty byline)."""
    at = utc_now()
    denied: Draft | None = None
    with db.write() as conn:
        locked = lock_draft(conn, slug, actor)
        draft = locked.draft
        check_if_match(draft, if_match, required=True)
        if draft.state is not DraftState.IN_REVIEW:
            raise wrong_state(draft, "approved", (DraftState.IN_REVIEW,))
        if actor.name in draft.editors:
            # The refusal is audited, so this write commits the audit row and nothing else.
            denied = draft
            record(
                conn,
                actor,
                "approval_denied",
                article=slug,
                revision=draft.base_revision,
                detail=f"{actor.name} edited this draft; four-eyes rule",
                at=at,
            )
        else:
            reviewer = with_credentials(current_reviewer(conn, actor, at.date()), credentials)
            review = Review(
                reviewed_by=reviewer,
                reviewed_at=at,
                next_review_due=next_review_date(draft.fields, at, next_review_due),
            )
            new = touched(draft, actor, at, review=review)
            save_draft(conn, locked, new)
            record(
                conn,
                actor,
                "approved",
                article=slug,
                revision=draft.base_revision,
                detail=f"draft version {new.version}",
                at=at,
            )
    if denied is not None:
        raise Forbidden(
            f"{actor.name} edited this draft ({', '.join(denied.editors)} did), so cannot "
            "approve it: a different reviewer must sign it off."
        )
    return new


def reject(db: ContentDB, actor: Actor, slug: str, reason: str, if_match: str | None) -> Draft:
    """``in_review`` or ``approved`` -> ``draft``, with the reason stored for the editors."""
    at = utc_now()
    with db.write() as conn:
        locked = lock_draft(conn, slug, actor)
        draft = locked.draft
        check_if_match(draft, if_match, required=False)
        allowed = (DraftState.IN_REVIEW, DraftState.APPROVED)
        if draft.state not in allowed:
            raise wrong_state(draft, "rejected", allowed)
        new = touched(
            draft,
            actor,
            at,
            review=None,
            scheduled_at=None,
            submitted_by=None,
            rejection_reason=reason.strip(),
        )
        save_draft(conn, locked, new)
        record(
            conn,
            actor,
            "rejected",
            article=slug,
            revision=draft.base_revision,
            detail=reason.strip(),
            at=at,
        )
    return new
