"""Counts for monitoring, read at scrape time so every worker reports the same figures."""

from __future__ import annotations

from service.store.db import Connection, ContentDB


def content_counts(db: ContentDB) -> dict[str, dict[str, int]]:
    """Publish events by action and, once webhooks exist, outbox deliveries by state.

    Called by the edge at scrape time with the database, so it opens its own read snapshot.
    """
    with db.read() as conn:
        return _counts(conn)


def _counts(conn: Connection) -> dict[str, dict[str, int]]:
    events = dict(conn.execute("SELECT action, count(*) FROM events GROUP BY action").fetchall())
    counts = {"events": {str(k): int(v) for k, v in events.items()}}
    has_outbox = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'webhook_deliveries'"
    ).fetchone()
    if has_outbox:
        states = conn.execute(
            "SELECT state, count(*) FROM webhook_deliveries GROUP BY state"
        ).fetchall()
        counts["webhooks"] = {str(k): int(v) for k, v in states}
    return counts
