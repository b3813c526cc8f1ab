"""OpenAPI fragments of the admin routes: problem answers with admin wording, success bodies."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example, Operation, RequestBody

from service.api.openapi_docs import json_response, problem_responses

_ADMIN_WORDING = {
    400: "Invalid input: `errors` names each field path (like `$.therapies[0].dose`) and "
    "what is wrong with it.",
    404: "No article with this slug (or no such section or revision).",
    409: "The draft's state (named in `detail`) does not allow this, or the slug is taken.",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """problem+json answers for these statuses, worded for the admin API.

    400, 401 and 403 are always included: every admin route checks its token and parameters
    (and Litestar would otherwise document its own, non-problem 400).
    """
    specs = problem_responses(*sorted({400, 401, 403, *statuses}))
    return {
        status: dataclasses.replace(spec, description=_ADMIN_WORDING[status])
        if status in _ADMIN_WORDING
        else spec
        for status, spec in specs.items()
    }


def also(status: int, container: type[Any], description: str) -> dict[int, ResponseSpec]:
    """A second success answer (like 201 for a PUT that adds, 202 for a scheduled publish)."""
    return {status: json_response(container, description)}


def with_example(spec: ResponseSpec, name: str, value: Any) -> ResponseSpec:
    """The response spec with one named example body."""
    return dataclasses.replace(spec, examples=[Example(id=name, value=value)])


@dataclasses.dataclass
class OptionalBodyOperation(Operation):
    """An operation whose JSON body may be left out (Litestar marks every body required)."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False
