"""Every error as RFC 9457 ``application/problem+json``, mapped in one place."""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from schema.api import Problem, ProblemFieldError
from schema.text import PATTERN_WORDS
from service.errors import DomainError, FieldError, InvalidInput

PROBLEM_JSON = "application/problem+json"
_MSGSPEC_PATH = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.DOTALL)
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
}
logger = logging.getLogger("service.api.problems")


def field_errors_from_msgspec(error: msgspec.DecodeError) -> InvalidInput:
    """A msgspec decode or validation error as ``InvalidInput`` with the field path it names."""
    match = _MSGSPEC_PATH.match(str(error))
    message = _in_words(match.group("message") if match else str(error))
    path = (match.group("path") if match else None) or "$"
    if isinstance(error, msgspec.ValidationError):
        detail = f"The request body is invalid at `{path}`: {message}."
    else:
        detail = f"The request body is not valid JSON: {message}."
    return InvalidInput(detail, errors=(FieldError(path, message),))


def _in_words(message: str) -> str:
    """msgspec names a failed pattern by its regex; say what the pattern means instead."""
    for pattern, words in PATTERN_WORDS.items():
        if repr(pattern) in message:
            return words
    return message


def _request_id(request: Request[Any, Any, Any]) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return None if value is None else str(value)


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    detail: str,
    title: str | None = None,
    errors: tuple[FieldError, ...] = (),
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    """A problem+json response for this request."""
    problem = Problem(
        type="about:blank",
        title=title or _TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=_request_id(request),
        errors=[ProblemFieldError(path=e.path, message=e.message) for e in errors] or None,
    )
    return Response(problem, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Problem]:
    return problem_response(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers or None,
    )


def _validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Problem]:
    errors: list[FieldError] = []
    if isinstance(exc.extra, list):
        for item in exc.extra:
            if isinstance(item, dict):
                key = str(item.get("key") or item.get("source") or "$")
                errors.append(FieldError(key, str(item.get("message", "invalid value"))))
    named = "; ".join(f"`{e.path}`: {e.message}" for e in errors)
    detail = f"Invalid request: {named}." if named else str(exc.detail)
    return problem_response(
        request, status=400, title="Invalid input", detail=detail, errors=tuple(errors)
    )


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    detail = str(exc.detail)
    if status == 404 and detail in {"", "Not Found"}:
        detail = f"There is nothing at {request.url.path}. See /schema for the API's paths."
    elif status == 413:
        detail = "The request body is larger than the 1 MiB this API accepts."
    return problem_response(request, status=status, detail=detail, headers=exc.headers)


def _unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request,
        status=500,
        detail="Something went wrong on our side; the change, if any, was not applied. "
        "Quote the request id when reporting it.",
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected_error,
}
