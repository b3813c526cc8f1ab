"""Rich-text fields of any content Struct rendered to the format a client asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar, cast

import msgspec

from schema.api import RichTextFormat
from schema.article import Article
from schema.base import rich_text_fields
from service.channels.render.citations import number_citations
from service.channels.render.markdown import markdown_to_html, markdown_to_text
from service.channels.render.references import replace_fields, resolve_references

T = TypeVar("T")

_CONVERTERS: Final[dict[RichTextFormat, Callable[[str], str]]] = {
    "html": markdown_to_html,
    "text": markdown_to_text,
}


def render_rich_text(value: T, fmt: RichTextFormat) -> T:
    """A copy of ``value`` (a Struct, or a list or tuple of them) as readers get it in ``fmt``.

    References to typed facts are resolved first, in every format; then every field typed as
    rich text holding a non-empty string is converted, at any depth. ``markdown`` is the stored
    form, so without references it returns ``value`` itself.
    """
    resolved = resolve_references(value)
    if isinstance(resolved, Article):
        # Footnotes are numbered in every format; items keep their citations as data.
        resolved = cast(T, number_citations(resolved, markdown=fmt == "markdown", items=False))
    convert = _CONVERTERS.get(fmt)
    if convert is None:
        return resolved
    return cast(T, _convert(resolved, convert))


# Walks Structs like citations._number; both stay: the rules differ (see there).
def _convert(value: object, convert: Callable[[str], str]) -> object:
    if isinstance(value, msgspec.Struct):
        rich = rich_text_fields(type(value))
        changes: dict[str, object] = {}
        for name in value.__struct_fields__:
            current = getattr(value, name)
            if name in rich and isinstance(current, str):
                if current:
                    changes[name] = convert(current)
                continue
            changes[name] = _convert(current, convert)
        # Unchanged Structs are shared rather than copied: they are frozen.
        return replace_fields(value, changes)
    if isinstance(value, list | tuple):
        items = [_convert(item, convert) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    return value
