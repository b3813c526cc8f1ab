"""Public read routes: parse, call the read model, answer from prepared bytes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, route
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import PathParameter, QueryParameter

from schema.api import ArticleList, ChangePage, RichTextFormat
from schema.article import Article
from schema.sections import Section
from service.api.openapi_docs import (
    CONDITIONAL_GET_HEADERS,
    json_response,
    not_modified,
    problem_responses,
)
from service.delivery import feeds, reads
from service.edge.prepared import PreparedResponse
from service.edge.replay import CachedEntry, ResponseCache, cache_key
from service.errors import FieldError, InvalidInput
from service.store.db import ContentDB

Format = Annotated[
    RichTextFormat,
    QueryParameter(
        description="How rich-text fields are rendered: sanitized `html` (default), the stored "
        "CommonMark `markdown`, or plain `text`.",
    ),
]
SectionsFilter = Annotated[
    str | None,
    QueryParameter(
        name="sections",
        description="Comma-separated section keys to keep, e.g. `intro,therapy-types`. "
        "Keys the article does not have are a 400 (the pattern cannot know them).",
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:,[a-z0-9]+(?:-[a-z0-9]+)*)*$",
        max_length=2_000,
        examples=[Example(value="therapy-types,safety")],
    ),
]
Slug = Annotated[str, PathParameter(description="The article's slug.", max_length=120)]
Key = Annotated[str, PathParameter(description="A section key.", max_length=64)]
Limit = Annotated[int, QueryParameter(ge=1, le=feeds.MAX_PAGE, description="Page size.")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="Items to skip.")]
Since = Annotated[
    str | None,
    QueryParameter(
        name="since",
        description="An opaque cursor from an earlier page's `next_cursor` (or an event's "
        "`cursor`); omit it to start from the first event.",
        max_length=200,
    ),
]
AsOf = Annotated[
    datetime | None,
    QueryParameter(
        name="as_of",
        description="An ISO-8601 instant with its offset: answer what was live then (404 if "
        "nothing was). Answers for settled past instants are `immutable`.",
        examples=[Example(value="2026-03-01T12:00:00Z")],
    ),
]
Db = NamedDependency[ContentDB]
Cache = NamedDependency[ResponseCache]
READ_METHODS: list[Any] = ["GET", "HEAD"]
# Prepared responses carry their own codings; Litestar must not compress them again.
SKIP_COMPRESSION: dict[str, Any] = {"skip_compression": True}


def public_get(
    path: str, *, summary: str, ok: ResponseSpec, errors: tuple[int, ...] = (400,)
) -> route:
    """The route decorator of every public read: GET and HEAD, conditional, never in a thread."""
    return route(
        path,
        http_method=READ_METHODS,
        sync_to_thread=False,
        summary=summary,
        response_headers=CONDITIONAL_GET_HEADERS,
        responses={200: ok, 304: not_modified(), **problem_responses(*errors)},
    )


@functools.cache
def query_names(handler: HTTPRouteHandler) -> frozenset[str]:
    """The query parameters a handler declares, by the names clients send."""
    return frozenset(
        kwarg.query or kwarg.name or name
        for name, field in handler.parsed_fn_signature.parameters.items()
        if isinstance(kwarg := field.kwarg_definition, QueryParameter)
    )


def refuse_unknown_query(request: Request[Any, Any, Any]) -> None:
    """A 400 naming query parameters the route does not take: each would otherwise be ignored
    yet key a cache entry of its own (``?bust=1``, ``?bust=2``, ...)."""
    known = query_names(request.route_handler)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(f"`{name}`" for name in sorted(known)) or "none"
        raise InvalidInput(
            f"Unknown query parameter(s): {', '.join(f'`{name}`' for name in unknown)}. "
            f"This route takes: {takes}.",
            errors=tuple(FieldError(name, "unknown query parameter") for name in unknown),
        )


def serve_prepared(
    request: Request[Any, Any, Any], cache: ResponseCache, build: Callable[[], PreparedResponse]
) -> Response[bytes]:
    """Check the query, build (on a miss), remember for the edge layer, answer conditionally."""
    refuse_unknown_query(request)
    versions = cache.snapshot()
    prepared = build()
    key = cache_key(request.scope["path"], request.scope["query_string"])
    cache.put(key, CachedEntry(prepared, request.scope["path_template"]), versions)
    status, headers, body = prepared.answer(
        method=request.method,
        accept_encoding=request.headers.get("accept-encoding", ""),
        if_none_match=request.headers.get("if-none-match"),
    )
    return Response(
        content=body,
        status_code=status,
        media_type=prepared.media_type,
        headers={
            name.decode(): value.decode()
            for name, value in headers
            if name != b"content-length"  # content-type as prepared: Litestar would add a charset
        },
    )


class PublicController(Controller):
    """Published content for every channel: no auth, GET and HEAD, cacheable."""

    path = "/v1"
    tags = ["public"]  # noqa: RUF012 - Litestar reads these class attributes
    opt = SKIP_COMPRESSION
    # Reads alike in shape to the other public ones: each its own documented operation, with
    # the parameters Litestar injects by name; public_get and serve_prepared hold the rest.

    @public_get(
        "/articles",
        summary="List published articles",
        ok=json_response(ArticleList, "The published articles, most recently updated first."),
    )
    def list_articles(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        limit: Limit = feeds.DEFAULT_PAGE,
        offset: Offset = 0,
    ) -> Response[bytes]:
        """Published articles with their review record; drafts never appear."""
        return serve_prepared(request, cache, lambda: feeds.list_response(db, limit, offset))

    @public_get(
        "/articles/{slug:str}",
        summary="Get the live revision of an article",
        # The example (the seed article) is added when the spec is first served.
        ok=json_response(Article, "The live revision with its sections in order."),
        errors=(400, 404),
    )
    def get_article(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        slug: Slug,
        format: Format = "html",
        sections: SectionsFilter = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The whole live article, or only the sections named in `?sections=`."""
        return serve_prepared(
            request, cache, lambda: reads.article_response(db, slug, format, sections, as_of)
        )

    @public_get(
        "/articles/{slug:str}/sections/{key:str}",
        summary="Get one section of the live revision",
        ok=json_response(Section, "One typed section; `kind` tells its shape."),  # type: ignore[arg-type]
        errors=(400, 404),
    )
    def get_section(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        slug: Slug,
        key: Key,
        format: Format = "html",
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """A section's ETag changes only when that section (or the format) changes."""
        return serve_prepared(
            request, cache, lambda: reads.section_response(db, slug, key, format, as_of)
        )

    @public_get(
        "/changes",
        summary="Publish events since a cursor",
        ok=json_response(ChangePage, "Events after the cursor, oldest first."),
    )
    def list_changes(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        since: Since = None,
        limit: Limit = feeds.DEFAULT_PAGE,
    ) -> Response[bytes]:
        """Publish, rollback and unpublish events with the section keys whose content changed."""
        return serve_prepared(request, cache, lambda: feeds.changes_response(db, since, limit))
