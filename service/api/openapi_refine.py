"""Make the served OpenAPI components exactly the content model's own JSON Schema.

Litestar's generator drops constraints on list items (``list[NonEmptyStr]``) and does not say
that our Structs reject unknown fields; msgspec's schema is the model's own, so the components
named after our Structs are replaced by it, with ``additionalProperties: false`` added where the
Struct forbids unknown fields. Done once, on the spec Litestar caches, when it is first asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar._openapi.plugin import OpenAPIPlugin

from schema.base import Model
from service.api.openapi_valid import make_valid, walk

REF_TEMPLATE = "#/components/schemas/{name}"
# (path, method) -> the example body of its 200 JSON response.
OperationExamples = dict[tuple[str, str], Any]


def _struct_types() -> dict[str, type[Model]]:
    found: dict[str, type[Model]] = {}
    pending: list[type[Model]] = [Model]
    while pending:
        current = pending.pop()
        for subclass in current.__subclasses__():
            found.setdefault(subclass.__name__, subclass)
            pending.append(subclass)
    return found


def _close_objects(schemas: dict[str, Any], types: dict[str, type[Model]]) -> None:
    for name, schema in schemas.items():
        struct = types.get(name)
        if struct is not None and struct.__struct_config__.forbid_unknown_fields:
            schema["additionalProperties"] = False


def _discriminator(union: list[Any], types: dict[str, type[Model]]) -> dict[str, Any] | None:
    """The discriminator of a union of references to tagged Structs (one tag field), or None."""
    prefix = REF_TEMPLATE.format(name="")
    mapping: dict[str, str] = {}
    fields: set[str | None] = set()
    for member in union:
        ref = member.get("$ref", "") if isinstance(member, dict) else ""
        struct = types.get(ref.removeprefix(prefix)) if ref.startswith(prefix) else None
        if struct is None:
            return None
        config = struct.__struct_config__
        fields.add(config.tag_field)
        mapping[str(config.tag)] = ref
    if len(fields) != 1 or None in fields:
        return None
    return {"propertyName": fields.pop(), "mapping": mapping}


def _discriminate_unions(paths: dict[str, Any], types: dict[str, type[Model]]) -> None:
    """Litestar writes a request or response body that is a tagged union (one section) as a
    bare ``oneOf``; name the tag as its discriminator, as msgspec does in the components."""
    for node in walk(paths):
        union = node.get("oneOf")
        if isinstance(union, list) and "discriminator" not in node:
            discriminator = _discriminator(union, types)
            if discriminator is not None:
                node["discriminator"] = discriminator


def refine_openapi(app: Litestar) -> dict[str, Any]:
    """Replace the components generated from our Structs with msgspec's schema of them."""
    spec: dict[str, Any] = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    components: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    types = _struct_types()
    named = [types[name] for name in components if name in types]
    _, generated = msgspec.json.schema_components(named, ref_template=REF_TEMPLATE)
    _close_objects(generated, types)
    components.update(generated)
    _discriminate_unions(spec.get("paths", {}), types)
    _add_examples(spec, app.state.get("openapi_examples"))
    make_valid(spec)
    return spec


def _add_examples(spec: dict[str, Any], provide: Callable[[], OperationExamples] | None) -> None:
    """Put the entry point's examples (built from the seed, which this layer may not import)
    into the 200 JSON responses of the operations they name."""
    if provide is None:
        return
    for (path, method), value in provide().items():
        response = spec["paths"][path][method]["responses"]["200"]
        response["content"]["application/json"]["examples"] = {"seed": {"value": value}}


async def refine_before_docs(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: refine the spec on the first request for the docs.

    Building the spec takes about a third of a second, so it is not done at start-up (cold start
    matters more than the first docs request); Litestar caches the refined spec afterwards.
    """
    app = request.app
    if not app.state.get("openapi_refined") and request.url.path.startswith("/schema"):
        refine_openapi(app)
        app.state["openapi_refined"] = True
