"""Errors of the web app as pages (or, for HTMX, as an alert in the page's status region)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

from service.errors import DomainError
from service.webapp.access import CsrfRejected, SignInRequired
from service.webapp.csrf import SAFE_METHODS
from service.webapp.views import PREFIX, is_htmx, page, see_other

logger = logging.getLogger("service.webapp")
SIGN_IN = f"{PREFIX}/sign-in"


def sign_in_url(request: Request[Any, Any, Any]) -> str:
    """The sign-in page, coming back to this page afterwards."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{SIGN_IN}?{urlencode({'next': back})}"


def _error_page(
    request: Request[Any, Any, Any], status: int, title: str, detail: str
) -> Response[Any]:
    if is_htmx(request):
        # Shown in the layout's live region rather than in place of the form that was sent.
        response = page(request, "_alert.html", status=status, title=title, detail=detail)
        response.headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
        return response
    return page(request, "error.html", status=status, title=title, detail=detail)


def _sign_in_required(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    if is_htmx(request):
        return Response(b"", status_code=403, headers={"HX-Redirect": sign_in_url(request)})
    if request.method in SAFE_METHODS:
        return see_other(sign_in_url(request))
    return _error_page(
        request, 403, "Signed out", "Your session has ended or was revoked: sign in again."
    )


def _csrf_rejected(request: Request[Any, Any, Any], exc: CsrfRejected) -> Response[Any]:
    return _error_page(
        request,
        403,
        "Form expired",
        "This form was not sent from your current session (or was forged). "
        "Reload the page and try again.",
    )


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return _error_page(request, exc.status, exc.title, exc.detail)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    detail = str(exc.detail) if exc.detail else "That did not work."
    return _error_page(request, exc.status_code, "Not possible", detail)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_page(
        request, 500, "Something went wrong", "Nothing was changed. Quote the request id if it "
        f"happens again: {request.scope.get('state', {}).get('request_id', '')}."
    )  # fmt: skip


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SignInRequired: _sign_in_required,
    CsrfRejected: _csrf_rejected,
    DomainError: _domain_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
