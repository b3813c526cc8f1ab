"""The dispatcher on its own, against real HTTP receivers: signing, back-off, order, leases,
concurrency between subscriptions and between workers, shutdown."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest

from schema.api import ChangeAction
from schema.webhooks import WEBHOOK_EVENT_TYPES, WebhookEventType
from service.channels.webhook_payload import new_secret
from service.channels.webhook_signature import verify
from service.config import Settings
from service.jobs.dispatcher import JITTER, Dispatcher, next_step
from service.store import content, outbox
from service.store import webhooks as store
from service.store.codec import format_time, utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.webhook_receiver import Receiver


def subscribe(
    db: ContentDB, url: str, events: Sequence[WebhookEventType] = WEBHOOK_EVENT_TYPES
) -> tuple[int, str]:
    """A subscription stored directly; returns its id and secret."""
    secret = new_secret()
    with db.write() as conn:
        webhook_id = store.insert_subscription(
            conn, url=url, events=events, description="", secret=secret, actor="t", at=utc_now()
        )
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


def delivery_rows(db: ContentDB) -> list[dict[str, Any]]:
    """Every outbox row, oldest first."""
    cursor = db.conn.execute(
        "SELECT id, subscription_id, event_id, message_id, state, attempts, lease_until "
        "FROM webhook_deliveries ORDER BY id"
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def attempt_rows(db: ContentDB) -> list[dict[str, Any]]:
    """Every logged attempt, oldest first."""
    cursor = db.conn.execute(
        "SELECT delivery_id, number, is_success, status_code, duration_ms, error "
        "FROM webhook_attempts ORDER BY id"
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def is_failing(db: ContentDB, webhook_id: int) -> bool:
    """Whether the subscription is marked failing."""
    webhook = store.get_subscription(db.conn, webhook_id)
    assert webhook is not None
    return webhook.is_failing


@asynccontextmanager
async def running(dispatcher: Dispatcher) -> AsyncIterator[Dispatcher]:
    """The dispatcher started, and stopped afterwards whatever happens."""
    await dispatcher.start()
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` holds, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


async def received(receiver: Receiver, count: int, timeout: float = 5.0) -> list[Any]:
    """The receiver's first ``count`` requests, waited for off the event loop."""
    return await asyncio.to_thread(receiver.wait_for, count, timeout)


def test_next_step_follows_the_schedule_with_jitter_then_gives_up() -> None:
    rng = random.Random(5)
    schedule = (1.0, 10.0, 100.0)
    assert next_step(schedule, 0, True, rng) == ("delivered", None)
    for made, base in enumerate(schedule):
        outcome, delay = next_step(schedule, made, False, rng)
        assert outcome == "retry"
        assert delay is not None
        assert base * (1 - JITTER) <= delay <= base * (1 + JITTER)
    assert next_step(schedule, len(schedule), False, rng) == ("failed", None)


def test_delivers_a_signed_event_and_logs_the_attempt(
    seeded_db: ContentDB, settings: Settings
) -> None:
    async def scenario() -> None:
        with Receiver() as receiver:
            _, secret = subscribe(seeded_db, receiver.url)
            async with running(Dispatcher(seeded_db, settings)):
                record_event(seeded_db)
                (got,) = await received(receiver, 1)
                await until(lambda: delivery_rows(seeded_db)[0]["state"] == "delivered")
        verify(secret, got.headers, got.body)
        assert got.json() == {
            "type": "article.published",
            "timestamp": got.json()["timestamp"],
            "data": {
                "article": SLUG,
                "revision": 2,
                "sections_changed": ["intro"],
                "url": f"{settings.public_base_url}/v1/articles/{SLUG}",
            },
        }
        assert got.headers["webhook-id"] == delivery_rows(seeded_db)[0]["message_id"]
        (attempt,) = attempt_rows(seeded_db)
        assert (attempt["is_success"], attempt["status_code"], attempt["error"]) == (1, 204, None)

    asyncio.run(scenario())


def test_delivery_bookkeeping_leaves_the_content_generation_alone(
    seeded_db: ContentDB, settings: Settings
) -> None:
    # Each attempt commits a lease and a log row; announcing those as content changes would
    # empty every worker's response cache once per attempt.
    async def scenario() -> tuple[bytes, bytes]:
        with Receiver(status=500) as receiver:
            subscribe(seeded_db, receiver.url)
            record_event(seeded_db)
            before = seeded_db.generation.current()
            async with running(Dispatcher(seeded_db, settings)):
                await until(lambda: delivery_rows(seeded_db)[0]["state"] == "failed")
            return before, seeded_db.generation.current()

    before, after = asyncio.run(scenario())
    assert len(attempt_rows(seeded_db)) == 1 + len(settings.webhook_retry_schedule)
    assert after == before


