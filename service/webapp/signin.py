"""Signing in with an API token (exchanged for a session cookie) and signing out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency

from service.editorial.tokens import authenticate
from service.errors import Unauthorized
from service.handlers.auth import READERS
from service.store.db import ContentDB
from service.webapp.access import Session, WebAccess
from service.webapp.csrf import CSRF_FIELD, SIGN_IN_COOKIE, new_csrf_token, tokens_match
from service.webapp.errors import SIGN_IN
from service.webapp.sessions import (
    COOKIE_NAME,
    COOKIE_PATH,
    SESSION_SECONDS,
    SessionClaims,
)
from service.webapp.views import PREFIX, page, see_other

Db = NamedDependency[ContentDB]
Access = NamedDependency[WebAccess]
SIGN_IN_SECONDS = 60 * 60
# What new_csrf_token makes; any other cookie value is replaced rather than echoed back.
_CSRF_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def is_https(request: Request[Any, Any, Any]) -> bool:
    """Whether the browser reached us over https (directly or through a proxy that says so)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of this app, never another site."""
    home = PREFIX + "/"
    # Printable ASCII only: browsers drop tabs and newlines, and a CR or LF would split headers.
    if not target or not target.isascii() or not target.isprintable() or "\\" in target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(home) or SIGN_IN in parts.path:
        return home
    return target


def _set_cookie(
    response: Response[Any], request: Request[Any, Any, Any], name: str, value: str, age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


class SignInController(Controller):
    """``/admin/sign-in``: the token form and the exchange for a session."""

    path = "/sign-in"

    @get("/", sync_to_thread=False)
    def sign_in_form(self, request: Request[Any, Any, Any], web_access: Access) -> Response[Any]:
        """The sign-in form, with a fresh CSRF pair (hidden field and cookie)."""
        if web_access.session_of(request) is not None:
            return see_other(safe_next(request.query_params.get("next")))
        return self._form(request, status=200, error="")

    def _form(self, request: Request[Any, Any, Any], *, status: int, error: str) -> Response[Any]:
        # Reused while it lasts, so two open sign-in tabs do not invalidate each other.
        kept = request.cookies.get(SIGN_IN_COOKIE, "")
        token = kept if _CSRF_SHAPE.match(kept) else new_csrf_token()
        response = page(
            request,
            "sign_in.html",
            status=status,
            sign_in_csrf=token,
            next=safe_next(request.query_params.get("next")),
            error=error,
        )
        _set_cookie(response, request, SIGN_IN_COOKIE, token, SIGN_IN_SECONDS)
        return response

    @post("/", status_code=303)
    async def sign_in(
        self, request: Request[Any, Any, Any], db: Db, web_access: Access
    ) -> Response[Any]:
        """Exchange a valid token for a session cookie and go on to the page asked for."""
        form = await request.form()
        if not tokens_match(request.cookies.get(SIGN_IN_COOKIE), form.get(CSRF_FIELD)):
            return page(
                request,
                "error.html",
                status=403,
                title="Form expired",
                detail="The sign-in form was stale or not sent from this site. Reload it.",
            )
        token = str(form.get("token", "")).strip()
        try:
            principal = authenticate(db, f"Bearer {token}")
        except Unauthorized:
            return self._form(request, status=400, error="That token is not known or was revoked.")
        signer = web_access.signer
        claims: SessionClaims = signer.issue(principal.token_id, principal.name, principal.role)
        web_access.start(claims)
        response = see_other(safe_next(str(form.get("next", ""))))
        _set_cookie(response, request, COOKIE_NAME, signer.encode(claims), SESSION_SECONDS)
        response.delete_cookie(SIGN_IN_COOKIE, path=COOKIE_PATH)
        return response


class SignOutController(Controller):
    """``/admin/sign-out``: ends the session on the server (revoking the token ends all)."""

    path = "/sign-out"

    @post("/", opt={"roles": READERS}, status_code=303, sync_to_thread=False)
    def sign_out(self, session: Session, web_access: Access) -> Response[Any]:
        """End the session on the server, clear its cookie and show the sign-in form."""
        web_access.end(session)
        response = see_other(SIGN_IN)
        response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)
        return response
