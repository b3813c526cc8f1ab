"""Request bodies decoded from the raw bytes by msgspec, strictly, into the handler's Struct.

Litestar's own decoding converts leniently (``"1"`` would pass for a number) and names fields
loosely; this DTO decodes the bytes with a ``msgspec.json.Decoder`` for the ``data`` annotation,
so a wrong type, an unknown field or ``min > max`` is a 400 naming the field's JSON path. It
also documents the annotation itself as the request body, tagged unions included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from typing import Any, ClassVar

import msgspec
from litestar import Request
from litestar.dto import AbstractDTO
from litestar.dto.data_structures import DTOFieldDefinition
from litestar.openapi.spec import Reference, Schema
from litestar.typing import FieldDefinition

from service.api.problems import field_errors_from_msgspec
from service.errors import FieldError, InvalidInput, UnsupportedMediaType

_UNKNOWN_FIELD = re.compile(r"unknown field `(?P<name>[^`]+)`")
_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$", re.IGNORECASE)


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise InvalidInput(
                f"The key `{key}` appears twice in one object; send each field once.",
                errors=(FieldError("$", f"duplicate key `{key}`"),),
            )
        seen.add(key)
    return dict(pairs)


def check_json_text(raw: bytes) -> None:
    """Refuse what msgspec would accept or trip over: bytes that are not UTF-8, duplicate keys
    (msgspec keeps the last one silently) and nesting deep enough to exhaust the stack."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"The request body is not valid UTF-8 (byte {error.start}); send JSON in UTF-8.",
            errors=(FieldError("$", "not valid UTF-8"),),
        ) from None
    try:
        json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except RecursionError:
        raise InvalidInput(
            "The request body is nested too deeply to be a content change.",
            errors=(FieldError("$", "nested too deeply"),),
        ) from None
    except ValueError:
        pass  # malformed JSON: msgspec names the place, below


def _decode_error(error: msgspec.DecodeError) -> InvalidInput:
    """msgspec's error with the path of an unknown field pointing at the field itself."""
    invalid = field_errors_from_msgspec(error)
    first = invalid.errors[0]
    match = _UNKNOWN_FIELD.search(first.message)
    if match is None:
        return invalid
    path = f"{first.path}.{match.group('name')}"
    return InvalidInput(
        f"The request body has a field this API does not know: `{path}`.",
        errors=(FieldError(path, "unknown field"),),
    )


class StrictJSON(AbstractDTO[Any]):
    """Decodes ``data`` from the raw body with msgspec; responses pass untouched."""

    _decoders: ClassVar[dict[str, msgspec.json.Decoder[Any]]] = {}

    @classmethod
    def generate_field_definitions(
        cls, model_type: type[Any]
    ) -> Generator[DTOFieldDefinition, None, None]:
        """Unused: this DTO keeps the model as it is."""
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        """Unused: this DTO keeps the model as it is."""
        return False

    @classmethod
    def create_for_field_definition(
        cls, field_definition: FieldDefinition, handler_id: str, backend_cls: Any = None
    ) -> None:
        """Build the handler's decoder once, at app start."""
        if field_definition.name == "data":
            cls._decoders[handler_id] = msgspec.json.Decoder(field_definition.annotation)

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        """Document the annotated Struct (or union) itself."""
        schema: Reference | Schema = schema_creator.for_field_definition(field_definition)
        return schema

    def decode_bytes(self, value: bytes) -> Any:
        """The body as the handler's type, or ``InvalidInput`` naming the field."""
        handler_id = self.asgi_connection.route_handler.handler_id
        check_json_text(value)
        try:
            return self._decoders[handler_id].decode(value)
        except msgspec.DecodeError as error:
            raise _decode_error(error) from None


async def require_body(request: Request[Any, Any, Any]) -> None:
    """Before a handler with a body: one that is not JSON is a 415, and an empty required one a
    400 (not a missing-kwarg error)."""
    field = request.route_handler.parsed_data_field
    if field is None:
        return
    body = (await request.body()).strip()
    media_type = request.headers.get("content-type", "").partition(";")[0].strip()
    if body and not _JSON_MEDIA.match(media_type):
        raise UnsupportedMediaType(
            f"This request body must be sent as `Content-Type: application/json`, "
            f"not {media_type or 'without a content type'!r}.",
        )
    if field.is_optional or field.has_default:
        return
    if not body:
        raise InvalidInput(
            "This request needs a JSON body; see the operation in /schema for its shape.",
            errors=(FieldError("$", "the body is empty"),),
        )
