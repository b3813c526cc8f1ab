"""Role guards: every admin handler names the roles it admits in ``opt={"roles": ...}``;
``admin`` is always admitted, and a handler that names none admits only ``admin``, so a new route
fails closed. Tokens themselves are issued and checked in ``service.editorial.tokens``.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from schema.admin import Role
from service.editorial.actor import Actor
from service.editorial.tokens import Principal, authenticate
from service.errors import Forbidden
from service.store.db import ContentDB

EDITORS: tuple[Role, ...] = ("editor",)
REVIEWERS: tuple[Role, ...] = ("reviewer",)
READERS: tuple[Role, ...] = ("editor", "reviewer")
ADMINS: tuple[Role, ...] = ()
PRINCIPAL_KEY = "principal"
# Preview routes take a preview token (POST /v1/admin/preview-tokens) in the same header.
SECURITY_PREVIEW: list[dict[str, list[str]]] = [{"BearerToken": []}]


def roles_of(route_handler: BaseRouteHandler) -> tuple[Role, ...]:
    """The roles a handler admits besides ``admin``."""
    roles: tuple[Role, ...] = route_handler.opt.get("roles", ADMINS)
    return roles


def require_role(
    connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler
) -> None:
    """Guard: authenticate the token, then admit ``admin`` and the handler's roles (else 403)."""
    db: ContentDB = connection.app.state["db"]
    principal = authenticate(db, connection.headers.get("authorization"))
    allowed = roles_of(route_handler)
    if principal.role != "admin" and principal.role not in allowed:
        needed = " or ".join(f"`{role}`" for role in (*allowed, "admin"))
        raise Forbidden(
            f"This needs the role {needed}; the token of {principal.name} has `{principal.role}`."
        )
    connection.scope.setdefault("state", {})[PRINCIPAL_KEY] = principal


def provide_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The acting person for the workflow: the guard's principal and this request's id."""
    state = request.scope.get("state", {})
    principal: Principal = state[PRINCIPAL_KEY]
    request_id = state.get("request_id")
    return Actor(name=principal.name, role=principal.role, request_id=request_id)
