"""Who may use a page: the signed session, its token still active, CSRF on writes, the role.

Every handler names the roles it admits in ``opt={"roles": ...}`` exactly as the JSON admin
API does (``admin`` always admitted, none named means admin only), so the server refuses a
forged request whatever buttons the page showed.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from schema.admin import Role
from service.editorial.actor import Actor
from service.errors import Forbidden
from service.handlers.auth import roles_of
from service.store.db import ContentDB
from service.webapp.csrf import SAFE_METHODS, submitted_token, tokens_match
from service.webapp.sessions import COOKIE_NAME, SessionClaims, SessionSigner, is_token_active

SESSION_KEY = "web_session"


class SignInRequired(Exception):
    """No valid session: pages redirect to sign-in, writes are refused (403)."""


class CsrfRejected(Exception):
    """A write without the session's CSRF token (403)."""


def can(role: str, roles: tuple[Role, ...]) -> bool:
    """Whether a role may do what ``roles`` (and ``admin``) may."""
    return role == "admin" or role in roles


class WebAccess:
    """The guard of every signed-in page, holding the session signer."""

    def __init__(self, signer: SessionSigner) -> None:
        self.signer = signer

    def session_of(self, connection: ASGIConnection[Any, Any, Any, Any]) -> SessionClaims | None:
        """The claims of the request's session cookie when genuine, unexpired and still active."""
        claims = self.signer.decode(connection.cookies.get(COOKIE_NAME))
        db: ContentDB = connection.app.state["db"]
        if claims is None or not is_token_active(db, claims):
            return None
        return claims

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler
    ) -> None:
        """Guard: session, then CSRF for writes, then role; the session is kept for the handler."""
        claims = self.session_of(connection)
        if claims is None:
            raise SignInRequired()
        if connection.scope.get("method", "GET") not in SAFE_METHODS:
            given = await submitted_token(connection) if isinstance(connection, Request) else None
            if not tokens_match(claims.csrf, given):
                raise CsrfRejected()
        allowed = roles_of(route_handler)
        if not can(claims.role, allowed):
            needed = " or ".join((*allowed, "admin"))
            raise Forbidden(f"This needs the role {needed}; you are signed in as {claims.role}.")
        connection.scope.setdefault("state", {})[SESSION_KEY] = claims


def provide_session(request: Request[Any, Any, Any]) -> SessionClaims:
    """The guard's session claims."""
    claims: SessionClaims = request.scope["state"][SESSION_KEY]
    return claims


def provide_web_actor(request: Request[Any, Any, Any]) -> Actor:
    """The acting person for the workflow: the session's name and role, this request's id."""
    state = request.scope["state"]
    claims: SessionClaims = state[SESSION_KEY]
    return Actor(name=claims.name, role=claims.role, request_id=state.get("request_id"))
