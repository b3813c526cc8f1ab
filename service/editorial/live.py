"""What the public sees: publish (now or scheduled), scheduled publishing, unpublish, rollback."""

from __future__ import annotations

from datetime import datetime

from schema.admin import LiveAction, LiveChange
from schema.article import Draft, DraftState, Revision
from schema.trust import CorrectionRequest
from service.editorial.actor import Actor, record
from service.editorial.publishing import make_live
from service.editorial.review import lock_in_state, wrong_state
from service.editorial.search_index import unindex
from service.editorial.versions import (
    LockedDraft,
    lock_draft,
    require_article,
    save_draft,
    touched,
)
from service.errors import Conflict, FieldError, InvalidInput
from service.store import content, drafts, versions
from service.store.codec import utc_now
from service.store.db import Connection, ContentDB

SCHEDULER_ROLE = "scheduler"
_APPROVED = (DraftState.APPROVED,)


def _changed_live(
    conn: Connection,
    actor: Actor,
    action: LiveAction,
    slug: str,
    revision: int | None,
    changed: list[str],
    detail: str,
    at: datetime,
) -> LiveChange:
    """Audit a change to what is live (the audit action is the change's) and describe it."""
    record(conn, actor, action, article=slug, revision=revision, detail=detail, at=at)
    return LiveChange(
        article=slug, action=action, revision=revision, sections_changed=changed, at=at
    )


def _publish_locked(
    conn: Connection,
    locked: LockedDraft,
    actor: Actor,
    at: datetime,
    correction: CorrectionRequest | None = None,
) -> LiveChange:
    """Make the approved draft the live revision and clear it, inside the caller's transaction."""
    draft = locked.draft
    if draft.review is None:  # an approved draft always carries its review; never publish without
        raise wrong_state(draft, "published", _APPROVED)
    # Keyword arguments alike in shape to other calls and builds: each names what it passes.
    number, changed = make_live(
        conn,
        locked.article_id,
        fields=draft.fields,
        sections=draft.sections,
        review=draft.review,
        actor=actor.name,
        at=at,
        correction=correction,
    )
    drafts.delete_draft(conn, locked.article_id)
    detail = f"draft version {draft.version}; sections changed: {', '.join(changed) or 'none'}"
    if correction is not None:
        urgency = "urgent correction" if correction.is_urgent else "correction"
        detail += f"; {urgency}: {correction.note}"
    return _changed_live(conn, actor, "published", draft.article, number, changed, detail, at)


def publish(
    db: ContentDB,
    actor: Actor,
    slug: str,
    when: datetime | None,
    if_match: str | None,
    correction: CorrectionRequest | None = None,
) -> LiveChange:
    """Publish the approved draft now, or schedule it when ``when`` is in the future; a
    correction (with its public note) is published now only."""
    at = utc_now()
    if when is not None and when <= at:
        raise InvalidInput(
            f"The time to publish at ({when.isoformat()}) is in the past (it is "
            f"{at.isoformat(timespec='seconds')} now): choose a later time, or publish now.",
            errors=(FieldError("$.at", "in the past"),),
        )
    if correction is not None and when is not None:
        raise InvalidInput(
            "A correction is published at once; leave out `at` or publish it without `correction`.",
            errors=(FieldError("$.at", "a correction cannot be scheduled"),),
        )
    with db.write() as conn:
        locked = lock_in_state(
            conn, slug, actor, if_match, required=False, action="published", allowed=_APPROVED
        )
        if when is None:
            return _publish_locked(conn, locked, actor, at, correction)
        new = touched(locked.draft, actor, at, scheduled_at=when)
        save_draft(conn, locked, new, scheduled_by=actor.name)
        record(
            conn,
            actor,
            "publish_scheduled",
            article=slug,
            revision=None,
            detail=f"draft version {new.version} at {when.isoformat()}",
            at=at,
        )
    return LiveChange(article=slug, action="scheduled", revision=None, sections_changed=[], at=when)


def cancel_schedule(db: ContentDB, actor: Actor, slug: str) -> Draft:
    """Take the schedule off an approved draft; it stays approved, to publish or schedule."""
    at = utc_now()
    with db.write() as conn:
        locked = lock_draft(conn, slug, actor)
        if locked.draft.scheduled_at is None:
            raise Conflict(
                f"The draft of {slug!r} is not scheduled, so there is nothing to cancel."
            )
        new = touched(locked.draft, actor, at, scheduled_at=None)
        save_draft(conn, locked, new)
        record(
            conn,
            actor,
            "schedule_cancelled",
            article=slug,
            revision=None,
            detail=f"draft version {new.version}; was due {locked.draft.scheduled_at.isoformat()}",
            at=at,
        )
    return new


