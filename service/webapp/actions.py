"""Form posts that move an article along: submit, approve, reject, publish, reorder.

Unpublish, roll back, republish and cancelling a schedule are in ``guards``.

Each calls the workflow function the JSON admin API calls, under the same role, then
redirects to the page that shows the result (post/redirect/get).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from litestar import Controller, Request, Response, post

from schema.admin import RejectRequest
from schema.api import ArticlePatch
from service.editorial import drafts, live, review
from service.errors import FieldError, InvalidInput
from service.handlers.auth import EDITORS, REVIEWERS
from service.handlers.params import Db, Key, Slug, Who
from service.webapp.formdata import Invalid, errors_by_field, to_struct
from service.webapp.review_view import review_context
from service.webapp.views import (
    ETAG_FIELD,
    done,
    form_fields,
    format_time,
    page,
)


def parse_publish_time(text: str, offset: str = "") -> datetime | None:
    """A ``datetime-local`` value; empty means now.

    ``offset`` is the browser's UTC offset in minutes at that time (the page's script fills
    it in and labels the field with the browser's zone); without it the value is UTC, as the
    field's label then says.
    """
    if not text.strip():
        return None
    zone = UTC
    if re.fullmatch(r"-?\d{1,4}", offset.strip()) and abs(int(offset)) <= 18 * 60:
        zone = timezone(timedelta(minutes=int(offset)))
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=zone).astimezone(UTC)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time.", errors=(FieldError("at", "not a date and time"),)
        ) from None


def _review_again(
    request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug, errors: dict[str, str]
) -> Response[Any]:
    """The review page again (422), each reason beside its field; nothing was changed."""
    return page(request, "review.html", status=422, **review_context(db, actor, slug, errors))


class ActionsController(Controller):
    """``/admin/articles/{slug}/...``: the workflow's transitions as form posts."""

    path = "/articles/{slug:str}"

    @post("/submit", opt={"roles": EDITORS}, status_code=303)
    async def submit(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Editor: send the draft to review."""
        form = await form_fields(request)
        review.submit(db, actor, slug, form.get(ETAG_FIELD))
        return done(request, slug, "Submitted for review.")

    @post("/approve", opt={"roles": REVIEWERS}, status_code=303)
    async def approve(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Reviewer: sign off exactly the draft version the review page showed."""
        form = await form_fields(request)
        credentials = form.get("credentials", "").strip()[:300]
        try:
            review.approve(db, actor, slug, form.get(ETAG_FIELD) or None, credentials)
        except InvalidInput as invalid:
            if not any(error.path == "$.credentials" for error in invalid.errors):
                raise
            # No credentials for the byline: the review page again, the reason at the field.
            return _review_again(request, db, actor, slug, {"credentials": invalid.detail})
        return done(request, slug, "Approved: an editor can publish it now.")

    @post("/reject", opt={"roles": REVIEWERS}, status_code=303)
    async def reject(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Reviewer: send the draft back to its editors with a note."""
        form = await form_fields(request)
        try:
            body = to_struct(
                RejectRequest, {"reason": form.get("reason", "").replace("\r\n", "\n")}
            )
        except Invalid as invalid:
            return _review_again(request, db, actor, slug, errors_by_field(invalid.errors))
        review.reject(db, actor, slug, body.reason, form.get(ETAG_FIELD) or None)
        return done(request, slug, "Sent back to the editors.")

    @post("/publish", opt={"roles": EDITORS}, status_code=303)
    async def publish(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Editor: publish the approved draft now, or schedule it (``at``, see
        ``parse_publish_time``); a time in the past is refused."""
        form = await form_fields(request)
        when = parse_publish_time(form.get("at", ""), form.get("at_offset", ""))
        change = live.publish(db, actor, slug, when, form.get(ETAG_FIELD) or None)
        if change.action == "scheduled":
            return done(request, slug, f"Scheduled for {format_time(change.at)}.")
        return done(request, slug, f"Published as revision {change.revision}.")

    @post("/sections/{key:str}/delete", opt={"roles": EDITORS}, status_code=303)
    async def delete_section(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug, key: Key
    ) -> Response[Any]:
        """Editor: remove a section from the draft."""
        form = await form_fields(request)
        drafts.delete_section(db, actor, slug, key, form.get(ETAG_FIELD))
        return done(request, slug, f"Section {key} removed.")

    @post("/sections/{key:str}/move", opt={"roles": EDITORS}, status_code=303)
    async def move_section(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug, key: Key
    ) -> Response[Any]:
        """Editor: move a section up or down (``direction``)."""
        form = await form_fields(request)
        keys = [s.key for s in drafts.read_draft(db, slug, actor).sections]
        if key not in keys:
            raise InvalidInput(f"The draft has no section {key!r}.")
        index = keys.index(key)
        target = index - 1 if form.get("direction") == "up" else index + 1
        if 0 <= target < len(keys):
            keys[index], keys[target] = keys[target], keys[index]
            patch = ArticlePatch(section_order=keys)
            drafts.patch_draft(db, actor, slug, patch, form.get(ETAG_FIELD))
        return done(request, slug, f"Section {key} moved.")
