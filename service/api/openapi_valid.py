"""Make the generated spec valid OpenAPI 3.1 and say what JSON Schema alone cannot.

Litestar writes Example Objects with an ``id`` (not a field of OpenAPI's Example Object) and
documentation-only response headers without a ``schema``; both make the document invalid for
``openapi-spec-validator`` and for code generators. Rules a schema cannot state (a body must
name at least one field; whole numbers must be written without a decimal point) are stated
where they apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

# Components whose rule JSON Schema can state but msgspec does not generate.
COMPONENT_RULES: Final[dict[str, dict[str, Any]]] = {
    "ArticlePatch": {"minProperties": 1},  # editorial.drafts.patch_draft refuses an empty patch
}
_WHOLE_NUMBER: Final = "Written as a whole number (`3`, not `3.0`)."


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON document, the document first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def _fix_media_examples(spec: dict[str, Any]) -> None:
    for node in walk(spec.get("paths", {})):
        examples = node.get("examples")
        if isinstance(examples, dict) and ("schema" in node or "example" in node or examples):
            for example in examples.values():
                if isinstance(example, dict):
                    example.pop("id", None)


def _fix_headers(spec: dict[str, Any]) -> None:
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for header in response.get("headers", {}).values():
                    if "schema" not in header and "content" not in header:
                        header["schema"] = {"type": "string"}


def _state_whole_numbers(schemas: dict[str, Any]) -> None:
    for node in walk(schemas):
        if node.get("type") == "integer" and _WHOLE_NUMBER not in node.get("description", ""):
            node["description"] = f"{node.get('description', '')} {_WHOLE_NUMBER}".strip()


def make_valid(spec: dict[str, Any]) -> None:
    """Fix, in place, what keeps the generated spec from being valid OpenAPI 3.1."""
    _fix_media_examples(spec)
    _fix_headers(spec)
    schemas = spec.get("components", {}).get("schemas", {})
    for name, rules in COMPONENT_RULES.items():
        if name in schemas:
            schemas[name].update(rules)
    _state_whole_numbers(schemas)
    for node in walk(spec.get("paths", {})):
        if node.get("in") == "query" and node.get("schema", {}).get("type") == "integer":
            node["description"] = f"{node.get('description', '')} {_WHOLE_NUMBER}".strip()
