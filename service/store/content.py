"""Articles, immutable published revisions, the live pointer and the change feed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from schema.api import ArticleSummary, ChangeAction, ChangeEvent
from schema.article import Article, ArticleFields, Review, Revision
from schema.sections import Section
from schema.trust import Correction, CorrectionRequest
from schema.versions import MODEL_VERSION, decode_sections
from service.store import webhooks
from service.store.codec import (
    decode_correction,
    decode_corrections,
    decode_fields,
    decode_review,
    decode_str_list,
    encode_cursor,
    encode_json,
    format_time,
    parse_time,
)
from service.store.db import Connection

# The corrections log comes from every revision published as a correction; the article is
# overdue once the scheduler has announced its live revision's review as due.
_LIVE_SELECT = (
    "SELECT a.slug, a.first_published_at, r.number, r.fields, r.sections, r.review, "
    "r.published_at, r.model_version, "
    "(SELECT json_group_array(json(c.correction)) FROM (SELECT correction FROM revisions "
    "  WHERE article_id = a.id AND correction IS NOT NULL ORDER BY number) c), "
    "EXISTS (SELECT 1 FROM events e WHERE e.article_id = a.id AND e.action = 'review_due' "
    "  AND e.revision = a.live_revision) "
    "FROM articles a JOIN revisions r ON r.article_id = a.id AND r.number = a.live_revision "
)


def _live_article(row: tuple[object, ...]) -> Article:
    slug, first_published_at, number, fields_json, sections_json, review_json = row[:6]
    published_at, model_version, corrections, is_overdue = row[6:10]
    return Article.from_fields(
        str(slug),
        decode_fields(str(fields_json)),
        revision=int(str(number)),
        published_at=parse_time(str(first_published_at)),
        updated_at=parse_time(str(published_at)),
        review=decode_review(str(review_json)),
        sections=decode_sections(str(sections_json), int(str(model_version))),
        corrections=decode_corrections(str(corrections or "[]")),
        review_overdue=bool(is_overdue),
    )


def get_live_article(conn: Connection, slug: str) -> Article | None:
    """The live revision of a published article, or None when there is none."""
    row = conn.execute(_LIVE_SELECT + "WHERE a.slug = ?", (slug,)).fetchone()
    return None if row is None else _live_article(row)


def get_live_revision_number(conn: Connection, slug: str) -> int | None:
    """The number of the live revision, or None when unpublished or unknown."""
    row = conn.execute("SELECT live_revision FROM articles WHERE slug = ?", (slug,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def list_live_articles(conn: Connection, *, limit: int, offset: int = 0) -> list[ArticleSummary]:
    """Published articles, most recently updated first."""
    rows = conn.execute(
        _LIVE_SELECT + "ORDER BY r.published_at DESC, a.slug LIMIT ? OFFSET ?", (limit, offset)
    ).fetchall()
    summaries = []
    for row in rows:
        article = _live_article(row)
        # Keyword arguments alike in shape to other calls and builds: each names what it passes.
        summaries.append(
            ArticleSummary(
                slug=article.slug,
                title=article.title,
                summary=article.summary,
                revision=article.revision,
                published_at=article.published_at,
                updated_at=article.updated_at,
                review=article.review,
                review_overdue=article.review_overdue,
            )
        )
    return summaries


def get_article_id(conn: Connection, slug: str) -> int | None:
    """The internal id of an article by slug."""
    row = conn.execute("SELECT id FROM articles WHERE slug = ?", (slug,)).fetchone()
    return None if row is None else int(row[0])


def get_slug(conn: Connection, article_id: int) -> str:
    """The slug of an article by its internal id."""
    return str(conn.execute("SELECT slug FROM articles WHERE id = ?", (article_id,)).fetchone()[0])


def insert_article(conn: Connection, slug: str, *, actor: str, at: datetime) -> int:
    """Create an article row (unpublished) and return its id."""
    cursor = conn.execute(
        "INSERT INTO articles (slug, created_at, created_by) VALUES (?, ?, ?)",
        (slug, format_time(at), actor),
    )
    return int(cursor.lastrowid or 0)


# Keywords alike to publishing.make_live's, which passes them on: each names what it takes.
def insert_revision(
    conn: Connection,
    article_id: int,
    *,
    fields: ArticleFields,
    sections: Sequence[Section],
    review: Review,
    actor: str,
    at: datetime,
    restored_from: int | None = None,
    correction: CorrectionRequest | None = None,
) -> int:
    """Append an immutable revision and return its number (one more than the last)."""
    row = conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE article_id = ?", (article_id,)
    ).fetchone()
    number = int(row[0])
    log_entry = None
    if correction is not None:
        log_entry = Correction(
            date=at, note=correction.note, revision=number, is_urgent=correction.is_urgent
        )
    conn.execute(
        "INSERT INTO revisions (article_id, number, fields, sections, review, published_at, "
        "published_by, restored_from, model_version, correction) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            number,
            encode_json(fields).decode(),
            encode_json(list(sections)).decode(),
            encode_json(review).decode(),
            format_time(at),
            actor,
            restored_from,
            MODEL_VERSION,
            None if log_entry is None else encode_json(log_entry).decode(),
        ),
    )
    return number


def set_live_revision(conn: Connection, article_id: int, number: int | None, at: datetime) -> None:
    """Point the article at its live revision (None withdraws it from the public API)."""
    conn.execute(
        "UPDATE articles SET live_revision = ?, "
        "first_published_at = coalesce(first_published_at, ?) WHERE id = ?",
        (number, format_time(at) if number is not None else None, article_id),
    )


def _revision(slug: str, row: tuple[object, ...]) -> Revision:
    number, fields_json, sections_json, review_json, published_at, published_by, restored = row[:7]
    return Revision(
        article=slug,
        number=int(str(number)),
        fields=decode_fields(str(fields_json)),
        sections=decode_sections(str(sections_json), int(str(row[7]))),
        review=decode_review(str(review_json)),
        published_at=parse_time(str(published_at)),
        published_by=str(published_by or ""),
        restored_from=None if restored is None else int(str(restored)),
        correction=None if row[8] is None else decode_correction(str(row[8])),
    )


_REVISION_SELECT = (
    "SELECT r.number, r.fields, r.sections, r.review, r.published_at, r.published_by, "
    "r.restored_from, r.model_version, r.correction FROM revisions r "
    "JOIN articles a ON a.id = r.article_id "
    "WHERE a.slug = ? "
)


def get_revision(conn: Connection, slug: str, number: int) -> Revision | None:
    """One published revision of an article."""
    row = conn.execute(_REVISION_SELECT + "AND r.number = ?", (slug, number)).fetchone()
    return None if row is None else _revision(slug, row)


def list_revisions(conn: Connection, slug: str) -> list[Revision]:
    """Every published revision of an article, newest first."""
    rows = conn.execute(_REVISION_SELECT + "ORDER BY r.number DESC", (slug,)).fetchall()
    return [_revision(slug, row) for row in rows]


def insert_event(
    conn: Connection,
    article_id: int,
    *,
    revision: int | None,
    action: ChangeAction,
    sections_changed: Sequence[str],
    at: datetime,
    note: str | None = None,
) -> int:
    """Append a publish event to the change feed (its id orders the feed) and queue its webhook
    deliveries in the same transaction, so no path that records an event can forget them."""
    cursor = conn.execute(
        "INSERT INTO events (article_id, revision, action, sections_changed, at, note) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            article_id,
            revision,
            action,
            encode_json(list(sections_changed)).decode(),
            format_time(at),
            note,
        ),
    )
    event_id = int(cursor.lastrowid or 0)
    webhooks.enqueue(conn, event_id, action, at)
    return event_id


def list_events(conn: Connection, *, after: int, limit: int) -> list[ChangeEvent]:
    """Publish events after a position, oldest first."""
    rows = conn.execute(
        "SELECT e.id, a.slug, e.revision, e.action, e.sections_changed, e.at, e.note FROM events e "
        "JOIN articles a ON a.id = e.article_id WHERE e.id > ? ORDER BY e.id LIMIT ?",
        (after, limit),
    ).fetchall()
    return [change_event(*row) for row in rows]


def change_event(
    event_id: Any, slug: Any, revision: Any, action: Any, changed: Any, at: Any, note: Any
) -> ChangeEvent:
    """A change event from its columns: id, slug, revision, action, sections changed, time
    and note."""
    return ChangeEvent(
        cursor=encode_cursor(int(event_id)),
        article=str(slug),
        revision=None if revision is None else int(revision),
        action=action,
        sections_changed=decode_str_list(str(changed)),
        at=parse_time(str(at)),
        note=note,
    )


def get_live_sections(conn: Connection, article_id: int) -> list[Section] | None:
    """The sections of an article's live revision, or None when it is not live."""
    row = conn.execute(
        "SELECT r.sections, r.model_version FROM articles a JOIN revisions r "
        "ON r.article_id = a.id AND r.number = a.live_revision WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return None if row is None else decode_sections(str(row[0]), int(row[1]))
