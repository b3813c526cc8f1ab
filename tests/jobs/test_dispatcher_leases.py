"""The dispatcher's leases: reclaimed only when over, never claimed twice, shared by two
workers, given back on stop."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from service.config import Settings
from service.jobs.dispatcher import Dispatcher
from service.store import outbox
from service.store.codec import format_time, utc_now
from service.store.db import ContentDB
from tests.http_servers import Receiver
from tests.jobs.dispatching import received, running
from tests.store.outbox_rows import delivery_rows, record_event, subscribe


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