def publish_due(db: ContentDB, now: datetime | None = None) -> list[LiveChange]:
    """Publish every approved draft whose scheduled time has come (also those overdue).

    Safe with several workers: each publish re-checks the draft under the write lock, and the
    first worker to publish deletes it, so the others find nothing to do.
    """
    now = now or utc_now()
    # Alike in shape to cadence.announce_due_reviews; both stay: other queries, other work.
    with db.read() as conn:
        candidates = [due.article_id for due in drafts.list_due_drafts(conn, now)]
    published = []
    for article_id in candidates:
        with db.write() as conn:
            due = {d.article_id: d for d in drafts.list_due_drafts(conn, now)}.get(article_id)
            if due is None:
                continue  # published by another worker, edited, or rescheduled meanwhile
            draft = drafts.get_draft(conn, article_id, due.slug)
            if draft is None:
                continue
            actor = Actor(name=due.scheduled_by, role=SCHEDULER_ROLE)
            locked = LockedDraft(article_id, draft, is_stored=True)
            published.append(_publish_locked(conn, locked, actor, utc_now()))
    return published


def next_scheduled_time(db: ContentDB) -> datetime | None:
    """When the next scheduled publish is due, if any."""
    with db.read() as conn:
        return drafts.next_scheduled_time(conn)


def unpublish(db: ContentDB, actor: Actor, slug: str) -> LiveChange:
    """Withdraw the article from the public API; its revisions and draft stay."""
    at = utc_now()
    with db.write() as conn:
        article_id = require_article(conn, slug)
        live = content.get_live_revision_number(conn, slug)
        if live is None:
            raise Conflict(f"The article {slug!r} is not published, so cannot be unpublished.")
        withdrawn = [section.key for section in content.get_live_sections(conn, article_id) or []]
        content.set_live_revision(conn, article_id, None, at)
        unindex(conn, article_id)
        versions.touch_article(conn, slug)
        # The feed's `revision` is what is live after the event: nothing. The audit row keeps
        # the withdrawn revision's number.
        content.insert_event(
            conn, article_id, revision=None, action="unpublished", sections_changed=withdrawn, at=at
        )
        detail = f"revision {live} withdrawn"
        return _changed_live(conn, actor, "unpublished", slug, live, withdrawn, detail, at)


def _same_content(a: Revision, b: Revision) -> bool:
    """Whether two revisions show readers the same thing, reviewed the same way."""
    return (a.fields, a.sections, a.review) == (b.fields, b.sections, b.review)


def rollback(db: ContentDB, actor: Actor, slug: str, number: int) -> LiveChange:
    """Make an earlier published revision live again, as a new revision with its old review."""
    with db.write() as conn:
        article_id = require_article(conn, slug)
        return _restore_locked(conn, actor, slug, article_id, number, "rolled_back")


def republish(db: ContentDB, actor: Actor, slug: str) -> LiveChange:
    """After an unpublish, make the last live revision live again (the rollback's one path:
    a new revision restored from it, with its review, and a ``rolled_back`` event)."""
    with db.write() as conn:
        article_id = require_article(conn, slug)
        live_number = content.get_live_revision_number(conn, slug)
        if live_number is not None:
            raise Conflict(f"The article {slug!r} is live (revision {live_number}) already.")
        revisions = content.list_revisions(conn, slug)
        if not revisions:
            raise Conflict(f"The article {slug!r} was never published: publish a draft instead.")
        # Every publish and rollback appends a revision, so the newest is the one withdrawn.
        return _restore_locked(conn, actor, slug, article_id, revisions[0].number, "republished")


def _restore_locked(
    conn: Connection, actor: Actor, slug: str, article_id: int, number: int, action: LiveAction
) -> LiveChange:
    """Revision ``number`` live again as a new revision, inside the caller's transaction; the
    feed and webhooks say ``rolled_back`` either way, the audit log and the answer ``action``."""
    at = utc_now()
    revision = content.get_revision(conn, slug, number)
    if revision is None:
        raise InvalidInput(
            f"The article {slug!r} has no revision {number}.",
            errors=(FieldError("$.revision", f"no revision {number}"),),
        )
    live_number = content.get_live_revision_number(conn, slug)
    if live_number == number:
        raise Conflict(f"Revision {number} of {slug!r} is live already.")
    live = None if live_number is None else content.get_revision(conn, slug, live_number)
    if live is not None and _same_content(live, revision):
        # A repeated click (or ten) must not append identical revisions, events and webhooks.
        raise Conflict(
            f"Revision {number} of {slug!r} says exactly what the live revision "
            f"{live_number} says (it was restored from it already); nothing to roll back."
        )
    new_number, changed = make_live(
        conn,
        article_id,
        fields=revision.fields,
        sections=revision.sections,
        review=revision.review,
        actor=actor.name,
        at=at,
        action="rolled_back",
        restored_from=number,
    )
    stored = drafts.get_draft(conn, article_id, slug)
    if stored is not None and not stored.editors:
        # An untouched draft is only a copy of the old live revision: let the next read
        # start again from the restored one. A draft with edits is someone's work: kept.
        drafts.delete_draft(conn, article_id)
    detail = f"restored revision {number}; sections changed: {', '.join(changed) or 'none'}"
    return _changed_live(conn, actor, action, slug, new_number, changed, detail, at)
