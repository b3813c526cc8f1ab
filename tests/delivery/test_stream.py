"""The event stream in-process: subscriber bounds, bad positions, and events as they commit."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.delivery.stream import Subscribers, change_events
from service.errors import TooManyRequests
from service.store.codec import decode_cursor
from service.store.db import ContentDB
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]


def test_subscribers_are_bounded_per_client_and_released() -> None:
    subscribers = Subscribers(per_client=2)
    subscribers.acquire("a")
    subscribers.acquire("a")
    subscribers.acquire("b")
    with pytest.raises(TooManyRequests):
        subscribers.acquire("a")
    subscribers.release("a")
    subscribers.acquire("a")
    assert (subscribers.held("a"), subscribers.held("b")) == (2, 1)


def test_a_bad_last_event_id_is_400(client: Client) -> None:
    response = client.get("/v1/stream", headers={"Last-Event-ID": "nonsense"})
    assert response.status_code == 400
    assert "Last-Event-ID" in response.json()["detail"]
    assert response.headers["content-type"].startswith("application/problem+json")


def test_events_arrive_as_they_commit_and_heartbeats_between(
    app: Litestar, client: Client, editor_headers: Headers
) -> None:
    db: ContentDB = app.state["db"]

    async def collect() -> list[object]:
        stream = change_events(db, 0, heartbeat_s=0.2)
        got: list[object] = [await anext(stream)]  # the seed's publish, from position 0
        # A heartbeat when nothing happens for a while.
        got.append(await asyncio.wait_for(anext(stream), 2))
        await asyncio.to_thread(
            client.post, f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers
        )
        got.append(await asyncio.wait_for(anext(stream), 2))
        await stream.aclose()
        return got

    seed, heartbeat, unpublished = asyncio.run(collect())
    assert heartbeat is None
    assert getattr(seed, "action", None) == "published"
    assert getattr(unpublished, "action", None) == "unpublished"
    assert decode_cursor(getattr(unpublished, "cursor", "")) > decode_cursor(
        getattr(seed, "cursor", "")
    )
