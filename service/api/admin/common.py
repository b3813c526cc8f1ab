"""Shared pieces of the admin routes: parameters, the draft response, OpenAPI fragments."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import SecurityRequirement
from litestar.params import Body, BodyKwarg, HeaderParameter

from schema.admin import Role
from schema.article import Draft
from service.editorial.versions import draft_etag

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        max_length=200,
        description="The draft's ETag as last read (from GET draft or the previous write).",
    ),
]
SECURITY: list[SecurityRequirement] = [{"BearerToken": []}]
ETAG_HEADER = ResponseHeader(
    name="ETag",
    documentation_only=True,
    description="The draft's new ETag: send it as `If-Match` with the next write.",
)
LOCATION_HEADER = ResponseHeader(
    name="Location", documentation_only=True, description="Where the new article's draft is."
)


RouteDecorator = Callable[[Callable[..., Any]], HTTPRouteHandler]


def admin_route(
    method: Callable[..., RouteDecorator],
    path: str,
    roles: tuple[Role, ...],
    summary: str,
    responses: dict[int, ResponseSpec],
    *,
    in_thread: bool = False,
    **options: Any,
) -> RouteDecorator:
    """The decorator of every admin route: who may call it, its summary and answers (``options``
    go to Litestar's ``method`` as they are). A sync handler runs on the event loop unless
    ``in_thread``; an async one is given no ``sync_to_thread`` (Litestar warns on it)."""

    def decorate(handler: Callable[..., Any]) -> HTTPRouteHandler:
        threaded = None if inspect.iscoroutinefunction(handler) else in_thread
        return method(
            path,
            opt={"roles": roles},
            sync_to_thread=threaded,
            summary=summary,
            responses=responses,
            **options,
        )(handler)

    return decorate


def body(description: str) -> BodyKwarg:
    """A JSON request body with a description."""
    kwarg: BodyKwarg = Body(description=description)
    return kwarg


def draft_response(draft: Draft, status: int = 200, location: str | None = None) -> Response[Draft]:
    """The draft with its ETag (and Location for a created article)."""
    headers = {"ETag": draft_etag(draft)}
    if location is not None:
        headers["Location"] = location
    return Response(draft, status_code=status, headers=headers)
