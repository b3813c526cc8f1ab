"""Webhook subscriptions and events stored directly, and the outbox's rows read back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from schema.api import ChangeAction
from schema.webhooks import WEBHOOK_EVENT_TYPES, WebhookEventType
from service.channels.webhook_payload import new_secret
from service.store import content
from service.store import webhooks as store
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG


def subscribe(
    db: ContentDB,
    url: str,
    events: Sequence[WebhookEventType] = WEBHOOK_EVENT_TYPES,
    *,
    is_active: bool = True,
) -> tuple[int, str]:
    """A subscription stored directly; returns its id and secret."""
    secret = new_secret()
    with db.write() as conn:
        webhook_id = store.insert_subscription(
            conn, url=url, events=events, description="", secret=secret, actor="t", at=utc_now()
        )
        if not is_active:
            store.update_subscription(conn, webhook_id, {"is_active": False}, utc_now())
    return webhook_id, secret


def record_event(db: ContentDB, action: ChangeAction = "published", revision: int = 2) -> int:
    """A publish event recorded the way every publish records it (queueing its deliveries)."""
    with db.write() as conn:
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        return content.insert_event(
            conn,
            article_id,
            revision=revision,
            action=action,
            sections_changed=["intro"],
            at=utc_now(),
        )


def _rows(db: ContentDB, sql: str) -> list[dict[str, Any]]:
    cursor = db.conn.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def delivery_rows(db: ContentDB) -> list[dict[str, Any]]:
    """Every outbox row, oldest first."""
    return _rows(
        db,
        "SELECT id, subscription_id, event_id, message_id, state, attempts, lease_until "
        "FROM webhook_deliveries ORDER BY id",
    )


def attempt_rows(db: ContentDB) -> list[dict[str, Any]]:
    """Every logged attempt, oldest first."""
    return _rows(
        db,
        "SELECT delivery_id, number, is_success, status_code, duration_ms, error "
        "FROM webhook_attempts ORDER BY id",
    )


def is_failing(db: ContentDB, webhook_id: int) -> bool:
    """Whether the subscription is marked failing."""
    webhook = store.get_subscription(db.conn, webhook_id)
    assert webhook is not None
    return webhook.is_failing