def test_a_commit_wakes_the_dispatcher_and_a_start_sends_what_is_pending(
    seeded_db: ContentDB, settings: Settings
) -> None:
    # Polling only every 5 s: arrivals within a second come from the wake-up and the start.
    async def scenario() -> tuple[float, float]:
        with Receiver() as receiver:
            subscribe(seeded_db, receiver.url)
            record_event(seeded_db, revision=2)  # queued while no dispatcher runs
            started = time.monotonic()
            async with running(Dispatcher(seeded_db, settings, poll_seconds=5.0)):
                first = (await received(receiver, 1))[0].at - started
                await asyncio.sleep(0.1)
                committed = time.monotonic()
                record_event(seeded_db, revision=3)
                second = (await received(receiver, 2))[1].at - committed
        return first, second

    on_start, after_commit = asyncio.run(scenario())
    assert on_start < 1.0
    assert after_commit < 1.0


def test_retries_with_back_off_then_fails_and_marks_the_subscription_failing(
    seeded_db: ContentDB, settings: Settings
) -> None:
    schedule = settings.webhook_retry_schedule

    async def scenario() -> list[Any]:
        with Receiver(status=500) as receiver:
            webhook_id, _ = subscribe(seeded_db, receiver.url)
            async with running(Dispatcher(seeded_db, settings)):
                record_event(seeded_db)
                await until(lambda: delivery_rows(seeded_db)[0]["state"] == "failed")
            assert is_failing(seeded_db, webhook_id)
            return receiver.received

    got = asyncio.run(scenario())
    assert len(got) == 1 + len(schedule)
    assert len({request.headers["webhook-id"] for request in got}) == 1
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(got)]
    for gap, base in zip(gaps, schedule, strict=True):
        assert base * (1 - JITTER) - 0.01 <= gap <= base * (1 + JITTER) + 0.15
    attempts = attempt_rows(seeded_db)
    assert [a["number"] for a in attempts] == [1, 2, 3, 4]
    assert {(a["is_success"], a["status_code"]) for a in attempts} == {(0, 500)}
    assert all(a["error"].startswith("HTTP 500") for a in attempts)


def test_a_subscription_gets_its_events_in_order_and_a_given_up_one_unblocks_the_next(
    seeded_db: ContentDB, settings: Settings
) -> None:
    # Every attempt at the first event fails; the second waits until it is given up.
    all_attempts = 1 + len(settings.webhook_retry_schedule)

    async def scenario() -> list[Any]:
        with Receiver(fail_first=all_attempts + 1) as receiver:
            webhook_id, _ = subscribe(seeded_db, receiver.url)
            async with running(Dispatcher(seeded_db, settings)):
                for revision in (2, 3, 4):
                    record_event(seeded_db, revision=revision)
                settled = ["failed", "delivered", "delivered"]
                await until(lambda: [r["state"] for r in delivery_rows(seeded_db)] == settled)
            assert not is_failing(seeded_db, webhook_id)
            return receiver.received

    got = asyncio.run(scenario())
    revisions = [request.json()["data"]["revision"] for request in got]
    assert revisions == [2] * all_attempts + [3, 3, 4]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize(
    ("lease_offset", "holder_pid", "is_taken"),
    [(-1.0, os.getppid(), True), (60.0, None, True), (60.0, os.getppid(), False)],
    ids=["lease-ran-out", "holder-process-gone", "holder-alive-lease-running"],
)
def test_a_leased_delivery_is_reclaimed_only_when_its_lease_is_over(
    seeded_db: ContentDB,
    settings: Settings,
    lease_offset: float,
    holder_pid: int | None,
    is_taken: bool,
) -> None:
    pid = _dead_pid() if holder_pid is None else holder_pid
    holder = f"{socket.gethostname()}:{pid}:0000"

    async def scenario() -> list[Any]:
        with Receiver() as receiver:
            subscribe(seeded_db, receiver.url)
            event_id = record_event(seeded_db)
            lease_until = format_time(utc_now() + timedelta(seconds=lease_offset))
            seeded_db.conn.execute(
                "UPDATE webhook_deliveries SET leased_by = ?, lease_until = ? WHERE event_id = ?",
                (holder, lease_until, event_id),
            )
            async with running(Dispatcher(seeded_db, settings)):
                if is_taken:
                    await received(receiver, 1)
                else:
                    await asyncio.sleep(0.5)
            return receiver.received

    assert len(asyncio.run(scenario())) == (1 if is_taken else 0)


def test_a_head_taken_by_another_worker_since_it_was_read_is_not_claimed_again(
    seeded_db: ContentDB,
) -> None:
    subscribe(seeded_db, "http://127.0.0.1:9/hook")
    record_event(seeded_db)
    other = ContentDB(seeded_db.path)
    try:
        now = utc_now()
        seen, _ = outbox.due_heads(seeded_db.conn, now=now, busy=(), is_abandoned=lambda _: False)
        taken, _ = outbox.claim_due(
            other,
            worker="other",
            now=now,
            lease_seconds=10,
            limit=8,
            busy=(),
            is_abandoned=lambda _: False,
        )
    finally:
        other.close()
    assert [claim.delivery_id for claim in taken] == [head.delivery_id for head in seen]
    with seeded_db.write(is_content=False) as conn:
        stale = outbox.claim_heads(conn, seen, worker="me", now=now, lease_seconds=10, limit=8)
    assert stale == []
    assert delivery_rows(seeded_db)[0]["lease_until"] is not None
    leased_by = seeded_db.conn.execute("SELECT leased_by FROM webhook_deliveries").fetchone()
    assert leased_by == ("other",)


