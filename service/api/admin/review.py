"""Admin routes of review and going live: submit, approve, reject, publish, unpublish, rollback."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, post

from schema.admin import ApproveRequest, LiveChange, PublishRequest, RejectRequest, RollbackRequest
from schema.article import Draft
from service.api.admin.common import ETAG_HEADER, IfMatch, admin_route, body, draft_response
from service.api.admin.docs import OptionalBodyOperation, also, problems, with_example
from service.api.openapi_docs import json_response
from service.editorial import live, review
from service.handlers.auth import EDITORS, REVIEWERS
from service.handlers.params import Db, Slug, Who

REPUBLISHED = {
    "article": "ketamine-therapy-for-anxiety",
    "action": "republished",
    "revision": 3,
    "sections_changed": ["intro", "therapy-types"],
    "at": "2026-03-02T07:00:00+00:00",
}
PAST_SCHEDULE = {
    "type": "about:blank",
    "title": "Invalid input",
    "status": 400,
    "detail": "The time to publish at (2020-01-01T07:00:00+00:00) is in the past (it is "
    "2026-03-02T07:00:00+00:00 now): choose a later time, or publish now.",
    "errors": [{"path": "$.at", "message": "in the past"}],
}


class ReviewController(Controller):
    """``/v1/admin/articles/{slug}``: the draft's review and the live revision."""

    path = "/articles/{slug:str}"
    tags = ["admin: review and publishing"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        post,
        "/draft/submit",
        EDITORS,
        "Submit the draft for review",
        problems(404, 409, 412),
        status_code=200,
        response_headers=[ETAG_HEADER],
    )
    def submit(self, db: Db, actor: Who, slug: Slug, if_match: IfMatch) -> Response[Draft]:
        """Editor: `draft` -> `in_review`. `If-Match` is optional here (checked when sent)."""
        return draft_response(review.submit(db, actor, slug, if_match))

    @admin_route(
        post,
        "/draft/approve",
        REVIEWERS,
        "Approve the draft under review",
        problems(404, 409, 412, 413, 428),
        status_code=200,
        operation_class=OptionalBodyOperation,
        response_headers=[ETAG_HEADER],
    )
    def approve(
        self,
        db: Db,
        actor: Who,
        slug: Slug,
        if_match: IfMatch,
        data: Annotated[
            ApproveRequest | None,
            body("Optional: `next_review_due` (default: the article's interval)."),
        ] = None,
    ) -> Response[Draft]:
        """Reviewer: `in_review` -> `approved`. `If-Match` must name the draft as read; nobody
        who edited the draft may approve it, nor anyone without a current reviewer profile
        (403, saying why: no profile, a placeholder, or an expired registration). The byline's
        credentials are the profile's; when it has none, `credentials` must be sent (400
        naming `$.credentials` otherwise)."""
        credentials = "" if data is None else data.credentials
        due = None if data is None else data.next_review_due
        return draft_response(review.approve(db, actor, slug, if_match, credentials, due))

    @admin_route(
        post,
        "/draft/reject",
        REVIEWERS,
        "Send the draft back to its editors",
        problems(404, 409, 412, 413),
        status_code=200,
        response_headers=[ETAG_HEADER],
    )
    def reject(
        self,
        db: Db,
        actor: Who,
        slug: Slug,
        if_match: IfMatch,
        data: Annotated[RejectRequest, body("Why the draft goes back.")],
    ) -> Response[Draft]:
        """Reviewer: `in_review` (or `approved`) -> `draft`, with the reason stored."""
        return draft_response(review.reject(db, actor, slug, data.reason, if_match))

    @admin_route(
        post,
        "/publish",
        EDITORS,
        "Publish the approved draft, now or at a time",
        {
            **also(202, LiveChange, "Scheduled: it goes live at `at`."),
            **problems(404, 409, 412, 413),
            400: with_example(problems(400)[400], "past-schedule", PAST_SCHEDULE),
        },
        status_code=200,
        operation_class=OptionalBodyOperation,
    )
    def publish(
        self,
        db: Db,
        actor: Who,
        slug: Slug,
        if_match: IfMatch,
        data: Annotated[
            PublishRequest | None,
            body("Optional: `at` in the future schedules it; `correction` marks a correction."),
        ] = None,
    ) -> Response[LiveChange]:
        """Editor: the approved draft becomes the new live revision in one transaction. An
        `at` that is not in the future is refused (`400`, `$.at`): nothing is published."""
        when = None if data is None else data.at
        correction = None if data is None else data.correction
        change = live.publish(db, actor, slug, when, if_match, correction)
        return Response(change, status_code=202 if change.action == "scheduled" else 200)

    @admin_route(
        post,
        "/unpublish",
        EDITORS,
        "Withdraw the article from the public API",
        problems(404, 409),
        status_code=200,
    )
    def unpublish(self, db: Db, actor: Who, slug: Slug) -> LiveChange:
        """Editor: the public API answers 404 for it until it is published or rolled back."""
        return live.unpublish(db, actor, slug)

    @admin_route(
        post,
        "/rollback",
        EDITORS,
        "Make an earlier published revision live again",
        problems(404, 409, 413),
        status_code=200,
    )
    def rollback(
        self,
        db: Db,
        actor: Who,
        slug: Slug,
        data: Annotated[RollbackRequest, body("The revision to restore.")],
    ) -> LiveChange:
        """Editor: a new revision with the old content and its original review."""
        return live.rollback(db, actor, slug, data.revision)

    @admin_route(
        post,
        "/republish",
        EDITORS,
        "Put the last live revision back after an unpublish",
        {
            200: json_response(LiveChange, "Live again as a new revision.", REPUBLISHED),
            **problems(404, 409),
        },
        status_code=200,
    )
    def republish(self, db: Db, actor: Who, slug: Slug) -> LiveChange:
        """Editor: the revision that was live before the unpublish is live again, as a new
        revision restored from it (event `rolled_back`, like a rollback). `409` when the
        article is live or was never published."""
        return live.republish(db, actor, slug)

    @admin_route(
        delete,
        "/schedule",
        EDITORS,
        "Cancel the scheduled publish",
        problems(404, 409),
        status_code=200,
        response_headers=[ETAG_HEADER],
    )
    def cancel_schedule(self, db: Db, actor: Who, slug: Slug) -> Response[Draft]:
        """Editor: the draft stays approved with no time set; `409` when it is not scheduled."""
        return draft_response(live.cancel_schedule(db, actor, slug))
