"""A request id on every request: taken from ``X-Request-ID`` when sane, else generated."""

from __future__ import annotations

import re
import uuid

from service.asgi_types import ASGIApp, Message, Receive, Scope, Send
from service.logs import request_id_var

_SANE = re.compile(rb"^[A-Za-z0-9._:-]{1,100}$")


class RequestIdLayer:
    """Puts the id into ``scope["state"]["request_id"]`` and the ``X-Request-ID`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = (
            given if given is not None and _SANE.match(given) else uuid.uuid4().hex.encode()
        )
        scope.setdefault("state", {})["request_id"] = request_id.decode()
        request_id_var.set(request_id.decode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        await self.app(scope, receive, send_with_id)
