"""Shared pieces of the admin routes: parameters, the draft response, OpenAPI fragments."""

from __future__ import annotations

from typing import Annotated

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.openapi.spec import SecurityRequirement
from litestar.params import Body, BodyKwarg, HeaderParameter

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
