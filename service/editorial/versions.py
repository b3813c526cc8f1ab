"""Draft versions: the ETag, If-Match checks, and writes guarded by the version they read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from schema.article import Draft
from service.editorial.actor import Actor
from service.errors import NotFound, PreconditionFailed, PreconditionRequired
from service.store import content, drafts
from service.store.codec import utc_now
from service.store.db import Connection


def draft_etag(draft: Draft) -> str:
    """The draft's strong ETag: its base revision and version, so every write changes it.

    A published draft is deleted and the next one starts at version 1 from a newer revision,
    so the base keeps ETags of successive drafts apart.
    """
    return f'"draft-{draft.base_revision or 0}-{draft.version}"'


def check_if_match(draft: Draft, if_match: str | None, *, required: bool) -> None:
    """Compare ``If-Match`` with the draft's ETag: missing is 428 (when required), stale 412."""
    if if_match is None or not if_match.strip():
        if required:
            raise PreconditionRequired(
                "This write needs `If-Match` with the draft's current ETag: read it from "
                f"GET .../{draft.article}/draft (it is {draft_etag(draft)} now)."
            )
        return
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags:
        raise PreconditionRequired(
            "`If-Match: *` does not say which draft you read; send the draft's ETag."
        )
    if draft_etag(draft) not in tags:
        raise PreconditionFailed(
            f"The draft changed since you read it: it is at {draft_etag(draft)}, not "
            f"{if_match.strip()}. Nothing was changed; read the draft again and reapply."
        )


def require_article(conn: Connection, slug: str) -> int:
    """The article's id, or ``NotFound``."""
    article_id = content.get_article_id(conn, slug)
    if article_id is None:
        raise NotFound(f"There is no article with the slug {slug!r}.")
    return article_id


@dataclass(frozen=True)
class LockedDraft:
    """The draft read inside a write transaction; ``is_stored`` False if it was just started."""

    article_id: int
    draft: Draft
    is_stored: bool


def _start_draft(conn: Connection, slug: str, actor: Actor, at: datetime) -> Draft:
    """A draft copied from the live revision (or the newest one, when unpublished)."""
    number = content.get_live_revision_number(conn, slug)
    revision = None
    if number is not None:
        revision = content.get_revision(conn, slug, number)
    else:
        history = content.list_revisions(conn, slug)
        revision = history[0] if history else None
    if revision is None:
        raise NotFound(f"The article {slug!r} has neither a draft nor a published revision.")
    return Draft(
        article=slug,
        version=1,
        base_revision=revision.number,
        fields=revision.fields,
        sections=list(revision.sections),
        editors=[],
        updated_by=actor.name,
        updated_at=at,
    )


def lock_draft(conn: Connection, slug: str, actor: Actor) -> LockedDraft:
    """Inside ``db.write()``: the stored draft, or a new one started from live (not yet saved)."""
    article_id = require_article(conn, slug)
    stored = drafts.get_draft(conn, article_id, slug)
    if stored is not None:
        return LockedDraft(article_id, stored, is_stored=True)
    return LockedDraft(article_id, _start_draft(conn, slug, actor, utc_now()), is_stored=False)


def save_draft(
    conn: Connection, locked: LockedDraft, new: Draft, *, scheduled_by: str | None = None
) -> None:
    """Write the new draft over the locked one; the version guard makes a lost update impossible."""
    if not locked.is_stored:
        drafts.insert_draft(conn, locked.article_id, new, scheduled_by=scheduled_by)
    elif not drafts.update_draft(
        conn,
        locked.article_id,
        new,
        expected_version=locked.draft.version,
        scheduled_by=scheduled_by,
    ):
        raise PreconditionFailed("The draft changed during this write; nothing was changed.")


def touched(draft: Draft, actor: Actor, at: datetime, **changes: Any) -> Draft:
    """The draft after any write: next version, who and when, plus ``changes``."""
    return msgspec.structs.replace(
        draft, version=draft.version + 1, updated_by=actor.name, updated_at=at, **changes
    )


def edited(draft: Draft, actor: Actor, at: datetime, **changes: Any) -> Draft:
    """The draft after a content edit: back to ``draft``, review and schedule cleared.

    A sign-off covers exactly the content reviewed, so any edit voids it.
    """
    editors = draft.editors if actor.name in draft.editors else [*draft.editors, actor.name]
    return touched(
        draft,
        actor,
        at,
        review=None,
        submitted_by=None,
        scheduled_at=None,
        editors=editors,
        **changes,
    )
