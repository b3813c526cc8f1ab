"""``GET /v1/stream``: change-feed events as Server-Sent Events (never through the edge cache)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Final

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import HeaderParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from service.api.channels import Config
from service.api.openapi_docs import media_response, problem_responses
from service.api.public import Db, refuse_unknown_query
from service.delivery.stream import Subscribers, change_events, start_position

LastEventId = Annotated[
    str | None,
    HeaderParameter(
        name="Last-Event-ID",
        required=False,
        max_length=200,
        description="The `id` of the last event received: the stream resumes right after it.",
    ),
]
STREAM_EXAMPLE: Final = (
    "id: ZXYxOjI\nevent: published\n"
    'data: {"cursor":"ZXYxOjI","article":"ketamine-therapy-for-anxiety","revision":2,'
    '"action":"published","sections_changed":["therapy-types"],"at":"2026-03-01T12:00:00Z"}\n\n'
    ": heartbeat\n\n"
)
RETRY_MS = 2000
_encode = msgspec.json.Encoder().encode


def subscribers_of(state: State, per_client: int) -> Subscribers:
    """This worker's subscriber bookkeeping, made on first use."""
    found: Subscribers | None = state.get("stream_subscribers")
    if found is None:
        found = Subscribers(per_client)
        state["stream_subscribers"] = found
    return found


async def _messages(
    events: AsyncIterator[Any], subscribers: Subscribers, client: str
) -> AsyncIterator[ServerSentEventMessage]:
    try:
        yield ServerSentEventMessage(data=None, comment="connected", retry=RETRY_MS)
        async for event in events:
            if event is None:
                yield ServerSentEventMessage(data=None, comment="heartbeat")
            else:
                data = _encode(event).decode()
                yield ServerSentEventMessage(data=data, event=event.action, id=event.cursor)
    finally:
        subscribers.release(client)


class StreamController(Controller):
    """Live change events for sites and apps that must refresh at once."""

    path = "/v1"
    tags = ["delivery"]  # noqa: RUF012 - Litestar reads these class attributes
    opt = {"skip_compression": True}  # noqa: RUF012 - compression would hold events back

    @get(
        "/stream",
        summary="Live change events (Server-Sent Events)",
        responses={
            200: media_response(
                "text/event-stream",
                "Every change-feed event as it commits: `id` is its cursor, `event` its action, "
                "`data` the event as in /v1/changes; `: heartbeat` comments keep proxies open.",
                STREAM_EXAMPLE,
            ),
            **problem_responses(400, 429),
        },
    )
    async def stream(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        settings: Config,
        last_event_id: LastEventId = None,
    ) -> ServerSentEvent:
        """Resume with `Last-Event-ID` (browsers send it on reconnect). Each worker admits
        `STREAM_SUBSCRIBERS_PER_CLIENT` streams per client address (more: 429); the count is
        per worker, so with `WORKERS=N` a client may hold up to N times that."""
        refuse_unknown_query(request)
        after = start_position(db, last_event_id)
        client = request.client.host if request.client else "unknown"
        subscribers = subscribers_of(request.app.state, settings.stream_subscribers_per_client)
        subscribers.acquire(client)
        events = change_events(db, after, heartbeat_s=settings.stream_heartbeat_s)
        return ServerSentEvent(
            _messages(events, subscribers, client),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
