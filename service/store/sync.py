"""Sync for apps: live articles by id, and the articles the change feed touched in a window."""

from __future__ import annotations

from service.store.db import Connection


def last_event_id(conn: Connection) -> int:
    """The newest change-feed position (0 when nothing happened yet)."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def list_live_after(conn: Connection, after: int, limit: int) -> list[tuple[int, str]]:
    """Live articles (id, slug) with an id above ``after``, by id."""
    rows = conn.execute(
        "SELECT id, slug FROM articles WHERE live_revision IS NOT NULL AND id > ? "
        "ORDER BY id LIMIT ?",
        (after, limit),
    ).fetchall()
    return [(int(article_id), str(slug)) for article_id, slug in rows]


def list_changed_after(
    conn: Connection, since: int, upto: int, after: int, limit: int
) -> list[tuple[int, str]]:
    """Articles (id, slug) with an event in ``(since, upto]`` and an id above ``after``, by id."""
    rows = conn.execute(
        "SELECT DISTINCT e.article_id, a.slug FROM events e JOIN articles a ON a.id = e.article_id "
        "WHERE e.id > ? AND e.id <= ? AND e.article_id > ? ORDER BY e.article_id LIMIT ?",
        (since, upto, after, limit),
    ).fetchall()
    return [(int(article_id), str(slug)) for article_id, slug in rows]
