"""Settings, read from the environment once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_RETRY_SCHEDULE: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000)


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _parse_int(name: str, raw: str, minimum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _parse_rate_limit(raw: str) -> int | None:
    """``off`` disables rate limiting; otherwise requests per minute per client and route group."""
    if raw.strip().lower() in {"off", "0", "false", "none"}:
        return None
    return _parse_int("RATE_LIMIT", raw, 1)


def _parse_log_level(raw: str) -> str:
    level = raw.strip().lower()
    if level not in {"debug", "info", "warning", "error"}:
        raise SettingsError(f"LOG_LEVEL must be debug, info, warning or error, not {raw!r}")
    return level


def _parse_schedule(raw: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(
            f"WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, not {raw!r}"
        ) from None
    if not values or any(value < 0 for value in values):
        raise SettingsError("WEBHOOK_RETRY_SCHEDULE needs at least one non-negative number")
    return values


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment, with defaults for local use."""

    host: str = "127.0.0.1"
    port: int = 8000
    content_db: Path = Path("data/content.db")
    workers: int = 1
    rate_limit_per_minute: int | None = 600
    allow_private_webhooks: bool = False
    webhook_retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    public_base_url: str = "http://127.0.0.1:8000"
    admin_origins: tuple[str, ...] = field(default_factory=tuple)
    max_body_bytes: int = 1024 * 1024
    log_level: str = "info"
    # How long access-log lines gather before one write (they are flushed on shutdown too).
    log_batch_ms: int = 5
    # Bytes of prepared public responses each worker keeps in memory (see docs/scaling.md).
    response_cache_mb: int = 256
    # Litestream: on when the server runs under it (`python -m service replicate`, which sets
    # REPLICATION=true for its child); a path or file:// URL is a directory replica, else s3://.
    replication: bool = False
    replica_url: str = "data/replica"
    replication_lag_limit_s: float = 30.0
    # Tests only: a file holding an ISO-8601 instant the scheduler takes as "now" (when the file
    # is missing, the real clock), so a test can move time past a review's due date.
    scheduler_clock_file: Path | None = None
    # Where the web app opens a draft on the real site: `{slug}` and `{token}` are filled in.
    preview_url_template: str | None = None
    stream_heartbeat_s: float = 15.0
    stream_subscribers_per_client: int = 4

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``environ`` (the process environment by default)."""
        env = os.environ if environ is None else environ
        host = env.get("HOST", "127.0.0.1")
        port = _parse_int("PORT", env.get("PORT", "8000"), 1)
        return cls(
            host=host,
            port=port,
            content_db=Path(env.get("CONTENT_DB", "data/content.db")),
            workers=_parse_int("WORKERS", env.get("WORKERS", "1"), 1),
            rate_limit_per_minute=_parse_rate_limit(env.get("RATE_LIMIT", "600")),
            allow_private_webhooks=_parse_bool(
                "ALLOW_PRIVATE_WEBHOOKS", env.get("ALLOW_PRIVATE_WEBHOOKS", "false")
            ),
            webhook_retry_schedule=_parse_schedule(
                env.get(
                    "WEBHOOK_RETRY_SCHEDULE", ",".join(f"{s:g}" for s in DEFAULT_RETRY_SCHEDULE)
                )
            ),
            public_base_url=env.get("PUBLIC_BASE_URL", f"http://{host}:{port}").rstrip("/"),
            log_level=_parse_log_level(env.get("LOG_LEVEL", "info")),
            log_batch_ms=_parse_int("LOG_BATCH_MS", env.get("LOG_BATCH_MS", "5"), 1),
            response_cache_mb=_parse_int(
                "RESPONSE_CACHE_MB", env.get("RESPONSE_CACHE_MB", "256"), 1
            ),
            replication=_parse_bool("REPLICATION", env.get("REPLICATION", "false")),
            replica_url=env.get("REPLICA_URL", "data/replica"),
            replication_lag_limit_s=float(
                _parse_int("REPLICATION_LAG_LIMIT", env.get("REPLICATION_LAG_LIMIT", "30"), 1)
            ),
            scheduler_clock_file=(
                Path(env["SCHEDULER_CLOCK_FILE"]) if env.get("SCHEDULER_CLOCK_FILE") else None
            ),
            preview_url_template=env.get("PREVIEW_URL_TEMPLATE") or None,
            stream_heartbeat_s=float(
                _parse_int("STREAM_HEARTBEAT", env.get("STREAM_HEARTBEAT", "15"), 1)
            ),
            stream_subscribers_per_client=_parse_int(
                "STREAM_SUBSCRIBERS_PER_CLIENT", env.get("STREAM_SUBSCRIBERS_PER_CLIENT", "4"), 1
            ),
            admin_origins=tuple(
                origin.strip()
                for origin in env.get("ADMIN_ORIGINS", "").split(",")
                if origin.strip()
            ),
        )
