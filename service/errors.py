"""The one hierarchy of domain errors; ``service.api.problems`` maps each to problem+json."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One invalid field: its JSON path (like ``$.therapies[0].dose``) and what is wrong."""

    path: str
    message: str


class DomainError(Exception):
    """Base of every error the service answers deliberately."""

    status = 400
    title = "Bad request"
    headers: dict[str, str] = {}  # noqa: RUF012 - read-only per class: headers of the answer

    def __init__(self, detail: str, *, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


# The errors below are alike by design: a class per answer (status, title) so callers
# raise and catch by name; declared, not generated.
class InvalidInput(DomainError):
    """The request is malformed or fails validation."""

    status = 400
    title = "Invalid input"


class Unauthorized(DomainError):
    """No valid credentials."""

    status = 401
    title = "Unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="admin"'}  # noqa: RUF012


class Forbidden(DomainError):
    """Valid credentials that may not do this."""

    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    """The named resource does not exist (or is not public)."""

    status = 404
    title = "Not found"


class Conflict(DomainError):
    """The request conflicts with the resource's current state."""

    status = 409
    title = "Conflict"


class UnsupportedMediaType(DomainError):
    """A body sent as something other than JSON to a JSON endpoint."""

    status = 415
    title = "Unsupported media type"


class PreconditionFailed(DomainError):
    """``If-Match`` names a version that is no longer current."""

    status = 412
    title = "Precondition failed"


class StorageUnavailable(DomainError):
    """The database cannot be written (or read) now: a read-only file, a full disk, an I/O error."""

    status = 503
    title = "Service unavailable"


class PreconditionRequired(DomainError):
    """A write that needs ``If-Match`` came without it."""

    status = 428
    title = "Precondition required"


class TooManyRequests(DomainError):
    """The client holds as many of a bounded resource (live streams) as it may."""

    status = 429
    title = "Too many requests"
    headers = {"Retry-After": "5"}  # noqa: RUF012