def test_two_workers_never_send_the_same_delivery_and_keep_each_order(
    seeded_db: ContentDB, settings: Settings
) -> None:
    subscriptions, events = 3, 4
    done = threading.Event()
    failures: list[BaseException] = []

    def worker() -> None:
        # A worker of its own: a thread with its event loop, connection and dispatcher.
        db = ContentDB(seeded_db.path)

        async def serve() -> None:
            async with running(Dispatcher(db, settings, concurrency=1)):
                await asyncio.to_thread(done.wait)

        try:
            asyncio.run(serve())
        except BaseException as failure:
            failures.append(failure)
        finally:
            db.close()

    # One attempt at a time each, and a receiver that takes a moment (alone, one worker would
    # need 0.6 s, while the other sees the queue within its 0.2 s poll): both claim from the
    # same queue all along.
    with Receiver(delay=0.05) as receiver:
        for number in range(subscriptions):
            subscribe(seeded_db, f"{receiver.url}/{number}")
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            for revision in range(2, 2 + events):
                record_event(seeded_db, revision=revision)
            receiver.wait_for(subscriptions * events)
            time.sleep(0.3)  # time for any duplicate to arrive
        finally:
            done.set()
            for thread in threads:
                thread.join()
        got = list(receiver.received)
    assert failures == []
    assert len(got) == subscriptions * events
    assert len({(request.path, request.headers["webhook-id"]) for request in got}) == len(got)
    for number in range(subscriptions):
        mine = [r.json()["data"]["revision"] for r in got if r.path.endswith(f"/{number}")]
        assert mine == list(range(2, 2 + events))
    workers = {row[0] for row in seeded_db.conn.execute("SELECT worker FROM webhook_attempts")}
    assert len(workers) == 2, "both workers should have delivered some"


def test_a_slow_receiver_times_out_without_holding_up_another_subscription(
    seeded_db: ContentDB, settings: Settings
) -> None:
    timeout = 0.3

    async def scenario() -> tuple[float, float]:
        with Receiver(delay=30) as slow, Receiver() as fast:
            subscribe(seeded_db, slow.url)
            subscribe(seeded_db, fast.url)
            async with running(Dispatcher(seeded_db, settings, timeout=timeout)):
                started = time.monotonic()
                record_event(seeded_db)
                record_event(seeded_db, revision=3)
                fast_got = await received(fast, 2)
                (slow_got,) = await received(slow, 1)
                await until(lambda: len(attempt_rows(seeded_db)) >= 3)
            return fast_got[-1].at - started, slow_got.at - started

    fast_done, slow_started = asyncio.run(scenario())
    assert fast_done < timeout, "the fast receiver waited for the slow one"
    assert slow_started < timeout
    timed_out = [a for a in attempt_rows(seeded_db) if not a["is_success"]]
    assert timed_out[0]["error"] == f"no complete answer within {timeout:g} s"
    assert timed_out[0]["duration_ms"] >= timeout * 1000


def test_stopping_gives_back_the_lease_of_an_attempt_in_flight(
    seeded_db: ContentDB, settings: Settings
) -> None:
    async def scenario() -> None:
        with Receiver(delay=30) as receiver:
            subscribe(seeded_db, receiver.url)
            async with running(Dispatcher(seeded_db, settings)):
                record_event(seeded_db)
                await received(receiver, 1)
                assert delivery_rows(seeded_db)[0]["lease_until"] is not None

    asyncio.run(scenario())
    (row,) = delivery_rows(seeded_db)
    assert (row["state"], row["attempts"], row["lease_until"]) == ("pending", 0, None)


def test_a_private_target_is_refused_again_at_delivery(
    seeded_db: ContentDB, settings: Settings
) -> None:
    strict = dataclasses.replace(settings, allow_private_webhooks=False)

    async def scenario() -> list[Any]:
        with Receiver() as receiver:
            subscribe(seeded_db, receiver.url)  # stored directly, as if DNS had changed since
            async with running(Dispatcher(seeded_db, strict)):
                record_event(seeded_db)
                await until(lambda: len(attempt_rows(seeded_db)) >= 1)
            return receiver.received

    assert asyncio.run(scenario()) == []
    error = attempt_rows(seeded_db)[0]["error"]
    assert error.startswith("refused: http://127.0.0.1:"), error
    assert "127.0.0.1, a loopback, private" in error
