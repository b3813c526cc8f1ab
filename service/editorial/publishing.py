"""Making a revision live: the one transaction shared by seed, publish and rollback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from schema.api import ChangeAction
from schema.article import ArticleFields, Review
from schema.sections import Section
from schema.trust import CorrectionRequest
from service.channels.diff import changed_section_keys
from service.editorial.search_index import index_live
from service.store import content, versions
from service.store.db import Connection


# Its keywords mirror content.insert_revision's: it passes them on, adding the event.
def make_live(
    conn: Connection,
    article_id: int,
    *,
    fields: ArticleFields,
    sections: Sequence[Section],
    review: Review,
    actor: str,
    at: datetime,
    action: ChangeAction = "published",
    restored_from: int | None = None,
    correction: CorrectionRequest | None = None,
) -> tuple[int, list[str]]:
    """Append a revision, point the article at it and record the event; inside the caller's
    transaction. Returns the revision number and the keys of the sections that changed.

    A correction's note rides on the publish event; an urgent one adds a ``corrected`` event,
    so its ``article.corrected`` webhook reaches receivers that purge or refresh at once.
    """
    changed = changed_section_keys(content.get_live_sections(conn, article_id), sections)
    # Keyword arguments alike in shape to other calls and builds: each names what it passes.
    number = content.insert_revision(
        conn,
        article_id,
        fields=fields,
        sections=sections,
        review=review,
        actor=actor,
        at=at,
        restored_from=restored_from,
        correction=correction,
    )
    content.set_live_revision(conn, article_id, number, at)
    note = None if correction is None else correction.note
    index_live(conn, article_id, fields, sections)
    versions.touch_article(conn, content.get_slug(conn, article_id))
    content.insert_event(
        conn, article_id, revision=number, action=action, sections_changed=changed, at=at, note=note
    )
    if correction is not None and correction.is_urgent:
        content.insert_event(
            conn,
            article_id,
            revision=number,
            action="corrected",
            sections_changed=changed,
            at=at,
            note=note,
        )
    return number, changed
