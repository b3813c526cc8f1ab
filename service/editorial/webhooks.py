"""Webhook subscriptions as the admin API sees them: rules over the store, raising domain errors.

Every change is audited. A secret is returned only by ``create_webhook`` and ``rotate_secret``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import msgspec
from msgspec import UNSET

# The same names as api/admin/webhooks.py imports: both speak the webhook shapes.
from schema.webhooks import (
    WEBHOOK_EVENT_TYPES,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
    WebhookDeliveryPage,
    WebhookDeliveryState,
    WebhookEventType,
    WebhookList,
    WebhookPatch,
)
from service.channels.webhook_payload import build_event, new_secret
from service.config import Settings
from service.editorial import webhook_targets as targets
from service.editorial.actor import Actor, record
from service.errors import Conflict, FieldError, InvalidInput, NotFound
from service.store import webhooks as store
from service.store.codec import utc_now
from service.store.db import Connection, ContentDB

MAX_DELIVERY_PAGE = 100


def _unique(events: Iterable[WebhookEventType]) -> list[WebhookEventType]:
    """The event types asked for, each once, in the documented order."""
    wanted = set(events)
    return [event for event in WEBHOOK_EVENT_TYPES if event in wanted]


def _not_found(webhook_id: int) -> NotFound:
    return NotFound(f"There is no webhook {webhook_id}.")


async def check_url(url: str, settings: Settings) -> None:
    """Refuse (400, naming the URL) a receiver the server may not call."""
    try:
        await targets.check_target(url, allow_private=settings.allow_private_webhooks)
    except targets.TargetRefused as refused:
        raise InvalidInput(
            f"The webhook URL is refused: {refused}.", errors=(FieldError("$.url", str(refused)),)
        ) from None


def _audit(conn: Connection, actor: Actor, action: str, detail: str, at: datetime) -> None:
    """The audit row of a change to a subscription: it concerns no article."""
    record(conn, actor, action, article=None, revision=None, detail=detail, at=at)


def _with_secret(webhook: Webhook, secret: str) -> WebhookCreated:
    return WebhookCreated(**msgspec.structs.asdict(webhook), secret=secret)


async def create_webhook(
    db: ContentDB, settings: Settings, actor: Actor, data: WebhookCreate
) -> WebhookCreated:
    """Subscribe a URL to events; the answer carries the signing secret, this once."""
    await check_url(data.url, settings)
    events, secret, at = _unique(data.events), new_secret(), utc_now()
    with db.write() as conn:
        webhook_id = store.insert_subscription(
            conn,
            url=data.url,
            events=events,
            description=data.description,
            secret=secret,
            actor=actor.name,
            at=at,
        )
        detail = f"webhook {webhook_id} to {data.url} for {', '.join(events)}"
        _audit(conn, actor, "webhook_created", detail, at)
        webhook = store.get_subscription(conn, webhook_id)
    assert webhook is not None  # inserted in this very transaction
    return _with_secret(webhook, secret)


def list_webhooks(db: ContentDB) -> WebhookList:
    """Every subscription, without secrets."""
    with db.read() as conn:
        return WebhookList(webhooks=store.list_subscriptions(conn))


def get_webhook(db: ContentDB, webhook_id: int) -> Webhook:
    """One subscription, without its secret, or ``NotFound``."""
    with db.read() as conn:
        webhook = store.get_subscription(conn, webhook_id)
    if webhook is None:
        raise _not_found(webhook_id)
    return webhook


async def update_webhook(
    db: ContentDB, settings: Settings, actor: Actor, webhook_id: int, patch: WebhookPatch
) -> Webhook:
    """Change the URL, events, description or active flag; absent fields stay as they are."""
    changes: dict[str, object] = {}
    if patch.url is not UNSET:
        await check_url(patch.url, settings)
        changes["url"] = patch.url
    if patch.events is not UNSET:
        changes["events"] = _unique(patch.events)
    if patch.description is not UNSET:
        changes["description"] = patch.description
    if patch.is_active is not UNSET:
        changes["is_active"] = patch.is_active
    if not changes:
        return get_webhook(db, webhook_id)
    at = utc_now()
    with db.write() as conn:
        if not store.update_subscription(conn, webhook_id, changes, at):
            raise _not_found(webhook_id)
        detail = f"webhook {webhook_id}: {', '.join(sorted(changes))}"
        _audit(conn, actor, "webhook_updated", detail, at)
        webhook = store.get_subscription(conn, webhook_id)
    assert webhook is not None
    return webhook


def delete_webhook(db: ContentDB, actor: Actor, webhook_id: int) -> None:
    """Delete a subscription with its queued deliveries and their log."""
    at = utc_now()
    with db.write() as conn:
        if not store.delete_subscription(conn, webhook_id):
            raise _not_found(webhook_id)
        _audit(conn, actor, "webhook_deleted", f"webhook {webhook_id}", at)


def rotate_secret(
    db: ContentDB, actor: Actor, webhook_id: int, grace_seconds: int
) -> WebhookCreated:
    """A new signing secret, shown this once; the old one also signs for ``grace_seconds``."""
    secret, at = new_secret(), utc_now()
    expires = at + timedelta(seconds=grace_seconds) if grace_seconds > 0 else None
    with db.write() as conn:
        if not store.replace_secret(conn, webhook_id, secret, previous_expires_at=expires, at=at):
            raise _not_found(webhook_id)
        detail = f"webhook {webhook_id}; old secret valid for {grace_seconds} s"
        _audit(conn, actor, "webhook_secret_rotated", detail, at)
        webhook = store.get_subscription(conn, webhook_id)
    assert webhook is not None
    return _with_secret(webhook, secret)


def _delivery(found: store.DeliveryRecord, settings: Settings) -> WebhookDelivery:
    return WebhookDelivery(
        id=found.id,
        webhook_id=found.subscription_id,
        message_id=found.message_id,
        event_type=found.event.type,
        state=found.state,
        attempts=found.attempts,
        next_attempt_at=found.next_attempt_at,
        created_at=found.created_at,
        delivered_at=found.delivered_at,
        payload=build_event(found.event, settings.public_base_url),
        attempt_log=found.attempt_log,
    )


def list_deliveries(
    db: ContentDB,
    settings: Settings,
    webhook_id: int,
    *,
    state: WebhookDeliveryState | None,
    before: int | None,
    limit: int,
) -> WebhookDeliveryPage:
    """A subscription's delivery log, newest first, each with its attempts."""
    with db.read() as conn:
        if store.get_subscription(conn, webhook_id) is None:
            raise _not_found(webhook_id)
        found = store.list_deliveries(conn, webhook_id, state=state, before=before, limit=limit + 1)
    page = found[:limit]
    return WebhookDeliveryPage(
        deliveries=[_delivery(delivery, settings) for delivery in page],
        next_before=page[-1].id if len(found) > limit else None,
    )


def retry_delivery(
    db: ContentDB, settings: Settings, actor: Actor, webhook_id: int, delivery_id: int
) -> WebhookDelivery:
    """Queue a failed delivery again, due now, with a fresh back-off schedule."""
    at = utc_now()
    with db.write() as conn:
        found = store.list_deliveries(
            conn, webhook_id, state=None, before=None, limit=1, delivery_id=delivery_id
        )
        if not found:
            raise NotFound(f"Webhook {webhook_id} has no delivery {delivery_id}.")
        if found[0].state != "failed":
            raise Conflict(
                f"Delivery {delivery_id} is {found[0].state}; only a failed delivery can be "
                "retried (a pending one is retried on its schedule)."
            )
        store.requeue_delivery(conn, delivery_id, at)
        record(
            conn,
            actor,
            "webhook_delivery_retried",
            article=found[0].event.article,
            revision=found[0].event.revision,
            detail=f"webhook {webhook_id} delivery {delivery_id} ({found[0].message_id})",
            at=at,
        )
        found = store.list_deliveries(
            conn, webhook_id, state=None, before=None, limit=1, delivery_id=delivery_id
        )
    return _delivery(found[0], settings)
