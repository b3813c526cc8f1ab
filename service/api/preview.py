"""Draft preview routes: the working draft in the public shapes, for a preview token only.

Answers are `private, no-store` and `noindex`; the edge never sees them (the path is not a
public prefix) and no handler here fills the response cache.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from litestar import Controller, Request, Response, route
from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter

from schema.article import Article
from schema.sections import Section
from service.api.channels import Config
from service.api.openapi_docs import json_response, media_response, problem_responses
from service.api.public import READ_METHODS, Db, Format, SectionsFilter, Slug, refuse_unknown_query
from service.api.public import Key as SectionKey
from service.delivery import preview
from service.editorial.preview import check_preview_token
from service.handlers.auth import SECURITY_PREVIEW

PREVIEW_HEADERS: Final = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex",
    "Vary": "Authorization",
}
_DOC_HEADERS = [
    ResponseHeader(name=name, documentation_only=True, description=f"Always `{value}`.")
    for name, value in PREVIEW_HEADERS.items()
]
_ERRORS = problem_responses(400, 401, 403, 404)
Channel = Literal["web", "email", "text"]


def _preview_get(path: str, summary: str, ok: ResponseSpec) -> route:
    """The route decorator of every preview read: GET and HEAD, never in a thread, with the
    preview headers and errors documented."""
    return route(
        path,
        http_method=READ_METHODS,
        sync_to_thread=False,
        summary=summary,
        response_headers=_DOC_HEADERS,
        responses={200: ok, **_ERRORS},
    )


def _check(request: Request[Any, Any, Any], db: Db, slug: str) -> None:
    """Refuse unknown query parameters, then a token that may not preview this draft."""
    refuse_unknown_query(request)
    check_preview_token(db, request.headers.get("authorization"), slug)


def _answer(body: tuple[bytes, str]) -> Response[bytes]:
    content, media_type = body
    return Response(content=content, media_type=media_type, headers=PREVIEW_HEADERS)


class PreviewController(Controller):
    """``/v1/preview/articles``: drafts, shaped as they will be served once published."""

    path = "/v1/preview/articles"
    tags = ["preview"]  # noqa: RUF012 - Litestar reads these class attributes
    security = SECURITY_PREVIEW
    # Reads alike in shape to the other public ones: each its own documented operation, with
    # the parameters Litestar injects by name; _preview_get and _check hold the rest.

    @_preview_get(
        "/{slug:str}",
        "Preview the working draft of an article",
        json_response(Article, "The draft in the public article shape."),
    )
    def get_article(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        slug: Slug,
        format: Format = "html",
        sections: SectionsFilter = None,
    ) -> Response[bytes]:
        """The draft; `revision` is the revision it was started from, the byline says if it
        is not yet reviewed."""
        _check(request, db, slug)
        return _answer(preview.article_body(db, slug, format, sections))

    @_preview_get(
        "/{slug:str}/sections/{key:str}",
        "Preview one section of the working draft",
        json_response(Section, "One typed section of the draft."),  # type: ignore[arg-type]
    )
    def get_section(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        slug: Slug,
        key: SectionKey,
        format: Format = "html",
    ) -> Response[bytes]:
        """One section of the draft."""
        _check(request, db, slug)
        return _answer(preview.section_body(db, slug, key, format))

    @_preview_get(
        "/{slug:str}/render/{channel:str}",
        "Preview the working draft rendered for a channel",
        media_response("text/html", "The web, email or text render of the draft."),
    )
    def render(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        settings: Config,
        slug: Slug,
        channel: Annotated[Channel, PathParameter(description="`web`, `email` or `text`.")],
        sections: SectionsFilter = None,
    ) -> Response[bytes]:
        """The channel render of the draft, as the public render route will give it."""
        _check(request, db, slug)
        return _answer(preview.render_body(db, slug, channel, sections, settings.public_base_url))
