"""CSRF tokens: one per session (in the signed cookie), sent back in a form field or a header.

Forms carry it in a hidden ``_csrf`` field, HTMX requests in ``X-CSRF-Token`` (set once on
``<body hx-headers>``). The sign-in form, which has no session yet, pairs its hidden field with
a short-lived cookie instead (double submit); ``SameSite=Strict`` keeps other sites from
sending either.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar import Request

CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_COOKIE = "hc_sign_in"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_csrf_token() -> str:
    """A fresh unguessable token."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing value on either side never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


async def submitted_token(request: Request[Any, Any, Any]) -> str | None:
    """The token a request sent: the header first (HTMX), else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None
