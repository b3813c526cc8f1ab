"""Review: submit for review, approve (four-eyes, If-Match), reject with a reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from schema.article import Draft, DraftState, Review
from service.editorial.actor import Actor, record
from service.editorial.cadence import next_review_date
from service.editorial.reviewers import current_reviewer, with_credentials
from service.editorial.versions import (
    LockedDraft,
    check_if_match,
    lock_draft,
    save_draft,
    touched,
)
from service.errors import Conflict, Forbidden
from service.store.codec import utc_now
from service.store.db import Connection, ContentDB

_DRAFT = (DraftState.DRAFT,)
_IN_REVIEW = (DraftState.IN_REVIEW,)
_REJECTABLE = (DraftState.IN_REVIEW, DraftState.APPROVED)


def wrong_state(draft: Draft, action: str, allowed: tuple[DraftState, ...]) -> Conflict:
    """The 409 for an action the draft's state does not allow, naming the state."""
    names = " or ".join(f"`{state.value}`" for state in allowed)
    return Conflict(
        f"The draft of {draft.article!r} is `{draft.state.value}`; only a draft in {names} "
        f"can be {action}."
    )


def lock_in_state(
    conn: Connection,
    slug: str,
    actor: Actor,
    if_match: str | None,
    *,
    required: bool,
    action: str,
    allowed: tuple[DraftState, ...],
) -> LockedDraft:
    """Lock the draft, check ``If-Match``, and refuse (409) a state the ``action`` is not for."""
    locked = lock_draft(conn, slug, actor)
    check_if_match(locked.draft, if_match, required=required)
    if locked.draft.state not in allowed:
        raise wrong_state(locked.draft, action, allowed)
    return locked


def _save_step(
    conn: Connection,
    locked: LockedDraft,
    actor: Actor,
    at: datetime,
    event: str,
    detail: str | None = None,
    **changes: Any,
) -> Draft:
    """Save the draft with ``changes`` and audit the step (by default naming the new version)."""
    new = touched(locked.draft, actor, at, **changes)
    save_draft(conn, locked, new)
    record(
        conn,
        actor,
        event,
        article=locked.draft.article,
        revision=locked.draft.base_revision,
        detail=f"draft version {new.version}" if detail is None else detail,
        at=at,
    )
    return new


def submit(db: ContentDB, actor: Actor, slug: str, if_match: str | None) -> Draft:
    """``draft`` -> ``in_review``."""
    at = utc_now()
    with db.write() as conn:
        locked = lock_in_state(
            conn, slug, actor, if_match, required=False, action="submitted", allowed=_DRAFT
        )
        if not locked.draft.editors:
            raise Conflict(
                f"The draft of {slug!r} has no edits since it was started from the live "
                "revision; there is nothing to review."
            )
        return _save_step(
            conn, locked, actor, at, "submitted", submitted_by=actor.name, rejection_reason=None
        )


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
        locked = lock_in_state(
            conn, slug, actor, if_match, required=True, action="approved", allowed=_IN_REVIEW
        )
        draft = locked.draft
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
            new = _save_step(conn, locked, actor, at, "approved", review=review)
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
        locked = lock_in_state(
            conn, slug, actor, if_match, required=False, action="rejected", allowed=_REJECTABLE
        )
        return _save_step(
            conn,
            locked,
            actor,
            at,
            "rejected",
            reason.strip(),
            review=None,
            scheduled_at=None,
            submitted_by=None,
            rejection_reason=reason.strip(),
        )
