"""Liveness and readiness probes."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from schema.base import Model
from service.config import Settings
from service.errors import DomainError, StorageUnavailable
from service.store.db import ContentDB, free_bytes
from service.store.migrations import MIGRATIONS, DatabaseUnavailable, check_schema_version
from service.store.replication import replication_lag

# Below this, a publish (a revision, its event, audit row and WAL frames) may not fit.
MIN_FREE_BYTES = 1 << 20


class HealthStatus(Model, frozen=True, omit_defaults=True):
    """A probe's answer."""

    status: str
    schema_version: int | None = None
    replication_lag_s: float | None = None


class NotReady(DomainError):
    """The service cannot serve content yet."""

    status = 503
    title = "Service unavailable"


def _check_writable(db: ContentDB) -> None:
    """``NotReady`` unless a write can begin and the disk has room for one."""
    try:
        db.check_writable()
    except StorageUnavailable as error:
        raise NotReady(error.detail) from None
    free = free_bytes(db)
    if free < MIN_FREE_BYTES:
        raise NotReady(
            f"The disk holding {db.path} has {free // 1024} KiB free: writes will fail. "
            "Free some space."
        )


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
        """The database answers, carries the expected schema, can be written, and its replica
        keeps up."""
        try:
            version = check_schema_version(db)
        except DatabaseUnavailable as error:
            raise NotReady(f"The database does not answer: {error}") from None
        if version != len(MIGRATIONS):
            raise NotReady(f"The database schema is at version {version}, not {len(MIGRATIONS)}.")
        _check_writable(db)
        lag = replication_lag(settings)
        if lag is not None and lag > settings.replication_lag_limit_s:
            raise NotReady(
                f"Replication lags {lag:.1f}s behind the database, over the "
                f"{settings.replication_lag_limit_s:g}s limit (REPLICATION_LAG_LIMIT)."
            )
        return HealthStatus(status="ready", schema_version=version, replication_lag_s=lag)
