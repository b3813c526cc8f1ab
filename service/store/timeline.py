"""What was live when: the live revision at a past instant, and the sitemap's rows.

The events table records every change of the live pointer (publish, rollback, unpublish) with
the revision live after it, and revisions are immutable, so a past instant has one answer.
"""

from __future__ import annotations

from datetime import datetime

from schema.article import Article
from schema.versions import decode_sections
from service.store.codec import (
    decode_fields,
    decode_review,
    format_time,
    parse_time,
)
from service.store.db import Connection

_AS_OF_SELECT = (
    "SELECT a.slug, r.number, r.fields, r.sections, r.model_version, r.review, r.published_at, "
    "(SELECT min(published_at) FROM revisions WHERE article_id = a.id) "
    "FROM articles a JOIN events e ON e.article_id = a.id "
    "JOIN revisions r ON r.article_id = a.id AND r.number = e.revision "
    "WHERE a.slug = ? AND e.id = (SELECT max(id) FROM events WHERE article_id = a.id AND at <= ?)"
)


def get_article_as_of(conn: Connection, slug: str, at: datetime) -> Article | None:
    """The revision live at ``at`` (None when nothing was: before the first publish, or while
    withdrawn, whose event names no revision and so joins none)."""
    row = conn.execute(_AS_OF_SELECT, (slug, format_time(at))).fetchone()
    if row is None:
        return None
    slug, number, fields_json, sections_json, version, review_json, published_at, first = row
    return Article.from_fields(
        str(slug),
        decode_fields(str(fields_json)),
        revision=int(number),
        published_at=parse_time(str(first)),
        updated_at=parse_time(str(published_at)),
        review=decode_review(str(review_json)),
        sections=decode_sections(str(sections_json), int(version)),
    )


def list_live_lastmod(conn: Connection) -> list[tuple[str, datetime]]:
    """Every live article's slug with its live revision's publish time, by slug."""
    rows = conn.execute(
        "SELECT a.slug, r.published_at FROM articles a JOIN revisions r "
        "ON r.article_id = a.id AND r.number = a.live_revision ORDER BY a.slug"
    ).fetchall()
    return [(str(slug), parse_time(str(at))) for slug, at in rows]
