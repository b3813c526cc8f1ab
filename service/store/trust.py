"""Reviewer profiles, the review queue and the reviews falling due: their SQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from schema.trust import ReviewDue, ReviewerCreate, ReviewerProfile
from service.store.codec import decode_fields, decode_review, format_time, parse_time

_PROFILE_SELECT = (
    "SELECT id, name, credentials, registering_body, registration_number, registration_expires, "
    "competing_interests, is_placeholder, created_at, updated_at FROM reviewers "
)


def _profile(row: tuple[Any, ...], today: date) -> ReviewerProfile:
    expires = None if row[5] is None else date.fromisoformat(str(row[5]))
    is_placeholder = bool(row[7])
    return ReviewerProfile(
        id=int(row[0]),
        name=str(row[1]),
        credentials=str(row[2]),
        registering_body=str(row[3]),
        registration_number=str(row[4]),
        registration_expires=expires,
        competing_interests=str(row[6]),
        is_placeholder=is_placeholder,
        is_current=not is_placeholder and expires is not None and expires >= today,
        created_at=parse_time(str(row[8])),
        updated_at=parse_time(str(row[9])),
    )


def list_reviewers(conn: sqlite3.Connection, today: date) -> list[ReviewerProfile]:
    """Every reviewer profile, by name."""
    rows = conn.execute(_PROFILE_SELECT + "ORDER BY name, id").fetchall()
    return [_profile(row, today) for row in rows]


def get_reviewer(conn: sqlite3.Connection, reviewer_id: int, today: date) -> ReviewerProfile | None:
    """One profile by id."""
    row = conn.execute(_PROFILE_SELECT + "WHERE id = ?", (reviewer_id,)).fetchone()
    return None if row is None else _profile(row, today)


def get_reviewer_by_name(
    conn: sqlite3.Connection, name: str, today: date
) -> ReviewerProfile | None:
    """The profile of the person whose tokens carry ``name``."""
    row = conn.execute(_PROFILE_SELECT + "WHERE name = ?", (name,)).fetchone()
    return None if row is None else _profile(row, today)


def insert_reviewer(
    conn: sqlite3.Connection, body: ReviewerCreate, at: datetime, *, is_placeholder: bool = False
) -> int:
    """Add a profile and return its id (the caller checks the name is free)."""
    cursor = conn.execute(
        "INSERT INTO reviewers (name, credentials, registering_body, registration_number, "
        "registration_expires, competing_interests, is_placeholder, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            body.name,
            body.credentials,
            body.registering_body,
            body.registration_number,
            None if is_placeholder else body.registration_expires.isoformat(),
            body.competing_interests,
            int(is_placeholder),
            format_time(at),
            format_time(at),
        ),
    )
    return int(cursor.lastrowid or 0)


def update_reviewer(
    conn: sqlite3.Connection, reviewer_id: int, changes: dict[str, Any], at: datetime
) -> None:
    """Change some columns of a profile (names are the Struct's, so the caller's own)."""
    values = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in changes.items()
    }
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(
        f"UPDATE reviewers SET {assignments}, updated_at = ? WHERE id = ?",
        (*values.values(), format_time(at), reviewer_id),
    )


def delete_reviewer(conn: sqlite3.Connection, reviewer_id: int) -> bool:
    """Remove a profile; reviews already signed keep the name and credentials they recorded."""
    return conn.execute("DELETE FROM reviewers WHERE id = ?", (reviewer_id,)).rowcount > 0


# The due date lives in the live revision's review (JSON); text order of ISO dates is date order.
_DUE = "json_extract(r.review, '$.next_review_due')"
_ANNOUNCED = (
    "EXISTS (SELECT 1 FROM events e WHERE e.article_id = a.id AND e.action = 'review_due' "
    "AND e.revision = a.live_revision)"
)
_QUEUE_SELECT = (
    f"SELECT a.slug, r.number, r.fields, r.review, {_ANNOUNCED} FROM articles a "
    "JOIN revisions r ON r.article_id = a.id AND r.number = a.live_revision "
)


def list_reviews_due(conn: sqlite3.Connection, before: date) -> list[ReviewDue]:
    """Live articles whose next review is due before ``before`` (or has no date), soonest first."""
    rows = conn.execute(
        _QUEUE_SELECT + f"WHERE {_DUE} IS NULL OR {_DUE} < ? ORDER BY {_DUE}, a.slug",
        (before.isoformat(),),
    ).fetchall()
    queue = []
    for slug, number, fields_json, review_json, announced in rows:
        review = decode_review(str(review_json))
        queue.append(
            ReviewDue(
                slug=str(slug),
                title=decode_fields(str(fields_json)).title,
                revision=int(number),
                reviewed_by=review.reviewed_by.name,
                reviewed_at=review.reviewed_at,
                next_review_due=review.next_review_due,
                review_overdue=bool(announced),
            )
        )
    return queue


@dataclass(frozen=True)
class FallingDue:
    """A live revision whose review date has come and was not yet announced."""

    article_id: int
    slug: str
    revision: int
    due: date


def list_unannounced_due(conn: sqlite3.Connection, today: date) -> list[FallingDue]:
    """Live revisions due for review on or before ``today`` whose due date nobody announced."""
    rows = conn.execute(
        "SELECT a.id, a.slug, r.number, " + _DUE + " FROM articles a JOIN revisions r "
        "ON r.article_id = a.id AND r.number = a.live_revision "
        f"WHERE {_DUE} <= ? AND NOT {_ANNOUNCED} ORDER BY {_DUE}, a.id",
        (today.isoformat(),),
    ).fetchall()
    return [FallingDue(int(i), str(s), int(n), date.fromisoformat(str(d))) for i, s, n, d in rows]


def next_unannounced_due(conn: sqlite3.Connection) -> date | None:
    """The soonest review date of a live revision not yet announced."""
    row = conn.execute(
        f"SELECT min({_DUE}) FROM articles a JOIN revisions r "
        "ON r.article_id = a.id AND r.number = a.live_revision "
        f"WHERE {_DUE} IS NOT NULL AND NOT {_ANNOUNCED}"
    ).fetchone()
    return None if row is None or row[0] is None else date.fromisoformat(str(row[0]))
