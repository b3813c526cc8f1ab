"""Form data -> plain values -> a validated Struct, list operations, and errors per field.

Reading walks the Struct's type info (never the posted names), so a field the model does not
have cannot be smuggled in. Values are converted only as far as a form needs (numbers, empty
optionals); validation itself is msgspec's, whose error paths name the form's fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from service.errors import FieldError
from service.webapp.fieldtypes import (
    blank,
    choices,
    editable_fields,
    join,
    split,
    struct_info,
    type_at,
    widget_for,
)

T = TypeVar("T")
OP_FIELD = "_op"
_FRIENDLY = (
    (re.compile(r"^Expected `(float|int)`, got `str`$"), "Enter a number"),
    (re.compile(r"^Expected `str` of length >= 1$"), "Required"),
    (re.compile(r"^Expected `str` matching regex .*"), "Not in the expected form"),
    (re.compile(r"^Object missing required field `(\w+)`$"), r"`\1` is required"),
)


def read_form(cls: type[Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted fields of a Struct as plain values, ready for ``msgspec.convert``."""
    return _read_struct(struct_info(cls), "", form)


def _read_struct(info: mi.StructType, path: str, form: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in editable_fields(info):
        value, present = _read(field.name, field.type, join(path, field.name), form)
        if present or field.required:
            data[field.name] = value
    return data


def _is_filled(path: str, form: Mapping[str, Any]) -> bool:
    """Whether any field under ``path`` was given a value."""
    return any(
        key.startswith((path + ".", path + "[")) and isinstance(value, str) and value.strip()
        for key, value in form.items()
    )


def _read(name: str, field_type: mi.Type, path: str, form: Mapping[str, Any]) -> tuple[Any, bool]:
    """A field's value and whether the form gave it one (an empty optional field is absent)."""
    widget = widget_for(name, field_type)
    if widget.kind == "group":
        assert isinstance(widget.type, mi.StructType)
        # An optional group left wholly empty means "none", not a group of missing fields.
        if widget.is_optional and not _is_filled(path, form):
            return None, False
        return _read_struct(widget.type, path, form), True
    if widget.kind == "list":
        assert isinstance(widget.type, mi.ListType)
        item_type = widget.type.item_type
        items = [_read("", item_type, join(path, i), form)[0] for i in _indexes(path, form)]
        return items, True
    if widget.kind == "checkbox":
        return path in form, True
    raw = form.get(path)
    text = raw if isinstance(raw, str) else ""
    # Single-line values lose stray spaces; browsers send textarea line breaks as CRLF.
    is_line = widget.kind in ("text", "select")
    text = text.strip() if is_line else text.replace("\r\n", "\n")
    if not text.strip():
        return text, not widget.is_optional
    if widget.kind == "number":
        return _number(widget.type, text.strip()), True
    if widget.kind == "select":
        return next((v for v in choices(widget.type) if str(v) == text), text), True
    if widget.kind == "json":
        try:
            return msgspec.json.decode(text), True
        except msgspec.DecodeError:
            return text, True
    return text, True


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+\s*$")
_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3},\d{3}\s*$")


def _number(field_type: mi.Type, text: str) -> Any:
    """The number typed, or the text itself so that validation names the field.

    A decimal comma reads as a decimal point (``0,9`` is 0.9), except where it could as well
    separate thousands (``1,000``): that is left as text, so the form asks for a number.
    """
    if _DECIMAL_COMMA.match(text) and not _THOUSANDS.match(text):
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return text
    if isinstance(field_type, mi.IntType):
        return int(number) if number.is_integer() else number
    return number


def _indexes(path: str, form: Mapping[str, Any]) -> list[int]:
    prefix = re.compile(re.escape(path) + r"\[(\d+)\]")
    return sorted({int(m.group(1)) for key in form if (m := prefix.match(key))})


def apply_op(cls: type[Any], data: dict[str, Any], op: str) -> str | None:
    """Add, remove or move a list item in ``data`` in place; returns the path to focus.

    ``op`` is ``add:PATH``, ``remove:PATH[i]``, ``up:PATH[i]`` or ``down:PATH[i]``.
    """
    action, _, path = op.partition(":")
    segments = split(path)
    info = struct_info(cls)
    if action == "add":
        items = _list_at(data, segments)
        list_type = type_at(info, segments)
        if items is None or list_type is None:
            return None
        item_type = widget_for("", list_type).type
        assert isinstance(item_type, mi.ListType)
        items.append(blank(item_type.item_type))
        return join(path, len(items) - 1)
    if not segments or not isinstance(segments[-1], int):
        return None
    index = segments[-1]
    items = _list_at(data, segments[:-1])
    if items is None or not 0 <= index < len(items):
        return None
    parent = path[: path.rindex("[")]
    if action == "remove":
        del items[index]
        return parent
    target = index - 1 if action == "up" else index + 1 if action == "down" else -1
    if not 0 <= target < len(items):
        return None
    items[index], items[target] = items[target], items[index]
    return join(parent, target)


def _list_at(data: Any, segments: list[Any]) -> list[Any] | None:
    current = data
    for segment in segments:
        if isinstance(segment, int) and isinstance(current, list) and segment < len(current):
            current = current[segment]
        elif isinstance(segment, str) and isinstance(current, dict):
            current = current.setdefault(segment, [])
        else:
            return None
    return current if isinstance(current, list) else None


class Invalid(Exception):
    """The form's values do not make a valid Struct; ``errors`` name the fields."""

    def __init__(self, errors: tuple[FieldError, ...]) -> None:
        super().__init__(errors)
        self.errors = errors


def to_struct(cls: type[T], data: dict[str, Any], **fixed: Any) -> T:
    """Validate the values as ``cls`` (``fixed`` values such as the tag added), or ``Invalid``."""
    try:
        return msgspec.convert({**data, **fixed}, type=cls)
    except msgspec.ValidationError as error:
        message, _, path = str(error).rpartition(" - at `")
        if not path:
            message, path = str(error), "$`"
        raise Invalid((FieldError(path.rstrip("`"), message),)) from None


def errors_by_field(errors: tuple[FieldError, ...]) -> dict[str, str]:
    """Error messages keyed by form field name (``$.a[0].b`` -> ``a[0].b``; ``$`` -> ``""``)."""
    return {e.path.removeprefix("$").lstrip("."): friendly(e.message) for e in errors}


def friendly(message: str) -> str:
    """msgspec's wording, reworded for people filling in a form where it is terse."""
    for pattern, replacement in _FRIENDLY:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message
