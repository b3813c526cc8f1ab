"""Reviewer profiles for tests, written as an admin would keep them (through editorial)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from schema.trust import ReviewerCreate
from service.editorial.actor import Actor
from service.editorial.reviewers import create_reviewer
from service.startup import prepare_database
from service.store import trust
from service.store.db import ContentDB

ADMIN = Actor(name="test admin", role="admin")


def ensure_reviewer_profile(database: Path, name: str, *, expires: date | None = None) -> None:
    """Give ``name`` a reviewer profile (current for a year unless ``expires``), if none yet."""
    db = ContentDB(database)
    try:
        prepare_database(db)
        with db.read() as conn:
            if trust.get_reviewer_by_name(conn, name, date.today()) is not None:
                return
        body = ReviewerCreate(
            name=name,
            credentials="MD, Psychiatry",
            registering_body="GMC",
            registration_number="7000001",
            registration_expires=expires or date.today() + timedelta(days=365),
            competing_interests="None declared.",
        )
        create_reviewer(db, ADMIN, body)
    finally:
        db.close()
