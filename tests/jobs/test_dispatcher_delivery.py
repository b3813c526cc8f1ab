"""The dispatcher against real HTTP receivers: signing, wake-ups, back-off, order, timeouts,
and private targets refused again at delivery."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import random
import time
from typing import Any

from service.channels.webhook_signature import verify
from service.config import Settings
from service.jobs.dispatcher import JITTER, Dispatcher, next_step
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.http_servers import Receiver
from tests.jobs.dispatching import received, running, until
from tests.store.outbox_rows import attempt_rows, delivery_rows, is_failing, record_event, subscribe


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


def test_a_slow_receiver_times_out_without_holding_up_another_subscription(
    seeded_db: ContentDB, settings: Settings
) -> None:
    timeout = 1.0  # wide enough that a loaded machine cannot make the fast receiver late

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
