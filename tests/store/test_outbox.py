"""The outbox: each event queues one delivery per interested subscription, in its transaction."""

from __future__ import annotations

import pytest

from schema.webhooks import WEBHOOK_EVENT_TYPES
from service.editorial import live
from service.editorial.actor import Actor
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.store.outbox_rows import subscribe

URL = "http://x.test/"


def test_publish_unpublish_and_rollback_queue_one_delivery_per_interested_subscription(
    seeded_db: ContentDB,
) -> None:
    everything, _ = subscribe(seeded_db, URL, list(WEBHOOK_EVENT_TYPES))
    publishes, _ = subscribe(seeded_db, URL, ["article.published"])
    paused, _ = subscribe(seeded_db, URL, ["article.published"], is_active=False)
    editor = Actor(name="Erin Editor", role="editor")
    live.unpublish(seeded_db, editor, SLUG)
    live.rollback(seeded_db, editor, SLUG, 1)
    with seeded_db.write() as conn:
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        content.insert_event(
            conn, article_id, revision=3, action="published", sections_changed=[], at=utc_now()
        )
    rows = seeded_db.conn.execute(
        "SELECT subscription_id, event_type, message_id, state FROM webhook_deliveries ORDER BY id"
    ).fetchall()
    assert [(row[0], row[1]) for row in rows] == [
        (everything, "article.unpublished"),
        (everything, "article.rolled_back"),
        (everything, "article.published"),
        (publishes, "article.published"),
    ]
    assert {row[3] for row in rows} == {"pending"}
    assert rows[2][2] == rows[3][2], "one message id per event, whoever receives it"
    assert len({row[2] for row in rows}) == 3
    assert paused not in {row[0] for row in rows}


def test_an_event_and_its_deliveries_commit_or_roll_back_together(seeded_db: ContentDB) -> None:
    subscribe(seeded_db, URL, ["article.published"])
    with pytest.raises(RuntimeError), seeded_db.write() as conn:
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        content.insert_event(
            conn, article_id, revision=2, action="published", sections_changed=[], at=utc_now()
        )
        assert conn.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0] == 1
        raise RuntimeError("the publish fails after recording its event")
    assert seeded_db.conn.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0] == 0
