"""Admin routes of trust: reviewer profiles and the review queue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import PathParameter, QueryParameter

from schema.trust import ReviewerCreate, ReviewerList, ReviewerPatch, ReviewerProfile, ReviewQueue
from service.api.admin.common import LOCATION_HEADER, admin_route, body
from service.api.admin.docs import problems
from service.editorial import cadence, reviewers
from service.handlers.auth import ADMINS, READERS
from service.handlers.params import Db, Who
from service.store.codec import utc_now

ReviewerId = Annotated[
    int, PathParameter(description="A reviewer profile's id.", ge=1, le=1_000_000_000)
]
DueBefore = Annotated[
    date | None,
    QueryParameter(description="List reviews due before this date (default: 30 days from today)."),
]
QUEUE_DAYS = 30


class ReviewerController(Controller):
    """``/v1/admin/reviewers``: the people who may sign content off."""

    path = "/reviewers"
    tags = ["admin: trust"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        post,
        "/",
        ADMINS,
        "Add a reviewer profile",
        problems(409, 413),
        response_headers=[LOCATION_HEADER],
    )
    def create_reviewer(
        self,
        db: Db,
        actor: Who,
        data: Annotated[ReviewerCreate, body("The reviewer and their registration.")],
    ) -> Response[ReviewerProfile]:
        """Admin: `name` is the name the reviewer's tokens carry."""
        created = reviewers.create_reviewer(db, actor, data)
        location = f"/v1/admin/reviewers/{created.id}"
        return Response(created, status_code=201, headers={"Location": location})

    @admin_route(
        get,
        "/",
        READERS,
        "List reviewer profiles",
        problems(),
    )
    def list_reviewers(self, db: Db) -> ReviewerList:
        """Every profile, with whether its registration is current today."""
        return ReviewerList(reviewers=reviewers.list_reviewers(db))

    @admin_route(
        get,
        "/{reviewer_id:int}",
        READERS,
        "Get a reviewer profile",
        problems(404),
    )
    def get_reviewer(self, db: Db, reviewer_id: ReviewerId) -> ReviewerProfile:
        """One profile."""
        return reviewers.get_reviewer(db, reviewer_id)

    @admin_route(
        patch,
        "/{reviewer_id:int}",
        ADMINS,
        "Change a reviewer profile",
        problems(404, 409, 413),
    )
    def update_reviewer(
        self,
        db: Db,
        actor: Who,
        reviewer_id: ReviewerId,
        data: Annotated[ReviewerPatch, body("Only the fields present change.")],
    ) -> ReviewerProfile:
        """Admin: a renewed registration is a new `registration_expires`."""
        return reviewers.update_reviewer(db, actor, reviewer_id, data)

    @admin_route(
        delete,
        "/{reviewer_id:int}",
        ADMINS,
        "Delete a reviewer profile",
        problems(404),
        status_code=204,
    )
    def delete_reviewer(self, db: Db, actor: Who, reviewer_id: ReviewerId) -> None:
        """Admin: they can no longer approve; reviews they signed keep their byline."""
        reviewers.delete_reviewer(db, actor, reviewer_id)


class ReviewQueueController(Controller):
    """``/v1/admin/reviews``: the queue a medical team works from."""

    path = "/reviews"
    tags = ["admin: trust"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        get,
        "/",
        READERS,
        "List live articles due for review",
        problems(),
    )
    def list_reviews(self, db: Db, due_before: DueBefore = None) -> ReviewQueue:
        """Soonest first; `review_overdue` once the due date has come and was announced."""
        before = due_before or utc_now().date() + timedelta(days=QUEUE_DAYS)
        return ReviewQueue(due_before=before, reviews=cadence.reviews_due(db, before))
