"""CORS as one ASGI layer: public reads open to every origin, admin routes to listed origins."""

from __future__ import annotations

import re

from service.edge.asgi_types import ASGIApp, Message, Receive, Scope, Send
from service.edge.prepared import PUBLIC_CORS_HEADERS
from service.edge.routes import cors_group

_PUBLIC_PREFLIGHT = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, HEAD"),
    (b"access-control-allow-headers", b"If-None-Match, Accept, Accept-Language"),
    (b"access-control-max-age", b"86400"),
]
_ADMIN_METHODS = b"GET, POST, PUT, PATCH, DELETE"
_ADMIN_HEADERS = b"Authorization, Content-Type, If-Match, If-None-Match, X-Request-ID"
_ADMIN_EXPOSE = b"ETag, Location, X-Request-ID, Retry-After"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class AllowedMethods:
    """Which methods each route path answers, for ``OPTIONS`` (Litestar 2's own default OPTIONS
    handler lists only one handler's methods when several share a path; fixed only in 3.0)."""

    def __init__(self, routes: list[tuple[str, set[str]]]) -> None:
        self._routes = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), methods)
            for path, methods in routes
        ]

    def for_path(self, path: str) -> bytes | None:
        """The ``Allow`` value for a path, or None when no route matches it."""
        methods: set[str] = set()
        for pattern, route_methods in self._routes:
            if pattern.match(path):
                methods |= route_methods
        return ", ".join(sorted(methods | {"OPTIONS"})).encode() if methods else None


class CORSLayer:
    """Answers preflights and plain ``OPTIONS`` itself and adds the allow headers to responses."""

    def __init__(
        self, app: ASGIApp, admin_origins: tuple[str, ...], allowed: AllowedMethods
    ) -> None:
        self.app = app
        self.admin_origins = frozenset(origin.encode() for origin in admin_origins)
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        admin = cors_group(str(scope["path"])) == "admin"
        if (
            scope["method"] == "OPTIONS"
            and origin is not None
            and _header(scope, b"access-control-request-method") is not None
        ):
            await self._preflight(send, origin, admin)
            return
        if scope["method"] == "OPTIONS":
            allow = self.allowed.for_path(str(scope["path"]))
            if allow is not None:
                await _no_content(send, [(b"allow", allow)])
                return
        if origin is None:
            await self.app(scope, receive, send)
            return
        extra = self._actual_headers(origin, admin)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and extra:
                present = {name for name, _ in message.get("headers", [])}
                added = [(n, v) for n, v in extra if n not in present]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _actual_headers(self, origin: bytes, admin: bool) -> list[tuple[bytes, bytes]]:
        if not admin:
            return list(PUBLIC_CORS_HEADERS)
        if origin in self.admin_origins:
            return [
                (b"access-control-allow-origin", origin),
                (b"access-control-expose-headers", _ADMIN_EXPOSE),
                (b"vary", b"Origin"),
            ]
        return []

    async def _preflight(self, send: Send, origin: bytes, admin: bool) -> None:
        if not admin:
            headers = list(_PUBLIC_PREFLIGHT)
        elif origin in self.admin_origins:
            headers = [
                (b"access-control-allow-origin", origin),
                (b"access-control-allow-methods", _ADMIN_METHODS),
                (b"access-control-allow-headers", _ADMIN_HEADERS),
                (b"access-control-max-age", b"600"),
                (b"vary", b"Origin"),
            ]
        else:
            # No allow headers: the browser refuses the cross-origin admin request.
            headers = [(b"vary", b"Origin")]
        await _no_content(send, headers)


async def _no_content(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
