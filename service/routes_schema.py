"""The content model as JSON Schema over HTTP."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get

from schema.export import content_json_schema_bytes
from service.http import prepare_response
from service.routes_public import Cache, serve_prepared

_SCHEMA = prepare_response(
    content_json_schema_bytes(), media_type="application/schema+json", surrogate_keys=["schema"]
)


class ContentSchemaController(Controller):
    """``GET /v1/schema/content.json``."""

    tags = ["public"]  # noqa: RUF012
    opt = {"skip_compression": True}  # noqa: RUF012

    @get(
        "/v1/schema/content.json", sync_to_thread=False, summary="The content model as JSON Schema"
    )
    def content_schema(self, request: Request[Any, Any, Any], cache: Cache) -> Response[bytes]:
        """JSON Schema of the article and every section kind, as served by the public API."""
        return serve_prepared(request, cache, lambda: _SCHEMA)
