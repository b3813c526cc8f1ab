"""The dispatcher's side of the webhook outbox: lease due deliveries, record each attempt.

Only the first pending delivery of a subscription (its head) is ever claimed, so a
subscription's events go out strictly in order, and a lease (``lease_until``, ``leased_by``)
taken in a write transaction means two workers never make the same attempt at once.

The writes here run inside the caller's ``db.write(is_content=False)``: outbox bookkeeping
changes nothing public, so it must not bump the content generation (that would empty every
worker's response cache on every attempt).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from schema.webhooks import EventRecord
from service.store.codec import format_time, parse_time
from service.store.db import Connection, ContentDB
from service.store.webhooks import event_record

Outcome = Literal["delivered", "retry", "failed"]
_HEADS = (
    "SELECT d.id, d.subscription_id, d.next_attempt_at, d.lease_until, d.leased_by "
    "FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id "
    "WHERE s.is_active = 1 AND d.id IN (SELECT min(id) FROM webhook_deliveries "
    "WHERE state = 'pending' GROUP BY subscription_id) ORDER BY d.id"
)
_CLAIM = (
    "UPDATE webhook_deliveries SET lease_until = ?, leased_by = ? "
    "WHERE id = ? AND state = 'pending' AND lease_until IS ? AND leased_by IS ? "
    "AND id = (SELECT min(id) FROM webhook_deliveries WHERE subscription_id = ? "
    "AND state = 'pending')"
)
_CLAIMED = (
    "SELECT d.id, d.subscription_id, d.message_id, d.round_attempts, s.url, s.secret, "
    "s.previous_secret, s.previous_secret_expires_at, "
    "d.event_type, a.slug, e.revision, e.sections_changed, e.at, e.note "
    "FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id "
    "JOIN events e ON e.id = d.event_id JOIN articles a ON a.id = e.article_id WHERE d.id = ?"
)


@dataclass(frozen=True)
class Head:
    """The first pending delivery of an active subscription, and who holds it."""

    delivery_id: int
    subscription_id: int
    next_attempt_at: str
    lease_until: str | None
    leased_by: str | None

    def is_claimable(self, now: str, is_abandoned: Callable[[str], bool]) -> bool:
        """Due, and not leased, or leased by a holder whose lease ran out or who is gone."""
        if self.next_attempt_at > now:
            return False
        if self.lease_until is None or self.lease_until < now:
            return True
        return self.leased_by is not None and is_abandoned(self.leased_by)

    def claimable_at(self) -> str:
        """When it can be claimed at the earliest (as stored text: text order is time order)."""
        return max(self.next_attempt_at, self.lease_until or "")


@dataclass(frozen=True)
class Claim:
    """A leased delivery with all an attempt needs: where, signed with what, carrying what."""

    delivery_id: int
    subscription_id: int
    message_id: str
    round_attempts: int
    url: str
    secrets: tuple[str, ...]
    event: EventRecord


def _claim(conn: Connection, delivery_id: int, now: datetime) -> Claim:
    row = conn.execute(_CLAIMED, (delivery_id,)).fetchone()
    delivery, subscription_id, message_id, round_attempts, url, secret, previous, expires = row[:8]
    keys = [str(secret)]
    if previous is not None and expires is not None and parse_time(str(expires)) > now:
        keys.append(str(previous))  # still inside the rotation's grace period: sign with both
    return Claim(
        delivery_id=int(delivery),
        subscription_id=int(subscription_id),
        message_id=str(message_id),
        round_attempts=int(round_attempts),
        url=str(url),
        secrets=tuple(keys),
        event=event_record(row),
    )


def due_heads(
    conn: Connection,
    *,
    now: datetime,
    busy: Collection[int],
    is_abandoned: Callable[[str], bool],
) -> tuple[list[Head], datetime | None]:
    """The heads claimable now (except those of ``busy`` subscriptions), and when the next of
    the others may be (None: none pending). A read: no lock is taken."""
    stamp = format_time(now)
    heads = [Head(*row) for row in conn.execute(_HEADS) if int(row[1]) not in busy]
    due = [head for head in heads if head.is_claimable(stamp, is_abandoned)]
    waiting = [head.claimable_at() for head in heads if head not in due]
    return due, parse_time(min(waiting)) if waiting else None


def claim_heads(
    conn: Connection,
    heads: Sequence[Head],
    *,
    worker: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
) -> list[Claim]:
    """Lease up to ``limit`` of these heads, in order, inside the caller's write transaction.
    Each claim compares the lease with the one read: a head another worker took since (or that
    is no longer first) is skipped, and the next one tried, so contention never idles a worker."""
    lease_until = format_time(now + timedelta(seconds=lease_seconds))
    claims: list[Claim] = []
    for head in heads:
        if len(claims) >= limit:
            break
        cursor = conn.execute(
            _CLAIM,
            (
                lease_until,
                worker,
                head.delivery_id,
                head.lease_until,
                head.leased_by,
                head.subscription_id,
            ),
        )
        if cursor.rowcount == 1:
            claims.append(_claim(conn, head.delivery_id, now))
    return claims


def claim_due(
    db: ContentDB,
    *,
    worker: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
    busy: Collection[int],
    is_abandoned: Callable[[str], bool],
) -> tuple[list[Claim], datetime | None]:
    """Lease the due head of up to ``limit`` subscriptions not in ``busy``; also returns when
    the next head not yet due may be claimable. Due heads beyond ``limit`` wait for an attempt
    to end (which wakes the dispatcher). The write lock is taken only when something is due, so
    this opens its own transactions."""
    with db.read() as conn:
        due, next_due = due_heads(conn, now=now, busy=busy, is_abandoned=is_abandoned)
    if not due or limit <= 0:
        return [], next_due
    with db.write(is_content=False) as conn:
        claims = claim_heads(
            conn, due, worker=worker, now=now, lease_seconds=lease_seconds, limit=limit
        )
    return claims, next_due


@dataclass(frozen=True)
class AttemptResult:
    """How one attempt went."""

    at: datetime
    is_success: bool
    status_code: int | None
    duration_ms: int
    error: str | None


def finish_attempt(
    conn: Connection,
    claim: Claim,
    worker: str,
    result: AttemptResult,
    *,
    outcome: Outcome,
    next_attempt_at: datetime | None,
) -> bool:
    """Log the attempt and settle the delivery (inside the caller's write transaction):
    delivered, due again later, or failed.

    Returns False when the lease was lost meanwhile (the attempt is logged; the state is left to
    the new holder) or the delivery is gone (its subscription was deleted).
    """
    row = conn.execute(
        "SELECT attempts FROM webhook_deliveries WHERE id = ?", (claim.delivery_id,)
    ).fetchone()
    if row is None:
        return False
    conn.execute(
        "INSERT INTO webhook_attempts (delivery_id, number, at, is_success, status_code, "
        "duration_ms, error, worker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            claim.delivery_id,
            int(row[0]) + 1,
            format_time(result.at),
            result.is_success,
            result.status_code,
            result.duration_ms,
            result.error,
            worker,
        ),
    )
    conn.execute(
        "UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE id = ?",
        (claim.delivery_id,),
    )
    settled = conn.execute(
        "UPDATE webhook_deliveries SET state = ?, round_attempts = round_attempts + 1, "
        "next_attempt_at = coalesce(?, next_attempt_at), delivered_at = ?, "
        "lease_until = NULL, leased_by = NULL WHERE id = ? AND leased_by = ?",
        (
            "pending" if outcome == "retry" else outcome,
            None if next_attempt_at is None else format_time(next_attempt_at),
            format_time(result.at) if outcome == "delivered" else None,
            claim.delivery_id,
            worker,
        ),
    )
    if settled.rowcount != 1:
        return False
    if outcome != "retry":
        conn.execute(
            "UPDATE webhook_subscriptions SET is_failing = ? WHERE id = ?",
            (outcome == "failed", claim.subscription_id),
        )
    return True


def release(conn: Connection, delivery_id: int, worker: str) -> None:
    """Give a lease back unused (on shutdown), so the next start retries at once."""
    conn.execute(
        "UPDATE webhook_deliveries SET lease_until = NULL, leased_by = NULL "
        "WHERE id = ? AND leased_by = ?",
        (delivery_id, worker),
    )
