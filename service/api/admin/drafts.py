"""Admin routes of the working draft: create an article, read, edit sections and fields, diff."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post, put

from schema.admin import ContentDiff
from schema.api import ArticleCreate, ArticlePatch
from schema.article import Draft
from schema.sections import Section
from service.api.admin.common import (
    ETAG_HEADER,
    LOCATION_HEADER,
    IfMatch,
    admin_route,
    body,
    draft_response,
)
from service.api.admin.docs import also, problems
from service.editorial import drafts, history
from service.handlers.auth import EDITORS, READERS
from service.handlers.params import Db, Key, Slug, Who

_WRITE_PROBLEMS = (400, 401, 403, 404, 412, 413, 428)


class DraftController(Controller):
    """``/v1/admin/articles``: drafts. Every write needs ``If-Match`` and answers a new ETag."""

    path = "/articles"
    tags = ["admin: drafts"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        post,
        "/",
        EDITORS,
        "Create an article as a draft",
        problems(409, 413),
        in_thread=True,  # it times the render of rich text: off the event loop
        response_headers=[ETAG_HEADER, LOCATION_HEADER],
    )
    def create_article(
        self, db: Db, actor: Who, data: Annotated[ArticleCreate, body("The new article.")]
    ) -> Response[Draft]:
        """Editor: a new unpublished article; its content is its first draft."""
        draft = drafts.create_article(db, actor, data)
        location = f"/v1/admin/articles/{draft.article}/draft"
        return draft_response(draft, 201, location=location)

    @admin_route(
        get,
        "/{slug:str}/draft",
        READERS,
        "Get the working draft",
        problems(404),
        response_headers=[ETAG_HEADER],
    )
    def get_draft(self, db: Db, actor: Who, slug: Slug) -> Response[Draft]:
        """The draft with its `state`; the first read starts one from the live revision."""
        return draft_response(drafts.read_draft(db, slug, actor))

    @admin_route(
        put,
        "/{slug:str}/draft/sections/{key:str}",
        EDITORS,
        "Replace or add one section of the draft",
        {**also(201, Draft, "The section was added."), **problems(*_WRITE_PROBLEMS)},
        in_thread=True,  # it times the render of rich text: off the event loop
        response_headers=[ETAG_HEADER],
    )
    def put_section(
        self,
        db: Db,
        actor: Who,
        slug: Slug,
        key: Key,
        if_match: IfMatch,
        data: Annotated[Section, body("The section; its `key` must equal the path's.")],
    ) -> Response[Draft]:
        """Editor: replace the section with this key, or append it (201). Sending it as stored
        is no edit: 200 with the draft and ETag unchanged."""
        draft, added = drafts.put_section(db, actor, slug, key, data, if_match)
        return draft_response(draft, 201 if added else 200)

    @admin_route(
        delete,
        "/{slug:str}/draft/sections/{key:str}",
        EDITORS,
        "Remove a section from the draft",
        problems(404, 412, 428),
        status_code=200,
        response_headers=[ETAG_HEADER],
    )
    def delete_section(
        self, db: Db, actor: Who, slug: Slug, key: Key, if_match: IfMatch
    ) -> Response[Draft]:
        """Editor: drop the section; the draft answers with its new ETag."""
        return draft_response(drafts.delete_section(db, actor, slug, key, if_match))

    @admin_route(
        patch,
        "/{slug:str}/draft",
        EDITORS,
        "Change the draft's article fields and section order",
        problems(*_WRITE_PROBLEMS),
        response_headers=[ETAG_HEADER],
    )
    def patch_draft(
        self,
        db: Db,
        actor: Who,
        slug: Slug,
        if_match: IfMatch,
        data: Annotated[
            ArticlePatch,
            body("Only the fields present change; `section_order` lists every key once."),
        ],
    ) -> Response[Draft]:
        """Editor: change title, summary, disclaimer, hero image or the order of sections.
        Values equal to those stored are no edit: 200 with the draft and ETag unchanged."""
        return draft_response(drafts.patch_draft(db, actor, slug, data, if_match))

    @admin_route(
        get,
        "/{slug:str}/draft/diff",
        READERS,
        "What the draft changes in the live revision",
        problems(404),
    )
    def diff_draft(self, db: Db, slug: Slug) -> ContentDiff:
        """Field by field, what publishing the draft would change (against the live revision)."""
        return history.diff_draft(db, slug)
