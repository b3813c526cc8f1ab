"""Bounds on the work an editor's rich text can cause: its size, and how long it takes to render.

Some Markdown shapes (thousands of unclosed ``[`` or ``![``) make the CommonMark parser
quadratic: 20,000 characters of ``![`` take seconds. Such text is refused when it is saved, by
timing its render, so that no channel (nor the preview) ever spends that time again; the work
itself runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from typing import Final

import msgspec

from schema.base import rich_text_fields
from schema.sections import Section
from service.channels.render.markdown import markdown_to_html
from service.errors import FieldError, InvalidInput

# A real article's longest field renders in a few milliseconds; this is tens of times that, and
# well under what 20,000 characters of unclosed brackets take (half a second and more).
RENDER_BUDGET_S: Final = 0.25
# What one article's fields and sections may weigh, encoded (the seed is about 20 KiB).
MAX_CONTENT_BYTES: Final = 512 * 1024
MAX_PREVIEW_CHARS: Final = 20_000
_TOO_COMPLEX: Final = (
    "is too complex to render (it took over {budget:g} s): simplify it, for example the many "
    "unclosed `[` or `![`"
)


def iter_rich_text(value: object, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every non-empty rich-text string in a Struct tree, found by type, with its JSON path."""
    if isinstance(value, msgspec.Struct):
        rich = rich_text_fields(type(value))
        for name in value.__struct_fields__:
            item = getattr(value, name)
            if name in rich and isinstance(item, str):
                if item:
                    yield f"{path}.{name}", item
            else:
                yield from iter_rich_text(item, f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from iter_rich_text(item, f"{path}[{index}]")


def refuse_slow_rich_text(sections: Sequence[Section], prefix: str) -> None:
    """A 400 naming each rich-text field whose render takes longer than the budget."""
    errors: list[FieldError] = []
    for index, section in enumerate(sections):
        for path, text in iter_rich_text(section, prefix.format(index=index)):
            started = time.perf_counter()
            markdown_to_html(text)
            if time.perf_counter() - started > RENDER_BUDGET_S:
                errors.append(FieldError(path, _TOO_COMPLEX.format(budget=RENDER_BUDGET_S)))
    if errors:
        raise InvalidInput(
            f"Rich text at {', '.join(f'`{e.path}`' for e in errors)} "
            + _TOO_COMPLEX.format(budget=RENDER_BUDGET_S)
            + ".",
            errors=tuple(errors),
        )


def refuse_oversized(content: object) -> None:
    """A 400 when an article's fields and sections together outweigh the bound."""
    size = len(msgspec.json.encode(content))
    if size > MAX_CONTENT_BYTES:
        raise InvalidInput(
            f"The article would hold {size // 1024} KiB of content, more than the "
            f"{MAX_CONTENT_BYTES // 1024} KiB an article may; split it into several articles.",
            errors=(FieldError("$", f"at most {MAX_CONTENT_BYTES // 1024} KiB of content"),),
        )


async def preview_html(markdown: str) -> str:
    """Sanitized HTML of an editor's Markdown, rendered in a worker thread within the budget."""
    if len(markdown) > MAX_PREVIEW_CHARS:
        raise InvalidInput(
            f"The preview takes at most {MAX_PREVIEW_CHARS:,} characters, as a field does.",
            errors=(FieldError("$", f"at most {MAX_PREVIEW_CHARS} characters"),),
        )
    try:
        async with asyncio.timeout(RENDER_BUDGET_S):
            return await asyncio.to_thread(markdown_to_html, markdown)
    except TimeoutError:
        raise InvalidInput(
            "This text " + _TOO_COMPLEX.format(budget=RENDER_BUDGET_S) + ".",
            errors=(FieldError("$", "too complex to render"),),
        ) from None
