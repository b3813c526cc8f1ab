"""Every article with its live revision and working draft at a glance, for the editors' list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from schema.article import DraftState, draft_state
from service.store.codec import decode_fields, decode_review, decode_str_list, parse_time
from service.store.db import Connection


@dataclass(frozen=True)
class ArticleOverview:
    """One article's title, live revision and review, and where its draft stands."""

    slug: str
    title: str
    live_revision: int | None
    live_reviewed_at: datetime | None
    live_reviewed_by: str | None
    draft_state: DraftState | None
    has_draft_edits: bool
    draft_updated_at: datetime | None
    draft_updated_by: str | None
    draft_reviewed_at: datetime | None
    scheduled_at: datetime | None
    next_review_due: date | None = None
    review_overdue: bool = False


_SELECT = (
    "SELECT a.slug, a.live_revision, r.fields, r.review, d.submitted_by, d.fields, d.editors, "
    "d.updated_at, d.updated_by, d.review, d.scheduled_at, "
    "(SELECT fields FROM revisions WHERE article_id = a.id ORDER BY number DESC LIMIT 1), "
    "EXISTS (SELECT 1 FROM events e WHERE e.article_id = a.id AND e.action = 'review_due' "
    "AND e.revision = a.live_revision) "
    "FROM articles a "
    "LEFT JOIN revisions r ON r.article_id = a.id AND r.number = a.live_revision "
    "LEFT JOIN drafts d ON d.article_id = a.id "
    "ORDER BY a.slug"
)


def list_overviews(conn: Connection) -> list[ArticleOverview]:
    """Every article (published or not), by slug."""
    overviews = []
    for row in conn.execute(_SELECT).fetchall():
        slug, live, live_fields, live_review, submitted_by, draft_fields, editors = row[:7]
        updated_at, updated_by, draft_review, scheduled_at, newest_fields, overdue = row[7:]
        # The draft's title is the one being worked on; else the live one, else the newest.
        fields_json = draft_fields or live_fields or newest_fields
        review = None if live_review is None else decode_review(str(live_review))
        reviewed = None if draft_review is None else decode_review(str(draft_review))
        overviews.append(
            ArticleOverview(
                slug=str(slug),
                title=slug if fields_json is None else decode_fields(str(fields_json)).title,
                live_revision=None if live is None else int(live),
                live_reviewed_at=None if review is None else review.reviewed_at,
                live_reviewed_by=None if review is None else review.reviewed_by.name,
                draft_state=None if draft_fields is None else draft_state(reviewed, submitted_by),
                has_draft_edits=bool(editors and decode_str_list(str(editors))),
                draft_updated_at=None if updated_at is None else parse_time(str(updated_at)),
                draft_updated_by=None if updated_by is None else str(updated_by),
                draft_reviewed_at=None if reviewed is None else reviewed.reviewed_at,
                scheduled_at=None if scheduled_at is None else parse_time(str(scheduled_at)),
                next_review_due=None if review is None else review.next_review_due,
                review_overdue=bool(overdue),
            )
        )
    return overviews
