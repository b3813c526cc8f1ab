"""The security headers of every web app response, error pages and redirects included.

A middleware on the ``/admin`` router sees each response after its exception handlers ran, so
no page escapes. A response that states its own policy (the sandboxed preview frames) keeps it.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
# The preview frames show channel renders as sent: the email's inline styles, remote images.
# Nothing in them may run, submit or navigate; only the admin page itself may frame them.
FRAME_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox"
)
NO_STORE = b"no-store"
STATIC_PREFIX = "/admin/static/"
_FIXED = (
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
)
_CSP = b"content-security-policy"
_CACHE = b"cache-control"


def secure_headers(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response's headers with the policy added, and exactly one ``Cache-Control``."""
    names = {name.lower() for name, _ in headers}
    kept = [(n, v) for n, v in headers if n.lower() != _CACHE]
    cache = [v for n, v in headers if n.lower() == _CACHE]
    # Static files say how long they keep; every page is private and current.
    chosen = cache[0] if path.startswith(STATIC_PREFIX) and cache else NO_STORE
    added = [(n, v) for n, v in _FIXED if n not in names]
    if _CSP not in names:
        added.append((_CSP, CSP.encode()))
    return [*kept, *added, (_CACHE, chosen)]


class SecurityHeaders(ASGIMiddleware):
    """Adds the admin pages' security headers to every HTTP response under the router."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Rewrite the response start's headers on the way out."""
        path = str(scope["path"])

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = secure_headers(path, list(message.get("headers", [])))
            await send(message)

        await next_app(scope, receive, send_secured)
