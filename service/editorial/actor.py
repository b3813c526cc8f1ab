"""Who is acting, and the audit row every action writes in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.store import audit
from service.store.db import Connection


@dataclass(frozen=True)
class Actor:
    """The person behind a request (a token's name and role), or the scheduler on their behalf."""

    name: str
    role: str
    request_id: str | None = None


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    *,
    article: str | None,
    revision: int | None,
    detail: str,
    at: datetime,
) -> None:
    """Append the audit row of an action inside the action's transaction."""
    audit.insert_audit(
        conn,
        at=at,
        actor=actor.name,
        role=actor.role,
        action=action,
        article=article,
        revision=revision,
        request_id=actor.request_id,
        detail=detail,
    )
