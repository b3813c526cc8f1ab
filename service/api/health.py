"""Liveness and readiness probes."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from schema.base import Model
from service.errors import DomainError
from service.store.db import ContentDB
from service.store.migrations import MIGRATIONS, DatabaseUnavailable, check_schema_version


class HealthStatus(Model, frozen=True, omit_defaults=True):
    """A probe's answer."""

    status: str
    schema_version: int | None = None


class NotReady(DomainError):
    """The service cannot serve content yet."""

    status = 503
    title = "Service unavailable"


class HealthController(Controller):
    """``/healthz``: the process answers; ``/readyz``: the database answers too."""

    tags = ["operations"]  # noqa: RUF012

    @get("/healthz", sync_to_thread=False, summary="Liveness probe")
    def healthz(self) -> HealthStatus:
        """The process is up."""
        return HealthStatus(status="ok")

    @get("/readyz", sync_to_thread=False, summary="Readiness probe")
    def readyz(self, db: NamedDependency[ContentDB]) -> HealthStatus:
        """The database answers and carries the expected schema."""
        try:
            version = check_schema_version(db)
        except DatabaseUnavailable as error:
            raise NotReady(f"The database does not answer: {error}") from None
        if version != len(MIGRATIONS):
            raise NotReady(f"The database schema is at version {version}, not {len(MIGRATIONS)}.")
        return HealthStatus(status="ready", schema_version=version)
