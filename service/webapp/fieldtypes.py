"""The content model's types as form widgets, read from ``msgspec.inspect`` type info.

Both directions (Struct -> form fields, form data -> Struct) walk the same type info, so a new
field or section kind gets a form without template changes. Field names in forms are msgspec's
own error paths without the ``$.``: ``therapies[0].dose.min``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec.inspect as mi

from schema.base import NonEmptyStr, OptionalRichText, RichText

# Longer single-line limits than this get a textarea.
SHORT_TEXT_MAX = 300
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
Segment = str | int


def _description(alias: Any) -> str:
    info = mi.type_info(alias)
    return (
        str((info.extra_json_schema or {}).get("description", ""))
        if isinstance(info, mi.Metadata)
        else ""
    )


# The shared aliases' descriptions speak to API clients ("no surrounding spaces"); the form
# handles those rules itself (it trims single-line fields), so they are not repeated as help.
_GENERIC_HINTS = frozenset(
    _description(alias) for alias in (NonEmptyStr, RichText, OptionalRichText)
)


@dataclass(frozen=True)
class Widget:
    """How one field is edited: the widget kind, its (unwrapped) type and its help text."""

    kind: str  # text, textarea, markdown, number, select, checkbox, group, list, json
    type: mi.Type
    hint: str
    is_optional: bool


_INFO: dict[type[Any], mi.StructType] = {}


def struct_info(cls: type[Any]) -> mi.StructType:
    """The type info of a Struct class (kept: it never changes at run time)."""
    info = _INFO.get(cls)
    if info is None:
        found = mi.type_info(cls)
        if not isinstance(found, mi.StructType):
            raise TypeError(f"{cls!r} is not a msgspec Struct")
        info = _INFO[cls] = found
    return info


def editable_fields(info: mi.StructType) -> list[mi.Field]:
    """The fields a person fills in: read-only ones (derived codings) are the model's to set."""
    return [
        f
        for f in info.fields
        if not (
            isinstance(f.type, mi.Metadata) and (f.type.extra_json_schema or {}).get("readOnly")
        )
    ]


def widget_for(name: str, field_type: mi.Type) -> Widget:
    """The widget of a field: optional unions unwrapped, ``Annotated`` metadata as help text."""
    hint = ""
    is_optional = False
    if isinstance(field_type, mi.UnionType):
        others = [t for t in field_type.types if not isinstance(t, mi.NoneType)]
        is_optional = len(others) < len(field_type.types)
        if len(others) == 1:
            field_type = others[0]
    is_rich = False
    if isinstance(field_type, mi.Metadata):
        extra = field_type.extra_json_schema or {}
        hint = str(extra.get("description", ""))
        hint = "" if hint in _GENERIC_HINTS else hint
        # Rich text is a type (its schema says text/markdown), not a field name.
        is_rich = extra.get("contentMediaType") == "text/markdown"
        field_type = field_type.type
    return Widget(_kind(field_type, is_rich=is_rich), field_type, hint, is_optional)


def _kind(field_type: mi.Type, *, is_rich: bool) -> str:
    match field_type:
        case mi.StrType(max_length=max_length):
            if is_rich:
                return "markdown"
            return "text" if max_length is not None and max_length <= SHORT_TEXT_MAX else "textarea"
        case mi.IntType() | mi.FloatType():
            return "number"
        case mi.LiteralType() | mi.EnumType():
            return "select"
        case mi.BoolType():
            return "checkbox"
        case mi.StructType():
            return "group"
        case mi.ListType():
            return "list"
    # Anything the form has no widget for is edited as JSON, so it is never silently lost.
    return "json"


def choices(field_type: mi.Type) -> list[Any]:
    """The values a select offers."""
    if isinstance(field_type, mi.LiteralType):
        return list(field_type.values)
    if isinstance(field_type, mi.EnumType):
        return [member.value for member in field_type.cls]
    return []


def join(path: str, segment: Segment) -> str:
    """A child's path: ``a.b`` for a field, ``a[0]`` for a list item."""
    if isinstance(segment, int):
        return f"{path}[{segment}]"
    return f"{path}.{segment}" if path else segment


def split(path: str) -> list[Segment]:
    """``therapies[0].dose`` as ``["therapies", 0, "dose"]``."""
    return [
        int(index) if index else name
        for name, index in _SEGMENT.findall(path.removeprefix("$").lstrip("."))
    ]


def type_at(root: mi.StructType, segments: list[Segment]) -> mi.Type | None:
    """The type found by following a path from a Struct, or None when the path leads nowhere."""
    current: mi.Type = root
    for segment in segments:
        widget = widget_for("", current)
        current = widget.type
        if isinstance(segment, int) and isinstance(current, mi.ListType):
            current = current.item_type
        elif isinstance(segment, str) and isinstance(current, mi.StructType):
            found = [f for f in current.fields if f.name == segment]
            if not found:
                return None
            current = found[0].type
        else:
            return None
    return current


def blank(field_type: mi.Type) -> Any:
    """A new, empty value of a type: what "add an item" inserts."""
    widget = widget_for("", field_type)
    if widget.is_optional:
        return None
    match widget.type:
        case mi.StructType(fields=fields):
            return {f.name: blank(f.type) for f in fields if f.required}
        case mi.ListType():
            return []
        case mi.LiteralType() | mi.EnumType():
            return choices(widget.type)[0]
        case mi.BoolType():
            return False
    return ""
