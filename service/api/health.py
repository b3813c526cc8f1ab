"""Liveness and readiness probes."""

from __future__ import annotations

import sqlite3

from litestar import Controller, get
from litestar.di import NamedDependency

from schema.base import Model
from service.config import Settings
from service.errors import DomainError
from service.store.db import ContentDB
from service.store.migrations import MIGRATIONS, schema_version
from service.store.replication import replication_lag


class HealthStatus(Model, frozen=True, omit_defaults=True):
    """A probe's answer."""

    status: str
    schema_version: int | None = None
    replication_lag_s: float | None = None


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
    def readyz(
        self, db: NamedDependency[ContentDB], settings: NamedDependency[Settings]
    ) -> HealthStatus:
        """The database answers, carries the expected schema, and its replica keeps up."""
        try:
            version = schema_version(db)
        except sqlite3.Error as error:
            raise NotReady(f"The database does not answer: {error}") from None
        if version != len(MIGRATIONS):
            raise NotReady(f"The database schema is at version {version}, not {len(MIGRATIONS)}.")
        lag = replication_lag(settings)
        if lag is not None and lag > settings.replication_lag_limit_s:
            raise NotReady(
                f"Replication lags {lag:.1f}s behind the database, over the "
                f"{settings.replication_lag_limit_s:g}s limit (REPLICATION_LAG_LIMIT)."
            )
        return HealthStatus(status="ready", schema_version=version, replication_lag_s=lag)
