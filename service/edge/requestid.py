"""A request id on every request: taken from ``X-Request-ID`` when sane, else generated."""

from __future__ import annotations

import itertools
import os
import re
import uuid

from service.edge.asgi_types import ASGIApp, Message, Receive, Scope, Send
from service.edge.logs import request_id_var

_SANE = re.compile(rb"^[A-Za-z0-9._:-]{1,100}$")
_counter = itertools.count(1)
_prefix = uuid.uuid4().hex[:12].encode()


def _new_prefix() -> None:
    """Give a forked worker its own prefix, so ids stay unique across processes."""
    global _prefix
    _prefix = uuid.uuid4().hex[:12].encode()


os.register_at_fork(after_in_child=_new_prefix)


def new_request_id() -> bytes:
    """A unique id: a random per-process prefix and a counter (cheaper than a uuid per request)."""
    return b"%s%010x" % (_prefix, next(_counter))  # half the cost of an f-string and encode


def request_id_from(given: bytes | None) -> bytes:
    """The client's ``X-Request-ID`` when it is sane, else a new one."""
    return given if given is not None and _SANE.match(given) else new_request_id()


class RequestIdLayer:
    """Puts the id into ``scope["state"]["request_id"]`` and the ``X-Request-ID`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = request_id_from(given)
        scope.setdefault("state", {})["request_id"] = request_id.decode()
        request_id_var.set(request_id.decode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        await self.app(scope, receive, send_with_id)
