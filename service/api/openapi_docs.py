"""Reusable OpenAPI fragments: response specs, headers and examples built from the seed."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example

from schema.api import Problem
from service.api.problems import PROBLEM_JSON

CONDITIONAL_GET_HEADERS = [
    ResponseHeader(
        name="ETag",
        documentation_only=True,
        description="Strong validator of the body; send it back in `If-None-Match` for a 304.",
    ),
    ResponseHeader(
        name="Cache-Control",
        documentation_only=True,
        description="`public` with `max-age` and `stale-while-revalidate`.",
    ),
    ResponseHeader(
        name="Surrogate-Key",
        documentation_only=True,
        description="Space-separated purge keys: `article:{slug}` and `section:{slug}:{key}`.",
    ),
]

_PROBLEM_DESCRIPTIONS = {
    400: "Invalid input: the `detail` names the bad value and `errors` each field path.",
    401: "No token, or an unknown or revoked one.",
    403: "The token's role may not do this.",
    404: "No such published article or section.",
    409: "The draft is not in a state that allows this.",
    412: "`If-Match` names a draft version that is no longer current; nothing changed.",
    413: "The request body is larger than 1 MiB.",
    428: "`If-Match` with the draft's current ETag is required.",
    429: "Too many requests; retry after `Retry-After` seconds.",
}


def json_response(
    container: type[Any], description: str, example: Any | None = None
) -> ResponseSpec:
    """A 200 JSON response documented by its Struct and, when given, one example."""
    return ResponseSpec(
        data_container=container,
        description=description,
        generate_examples=False,
        examples=None if example is None else [Example(id="example", value=example)],
    )


def not_modified() -> ResponseSpec:
    """The 304 answer to a matching `If-None-Match`."""
    return ResponseSpec(
        data_container=None,
        description="Not modified: the `If-None-Match` ETag is current.",
        generate_examples=False,
    )


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """problem+json responses for these statuses."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_PROBLEM_DESCRIPTIONS[status],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in statuses
    }


def media_response(media_type: str, description: str, example: str | None = None) -> ResponseSpec:
    """A 200 response whose body is not JSON (HTML, plain text, Atom), with one example body."""
    return ResponseSpec(
        data_container=str,
        description=description,
        media_type=media_type,
        generate_examples=False,
        examples=None if example is None else [Example(id="example", value=example)],
    )
