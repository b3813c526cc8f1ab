"""OpenAPI fragments of the admin routes: problem answers with admin wording, success bodies."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar.openapi import ResponseSpec

from service.openapi_docs import json_response, problem_responses

_ADMIN_WORDING = {
    400: "Invalid input: `errors` names each field path (like `$.therapies[0].dose`) and "
    "what is wrong with it.",
    404: "No article with this slug (or no such section or revision).",
    409: "The draft's state (named in `detail`) does not allow this, or the slug is taken.",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """problem+json answers for these statuses, worded for the admin API."""
    specs = problem_responses(*statuses)
    return {
        status: dataclasses.replace(spec, description=_ADMIN_WORDING[status])
        if status in _ADMIN_WORDING
        else spec
        for status, spec in specs.items()
    }


def also(status: int, container: type[Any], description: str) -> dict[int, ResponseSpec]:
    """A second success answer (like 201 for a PUT that adds, 202 for a scheduled publish)."""
    return {status: json_response(container, description)}
