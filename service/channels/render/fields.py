"""Rich-text fields of any content Struct rendered to the format a client asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar, cast

import msgspec

from schema.api import RichTextFormat
from schema.base import RICH_TEXT_FIELDS
from service.channels.render.markdown import markdown_to_html, markdown_to_text

T = TypeVar("T")

_CONVERTERS: Final[dict[RichTextFormat, Callable[[str], str]]] = {
    "html": markdown_to_html,
    "text": markdown_to_text,
}


def render_rich_text(value: T, fmt: RichTextFormat) -> T:
    """A copy of ``value`` (a Struct, or a list or tuple of them) with rich text in ``fmt``.

    Every field named in ``RICH_TEXT_FIELDS`` holding a non-empty string is converted, at any
    depth; ``markdown`` is the stored form, so it returns ``value`` itself.
    """
    convert = _CONVERTERS.get(fmt)
    if convert is None:
        return value
    return cast(T, _convert(value, convert))


def _convert(value: object, convert: Callable[[str], str]) -> object:
    if isinstance(value, msgspec.Struct):
        changes: dict[str, object] = {}
        # ``__struct_fields__`` rather than ``msgspec.structs.fields``, which re-evaluates the
        # type annotations on every call.
        for name in value.__struct_fields__:
            current = getattr(value, name)
            if name in RICH_TEXT_FIELDS and isinstance(current, str):
                if current:
                    changes[name] = convert(current)
                continue
            new = _convert(current, convert)
            if new is not current:
                changes[name] = new
        # Unchanged Structs are shared rather than copied: they are frozen.
        return msgspec.structs.replace(value, **changes) if changes else value
    if isinstance(value, list | tuple):
        items = [_convert(item, convert) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    return value
