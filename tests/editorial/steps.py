"""People and the editorial steps as plain function calls over a real database."""

from __future__ import annotations

from schema.article import Draft
from schema.sections import IntroSection
from service.editorial import drafts, history, review
from service.editorial.actor import Actor
from service.editorial.versions import draft_etag
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.reviewer_profiles import ensure_reviewer_profile

EDITOR = Actor(name="Erin Editor", role="editor", request_id="req-1")
OTHER_EDITOR = Actor(name="Sam Second", role="editor")
REVIEWER = Actor(name="Rita Reviewer", role="reviewer")


def edit_intro(db: ContentDB, actor: Actor = EDITOR, text: str = "Changed.") -> Draft:
    """Replace the intro's body in the draft, with the current ETag."""
    draft = drafts.read_draft(db, SLUG, actor)
    intro = IntroSection(key="intro", title="Introduction", body=text)
    new, added = drafts.put_section(db, actor, SLUG, "intro", intro, draft_etag(draft))
    assert not added
    return new


def approved_draft(db: ContentDB) -> Draft:
    """A draft edited by the editor, submitted and approved by the reviewer (who has a current
    reviewer profile, as approving needs)."""
    ensure_reviewer_profile(db.path, REVIEWER.name)
    edit_intro(db)
    submitted = review.submit(db, EDITOR, SLUG, None)
    return review.approve(db, REVIEWER, SLUG, draft_etag(submitted), "MD")


def audit_actions(db: ContentDB) -> list[str]:
    """The audit log's actions for the seed article, oldest first."""
    page = history.read_audit(db, article=SLUG, since=None, limit=200)
    return [entry.action for entry in page.entries]
