"""Counts for monitoring, read at scrape time so every worker reports the same figures."""

from __future__ import annotations

from service.store.db import ContentDB


def content_counts(db: ContentDB) -> dict[str, dict[str, int]]:
    """Publish events by action and, once webhooks exist, outbox deliveries by state."""
    conn = db.conn
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
