"""Actions readers notice: unpublish and roll back (each confirmed first), republish, and
cancelling a schedule.

Unpublish and Roll back are two steps that work without script: a GET page says what readers
will see and holds the form that POSTs with ``confirm=yes``; a POST without it is sent to that
page and changes nothing. Each calls the workflow function the JSON admin API calls.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Template

from schema.article import Draft
from service.channels.diff import changed_section_keys
from service.editorial import drafts, history, live
from service.errors import Conflict, InvalidInput
from service.handlers.auth import EDITORS
from service.handlers.params import Db, Slug, Who
from service.webapp.views import article_url, done, form_fields, page, see_other

CONFIRM_FIELD = "confirm"
CONFIRMED = "yes"
RevisionQuery = Annotated[
    int, QueryParameter(description="The revision to roll back to.", ge=1, le=1_000_000)
]


def _confirm_page(
    request: Request[Any, Any, Any],
    draft: Draft,
    action: str,
    live_revision: int | None,
    **context: Any,
) -> Template:
    """The page that says what readers will see after ``action``, with the button that does it."""
    return page(
        request,
        "confirm.html",
        draft=draft,
        action=action,
        live_revision=live_revision,
        confirm_field=CONFIRM_FIELD,
        confirmed=CONFIRMED,
        **context,
    )


class GuardsController(Controller):
    """``/admin/articles/{slug}/...``: the confirmed and the undoing actions."""

    path = "/articles/{slug:str}"

    @get("/unpublish", opt={"roles": EDITORS}, sync_to_thread=False)
    def confirm_unpublish(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Template:
        """What unpublishing does to readers, and the button that does it."""
        draft = drafts.read_draft(db, slug, actor)
        listed = history.list_history(db, slug)
        if listed.live_revision is None:
            raise Conflict(f"The article {slug!r} is not published, so cannot be unpublished.")
        return _confirm_page(request, draft, "unpublish", listed.live_revision)

    @post("/unpublish", opt={"roles": EDITORS}, status_code=303)
    async def unpublish(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Editor: withdraw the article from the public API, once confirmed."""
        if (await form_fields(request)).get(CONFIRM_FIELD) != CONFIRMED:
            return see_other(article_url(slug, "unpublish"))
        change = live.unpublish(db, actor, slug)
        return done(
            request,
            slug,
            f"Unpublished: revision {change.revision} is withdrawn and readers get “not found”. "
            "Republish puts it back.",
        )

    @get("/rollback", opt={"roles": EDITORS}, sync_to_thread=False)
    def confirm_rollback(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        actor: Who,
        slug: Slug,
        revision: RevisionQuery,
    ) -> Template:
        """What rolling back to ``revision`` shows readers, and the button that does it."""
        draft = drafts.read_draft(db, slug, actor)
        listed = history.list_history(db, slug)
        target = history.get_revision(db, slug, revision)
        current = (
            None
            if listed.live_revision is None
            else history.get_revision(db, slug, listed.live_revision)
        )
        changed = changed_section_keys(None if current is None else current.sections,
                                       target.sections)  # fmt: skip
        titles = {
            s.key: s.title for s in [*(current.sections if current else []), *target.sections]
        }
        return _confirm_page(
            request,
            draft,
            "rollback",
            listed.live_revision,
            target=target,
            new_number=max(r.number for r in listed.revisions) + 1,
            changed=[titles.get(key, key) for key in changed],
        )

    @post("/rollback", opt={"roles": EDITORS}, status_code=303)
    async def rollback(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Editor: make an earlier published revision live again, once confirmed."""
        form = await form_fields(request)
        text = form.get("revision", "")
        if not text.isdigit():
            raise InvalidInput(f"{text!r} is not a revision number.")
        if form.get(CONFIRM_FIELD) != CONFIRMED:
            return see_other(article_url(slug, "rollback") + f"?revision={int(text)}")
        change = live.rollback(db, actor, slug, int(text))
        return done(
            request,
            slug,
            f"Revision {text} is live again as revision {change.revision}.",
            "history",
        )

    @post("/republish", opt={"roles": EDITORS}, status_code=303)
    async def republish(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Editor: after an unpublish, put the last live revision back."""
        change = live.republish(db, actor, slug)
        return done(request, slug, f"Republished: readers see it again, as revision "
                     f"{change.revision}.")  # fmt: skip

    @post("/schedule/cancel", opt={"roles": EDITORS}, status_code=303)
    async def cancel_schedule(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Editor: take the schedule off; the draft stays approved."""
        live.cancel_schedule(db, actor, slug)
        return done(request, slug, "Schedule cancelled: the draft is approved, not scheduled.")
