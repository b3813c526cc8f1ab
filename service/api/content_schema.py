"""The content model as JSON Schema over HTTP."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.openapi import ResponseSpec

from schema.export import content_json_schema_bytes
from service.api.openapi_docs import CONDITIONAL_GET_HEADERS, not_modified
from service.api.public import SKIP_COMPRESSION, Cache, serve_prepared
from service.edge.prepared import prepare_response

_SCHEMA = prepare_response(
    content_json_schema_bytes(), media_type="application/schema+json", surrogate_keys=["schema"]
)


class ContentSchemaController(Controller):
    """``GET /v1/schema/content.json``."""

    tags = ["public"]  # noqa: RUF012
    opt = SKIP_COMPRESSION

    @get(
        "/v1/schema/content.json",
        sync_to_thread=False,
        summary="The content model as JSON Schema",
        media_type="application/schema+json",
        response_headers=CONDITIONAL_GET_HEADERS,
        responses={
            200: ResponseSpec(
                data_container=dict[str, Any],
                media_type="application/schema+json",
                description="JSON Schema (2020-12) of an article and every section kind.",
                generate_examples=False,
            ),
            304: not_modified(),
        },
    )
    def content_schema(self, request: Request[Any, Any, Any], cache: Cache) -> Response[bytes]:
        """JSON Schema of the article and every section kind, as served by the public API."""
        return serve_prepared(request, cache, lambda: _SCHEMA)
