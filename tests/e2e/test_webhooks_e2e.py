"""Webhooks between real processes: a granian server publishing, real HTTP receivers on
loopback, a receiver that is down and comes back, a server killed mid-delivery, a slow receiver.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx

from schema.admin import Role
from service.channels.webhook_signature import verify
from tests.admin_flow import HOOKS, publish_intro_note
from tests.conftest import SLUG
from tests.e2e.conftest import (
    children_of,
    free_port,
    prepared_database,
    running_server,
    server_process,
)
from tests.http_servers import Receiver
from tests.tokens import Headers

ENV = {"ALLOW_PRIVATE_WEBHOOKS": "true", "WEBHOOK_RETRY_SCHEDULE": "0.2,0.4,0.8,1.6"}


def prepared(database: Path) -> dict[Role, Headers]:
    """Create and seed the database, with an editor, a reviewer and an admin token."""
    people: dict[Role, str] = {"editor": "Erin", "reviewer": "Rita", "admin": "Ada"}
    headers = prepared_database(database, *((name, role) for role, name in people.items()))
    return dict(zip(people, headers, strict=True))


def subscribe(client: httpx.Client, people: dict[Role, Headers], url: str) -> dict[str, Any]:
    """Subscribe ``url`` to every event; the answer holds the secret."""
    response = client.post(HOOKS, json={"url": url}, headers=people["admin"])
    assert response.status_code == 201, response.text
    return dict(response.json())


def publish(client: httpx.Client, people: dict[Role, Headers], note: str) -> float:
    """Edit the intro, submit, approve, publish; returns how long the publish call took."""
    return publish_intro_note(client, people["editor"], people["reviewer"], note)


def log_of(client: httpx.Client, people: dict[Role, Headers], webhook_id: int) -> list[Any]:
    """The delivery log, oldest first."""
    response = client.get(f"{HOOKS}/{webhook_id}/deliveries", headers=people["admin"])
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["deliveries"]))


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the granian process and its workers (killing only granian orphans them)."""
    for worker in children_of(process.pid):
        with suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
    process.kill()
    process.wait()


def test_a_real_receiver_gets_a_signed_event_from_a_real_server(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    people = prepared(database)
    with (
        Receiver() as receiver,
        running_server(database, env=ENV) as base,
        httpx.Client(base_url=base) as client,
    ):
        created = subscribe(client, people, receiver.url)
        publish(client, people, "first")
        (got,) = receiver.wait_for(1)
    verify(created["secret"], got.headers, got.body)
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_")
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 60
    event = got.json()
    assert (event["type"], event["data"]["article"]) == ("article.published", SLUG)
    assert event["data"]["revision"] == 2
    assert event["data"]["sections_changed"] == ["intro"]
    assert event["data"]["url"] == f"{base}/v1/articles/{SLUG}"


def test_a_receiver_that_was_down_gets_every_event_in_order_when_back(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    people = prepared(database)
    port = free_port()  # nothing listens here yet: connections are refused
    receiver = Receiver(port)
    with running_server(database, env=ENV) as base, httpx.Client(base_url=base) as client:
        created = subscribe(client, people, receiver.url)
        for note in ("one", "two", "three"):
            publish(client, people, note)
        deadline = time.monotonic() + 5
        while len(log_of(client, people, created["id"])[0]["attempt_log"]) < 2:
            assert time.monotonic() < deadline, "the first event was not retried"
            time.sleep(0.05)
        with receiver:
            got = receiver.wait_for(3)
            time.sleep(0.3)  # nothing more should come
            log = log_of(client, people, created["id"])
    assert len(receiver.received) == 3
    assert [r.json()["data"]["revision"] for r in got] == [2, 3, 4]
    for request in got:
        verify(created["secret"], request.headers, request.body)
    assert len({r.headers["webhook-id"] for r in got}) == 3
    assert [d["state"] for d in log] == ["delivered"] * 3
    first = log[0]["attempt_log"]
    assert [a["is_success"] for a in first] == [False] * (len(first) - 1) + [True]
    assert len(first) >= 3
    assert all("ConnectError" in a["error"] for a in first[:-1]), first
    assert [len(d["attempt_log"]) for d in log[1:]] == [1, 1]


def test_a_delivery_cut_off_by_a_killed_server_is_sent_again_after_restart(
    tmp_path: Path,
) -> None:
    database = tmp_path / "content.db"
    people = prepared(database)
    with Receiver(delay=30) as receiver:  # holds the first request open: it is in flight
        with (
            server_process(database, env=ENV) as (base, process),
            httpx.Client(base_url=base) as client,
        ):
            created = subscribe(client, people, receiver.url)
            publish(client, people, "in flight")
            receiver.wait_for(1)
            publish(client, people, "queued behind it")
            kill_hard(process)
        receiver.release()
        receiver.delay = 0
        assert len(receiver.received) == 1
        with running_server(database, env=ENV) as base, httpx.Client(base_url=base) as client:
            got = receiver.wait_for(3)
            time.sleep(0.3)
            log = log_of(client, people, created["id"])
    assert len(receiver.received) == 3
    assert [r.json()["data"]["revision"] for r in got] == [2, 2, 3]
    assert got[0].headers["webhook-id"] == got[1].headers["webhook-id"], "a duplicate, same id"
    assert got[1].headers["webhook-id"] != got[2].headers["webhook-id"]
    for request in got:
        verify(created["secret"], request.headers, request.body)
    assert [d["state"] for d in log] == ["delivered", "delivered"]
    ids = [request.headers["webhook-id"] for request in got]
    assert [delivery["message_id"] for delivery in log] == [ids[0], ids[2]]


def test_a_slow_receiver_holds_up_neither_publishing_nor_other_receivers(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    people = prepared(database)
    # The slow one would answer after 30 s, far past the 5 s attempt timeout.
    with (
        Receiver(delay=30) as slow,
        Receiver() as fast,
        running_server(database, env=ENV) as base,
        httpx.Client(base_url=base) as client,
    ):
        subscribe(client, people, slow.url)
        subscribe(client, people, fast.url)
        first_publish = publish(client, people, "first")
        slow.wait_for(1)
        started = time.monotonic()
        second_publish = publish(client, people, "second")
        got = fast.wait_for(2, timeout=3)
        fast_latency = got[1].at - started
        assert len(slow.received) == 1, "the slow receiver's first attempt is still open"
    assert max(first_publish, second_publish) < 0.5
    assert fast_latency < 1.0
    assert [r.json()["data"]["revision"] for r in got] == [2, 3]
