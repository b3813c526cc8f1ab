"""Who may use a page: the signed session, its token still active, CSRF on writes, the role.

Every handler names the roles it admits in ``opt={"roles": ...}`` exactly as the JSON admin
API does (``admin`` always admitted, none named means admin only), so the server refuses a
forged request whatever buttons the page showed.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler

from schema.admin import Role
from service.editorial.actor import Actor
from service.errors import Forbidden
from service.handlers.auth import roles_of
from service.store import sessions
from service.store.db import ContentDB
from service.webapp.csrf import SAFE_METHODS, submitted_token, tokens_match
from service.webapp.sessions import (
    COOKIE_NAME,
    SessionClaims,
    SessionSigner,
    is_token_active,
    session_id_hash,
)

SESSION_KEY = "web_session"
ACCESS_KEY = "web_access"
FLASH_KEY = "web_flash"
Session = NamedDependency[SessionClaims]


class SignInRequired(Exception):
    """No valid session: pages redirect to sign-in, writes are refused (403)."""


class CsrfRejected(Exception):
    """A write without the session's CSRF token (403)."""


def can(role: str, roles: tuple[Role, ...]) -> bool:
    """Whether a role may do what ``roles`` (and ``admin``) may."""
    return role == "admin" or role in roles


class WebAccess:
    """The guard of every signed-in page, holding the session signer and the sessions on record."""

    def __init__(self, signer: SessionSigner, store: sessions.SessionStore) -> None:
        self.signer = signer
        self.store = store

    def _lookup(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> tuple[SessionClaims, str | None] | None:
        claims = self.signer.decode(connection.cookies.get(COOKIE_NAME))
        if claims is None:
            return None
        id_hash = session_id_hash(claims.sid)
        row = sessions.find_session(self.store, id_hash, int(time.time()))
        if row is None or row.token_id != claims.token_id:
            return None
        db: ContentDB = connection.app.state["db"]
        if not is_token_active(db, claims):
            sessions.end_session(self.store, id_hash)  # revoked: forgotten here too, for good
            return None
        return claims, row.flash

    def session_of(self, connection: ASGIConnection[Any, Any, Any, Any]) -> SessionClaims | None:
        """The claims of the request's session cookie when genuine, on record and still active."""
        found = self._lookup(connection)
        return None if found is None else found[0]

    def start(self, claims: SessionClaims) -> None:
        """Put a new session on record (at sign-in)."""
        now = int(time.time())
        sessions.create_session(
            self.store, session_id_hash(claims.sid), claims.token_id, claims.expires, now
        )

    def end(self, claims: SessionClaims) -> None:
        """Take a session off the record (at sign-out): its cookie no longer signs anyone in."""
        sessions.end_session(self.store, session_id_hash(claims.sid))

    def flash(self, claims: SessionClaims, message: str) -> None:
        """Keep a notice for the session's next page (the server's words, never the URL's)."""
        sessions.set_flash(self.store, session_id_hash(claims.sid), message)

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler
    ) -> None:
        """Guard: session, then CSRF for writes, then role; the session is kept for the handler."""
        found = self._lookup(connection)
        if found is None:
            raise SignInRequired()
        claims, notice = found
        if connection.scope.get("method", "GET") not in SAFE_METHODS:
            given = await submitted_token(connection) if isinstance(connection, Request) else None
            if not tokens_match(claims.csrf, given):
                raise CsrfRejected()
        allowed = roles_of(route_handler)
        if not can(claims.role, allowed):
            needed = " or ".join((*allowed, "admin"))
            raise Forbidden(f"This needs the role {needed}; you are signed in as {claims.role}.")
        state = connection.scope.setdefault("state", {})
        state[SESSION_KEY] = claims
        state[ACCESS_KEY] = self
        # Shown once, on the next whole page (an HTMX fragment has no place for it).
        if notice and connection.scope.get("method") == "GET" and not _is_htmx(connection):
            state[FLASH_KEY] = notice
            sessions.clear_flash(self.store, session_id_hash(claims.sid))


def _is_htmx(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return connection.headers.get("hx-request") == "true"


def flash(request: Request[Any, Any, Any], message: str) -> None:
    """Keep a notice for the signed-in session's next page."""
    state = request.scope["state"]
    access: WebAccess = state[ACCESS_KEY]
    access.flash(state[SESSION_KEY], message)


def provide_session(request: Request[Any, Any, Any]) -> SessionClaims:
    """The guard's session claims."""
    claims: SessionClaims = request.scope["state"][SESSION_KEY]
    return claims


def provide_web_actor(request: Request[Any, Any, Any]) -> Actor:
    """The acting person for the workflow: the session's name and role, this request's id."""
    state = request.scope["state"]
    claims: SessionClaims = state[SESSION_KEY]
    return Actor(name=claims.name, role=claims.role, request_id=state.get("request_id"))
