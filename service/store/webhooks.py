"""Webhook subscriptions, the outbox rows an event queues, and the delivery log.

Secrets are stored as they are (not hashed, not encrypted): every attempt signs with them, and
an encryption key kept beside the database would protect nothing the file permissions don't.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import msgspec

from schema.api import ChangeAction
from schema.webhooks import (
    EventRecord,
    Webhook,
    WebhookAttempt,
    WebhookDeliveryState,
    WebhookEventType,
    event_type_of,
)
from service.store.codec import decode_str_list, encode_json, format_time, parse_time

_decode_events = msgspec.json.Decoder(list[WebhookEventType]).decode


@dataclass(frozen=True)
class DeliveryRecord:
    """One outbox row with its event and attempts, for the delivery log."""

    id: int
    subscription_id: int
    message_id: str
    state: WebhookDeliveryState
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    event: EventRecord
    attempt_log: list[WebhookAttempt]


def new_message_id() -> str:
    """A fresh ``webhook-id``: random, so ids stay unique across databases and restores."""
    return "msg_" + secrets.token_hex(12)


# --- Subscriptions ---

_SUBSCRIPTION_SELECT = (
    "SELECT s.id, s.url, s.events, s.description, s.is_active, s.is_failing, "
    "(SELECT count(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id "
    " AND d.state = 'pending'), "
    "(SELECT count(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id "
    " AND d.state = 'failed'), "
    "s.created_at, s.created_by, s.updated_at, s.previous_secret_expires_at "
    "FROM webhook_subscriptions s "
)


def _webhook(row: tuple[object, ...]) -> Webhook:
    (sub_id, url, events, description, active, failing, pending, failed) = row[:8]
    created_at, created_by, updated_at, previous_expires = row[8:]
    return Webhook(
        id=int(str(sub_id)),
        url=str(url),
        events=_decode_events(str(events)),
        description=str(description),
        is_active=bool(active),
        is_failing=bool(failing),
        pending_deliveries=int(str(pending)),
        failed_deliveries=int(str(failed)),
        created_at=parse_time(str(created_at)),
        created_by=str(created_by),
        updated_at=parse_time(str(updated_at)),
        previous_secret_expires_at=None
        if previous_expires is None
        else parse_time(str(previous_expires)),
    )


def insert_subscription(
    conn: sqlite3.Connection,
    *,
    url: str,
    events: Sequence[WebhookEventType],
    description: str,
    secret: str,
    actor: str,
    at: datetime,
) -> int:
    """Store a new, active subscription and return its id."""
    cursor = conn.execute(
        "INSERT INTO webhook_subscriptions (url, events, description, secret, created_at, "
        "created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            url,
            encode_json(list(events)).decode(),
            description,
            secret,
            format_time(at),
            actor,
            format_time(at),
        ),
    )
    return int(cursor.lastrowid or 0)


def get_subscription(conn: sqlite3.Connection, subscription_id: int) -> Webhook | None:
    """One subscription (never its secret), or None."""
    row = conn.execute(_SUBSCRIPTION_SELECT + "WHERE s.id = ?", (subscription_id,)).fetchone()
    return None if row is None else _webhook(row)


def list_subscriptions(conn: sqlite3.Connection) -> list[Webhook]:
    """Every subscription, oldest first."""
    return [_webhook(row) for row in conn.execute(_SUBSCRIPTION_SELECT + "ORDER BY s.id")]


def update_subscription(
    conn: sqlite3.Connection,
    subscription_id: int,
    changes: dict[str, object],
    at: datetime,
) -> bool:
    """Set the given columns (``url``, ``events``, ``description``, ``is_active``)."""
    allowed = {"url", "events", "description", "is_active"}
    if not set(changes) <= allowed:
        raise ValueError(f"not updatable: {sorted(set(changes) - allowed)}")
    values = {
        name: encode_json(value).decode() if name == "events" else value
        for name, value in changes.items()
    }
    assignments = "".join(f"{name} = ?, " for name in values)
    cursor = conn.execute(
        f"UPDATE webhook_subscriptions SET {assignments}updated_at = ? WHERE id = ?",
        (*values.values(), format_time(at), subscription_id),
    )
    return cursor.rowcount == 1


def replace_secret(
    conn: sqlite3.Connection,
    subscription_id: int,
    secret: str,
    *,
    previous_expires_at: datetime | None,
    at: datetime,
) -> bool:
    """Make ``secret`` the signing one; the old one also signs until ``previous_expires_at``."""
    keep = previous_expires_at is not None
    cursor = conn.execute(
        "UPDATE webhook_subscriptions SET previous_secret = CASE WHEN ? THEN secret END, "
        "previous_secret_expires_at = ?, secret = ?, updated_at = ? WHERE id = ?",
        (
            keep,
            None if previous_expires_at is None else format_time(previous_expires_at),
            secret,
            format_time(at),
            subscription_id,
        ),
    )
    return cursor.rowcount == 1


def delete_subscription(conn: sqlite3.Connection, subscription_id: int) -> bool:
    """Delete a subscription with its deliveries and their attempts (cascading)."""
    cursor = conn.execute("DELETE FROM webhook_subscriptions WHERE id = ?", (subscription_id,))
    return cursor.rowcount == 1


# --- The outbox ---


def enqueue(conn: sqlite3.Connection, event_id: int, action: ChangeAction, at: datetime) -> int:
    """Queue the event for every active subscription that wants it, in the caller's transaction.

    One message id per event: every subscription's copy, and every retry, carries the same one.
    """
    event_type = event_type_of(action)
    cursor = conn.execute(
        "INSERT INTO webhook_deliveries (subscription_id, event_id, message_id, event_type, "
        "next_attempt_at, created_at) SELECT s.id, ?, ?, ?, ?, ? FROM webhook_subscriptions s "
        "WHERE s.is_active = 1 AND EXISTS (SELECT 1 FROM json_each(s.events) WHERE value = ?) "
        "ORDER BY s.id",
        (event_id, new_message_id(), event_type, format_time(at), format_time(at), event_type),
    )
    return cursor.rowcount


_DELIVERY_SELECT = (
    "SELECT d.id, d.subscription_id, d.message_id, d.state, d.attempts, d.next_attempt_at, "
    "d.created_at, d.delivered_at, d.event_type, a.slug, e.revision, e.sections_changed, e.at "
    "FROM webhook_deliveries d JOIN events e ON e.id = d.event_id "
    "JOIN articles a ON a.id = e.article_id "
)


def event_record(row: Sequence[object]) -> EventRecord:
    """The event of a row ending in ``event_type, slug, revision, sections_changed, at``."""
    event_type, slug, revision, changed, at = row[-5:]
    return EventRecord(
        type=cast(WebhookEventType, event_type),
        article=str(slug),
        revision=None if revision is None else int(str(revision)),
        sections_changed=decode_str_list(str(changed)),
        at=parse_time(str(at)),
    )


def _attempts(conn: sqlite3.Connection, delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    found: dict[int, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    marks = ", ".join("?" * len(delivery_ids))
    rows = conn.execute(
        "SELECT delivery_id, number, at, is_success, status_code, duration_ms, error "
        f"FROM webhook_attempts WHERE delivery_id IN ({marks}) ORDER BY id",
        delivery_ids,
    )
    for delivery_id, number, at, success, status, duration, error in rows:
        found[int(delivery_id)].append(
            WebhookAttempt(
                number=int(number),
                at=parse_time(str(at)),
                is_success=bool(success),
                status_code=None if status is None else int(status),
                duration_ms=int(duration),
                error=None if error is None else str(error),
            )
        )
    return found


def list_deliveries(
    conn: sqlite3.Connection,
    subscription_id: int,
    *,
    state: WebhookDeliveryState | None,
    before: int | None,
    limit: int,
    delivery_id: int | None = None,
) -> list[DeliveryRecord]:
    """A subscription's deliveries newest first (ids below ``before``), with their attempts."""
    sql = _DELIVERY_SELECT + "WHERE d.subscription_id = ?"
    params: list[object] = [subscription_id]
    for clause, value in (("d.state = ?", state), ("d.id < ?", before), ("d.id = ?", delivery_id)):
        if value is not None:
            sql += f" AND {clause}"
            params.append(value)
    rows = conn.execute(sql + " ORDER BY d.id DESC LIMIT ?", (*params, limit)).fetchall()
    attempts = _attempts(conn, [int(row[0]) for row in rows])
    records = []
    for row in rows:
        (delivery, sub_id, message_id, state_, count, next_at, created_at, delivered_at) = row[:8]
        records.append(
            DeliveryRecord(
                id=int(delivery),
                subscription_id=int(sub_id),
                message_id=str(message_id),
                state=cast(WebhookDeliveryState, state_),
                attempts=int(count),
                next_attempt_at=parse_time(str(next_at)) if state_ == "pending" else None,
                created_at=parse_time(str(created_at)),
                delivered_at=None if delivered_at is None else parse_time(str(delivered_at)),
                event=event_record(row),
                attempt_log=attempts[int(delivery)],
            )
        )
    return records


def requeue_delivery(conn: sqlite3.Connection, delivery_id: int, at: datetime) -> bool:
    """Put a failed delivery back in the queue, due now, with a fresh back-off schedule."""
    cursor = conn.execute(
        "UPDATE webhook_deliveries SET state = 'pending', round_attempts = 0, "
        "next_attempt_at = ?, lease_until = NULL, leased_by = NULL "
        "WHERE id = ? AND state = 'failed'",
        (format_time(at), delivery_id),
    )
    return cursor.rowcount == 1
