"""One base Struct for the content model and the constrained aliases it is built from."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Annotated, Any, Final, get_args, get_origin, get_type_hints

import msgspec
from msgspec import Meta

from schema.text import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN


class Model(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """Base of every wire and content Struct.

    - ``kw_only``: fields are named at every call site, so adding a field never shifts others.
    - ``forbid_unknown_fields``: a misspelt field is an error naming it, never silently dropped.
    - ``frozen``: content read from a revision is immutable; a change builds a new value.

    msgspec applies ``kw_only`` only to the fields a class itself declares, so subclasses list
    required fields before defaulted ones; subclasses repeat ``frozen=True`` so mypy knows it.
    """


def present_fields(patch: msgspec.Struct) -> dict[str, Any]:
    """The fields a patch names: every field not left ``UNSET``, by name."""
    return {
        name: value
        for name, value in msgspec.structs.asdict(patch).items()
        if value is not msgspec.UNSET
    }


def ensure_unique(keys: Iterable[str], what: str) -> None:
    """Reject keys that repeat, naming the first repeat (the ``ValueError`` becomes a
    validation error)."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{what} {key!r} appears more than once")
        seen.add(key)


# Meta(pattern=...) is an unanchored search, so every pattern is anchored with ^...$.
KEY_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # slugs, section keys, reference keys
# Constrained aliases, alike in shape only: each states its own limits and description.
Slug = Annotated[
    str,
    Meta(
        pattern=KEY_PATTERN,
        min_length=1,
        max_length=120,
        description="URL-safe lowercase identifier: letters, digits and single hyphens.",
        examples=["ketamine-therapy-for-anxiety"],
    ),
]
SectionKey = Annotated[
    str,
    Meta(
        pattern=KEY_PATTERN,
        min_length=1,
        max_length=64,
        description="Stable key of a section within its article.",
        examples=["therapy-types"],
    ),
]
NonEmptyStr = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=300,
        pattern=SINGLE_LINE_PATTERN,
        description="A short single-line text without leading or trailing spaces or control "
        "characters.",
    ),
]


class RichTextMarker:
    """Marks a ``str`` alias as rich text, so renderers find rich fields by type, not by name."""

    def __repr__(self) -> str:
        return "RICH_TEXT"


RICH_TEXT: Final = RichTextMarker()
_MARKDOWN: Final = {"contentMediaType": "text/markdown"}
RichText = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=20_000,
        pattern=MULTI_LINE_PATTERN,
        description="CommonMark Markdown in storage; rendered per the `format` query parameter. "
        "May refer to its item's typed facts as `{dose}` and the like; public outputs show "
        "the value, never the reference. No control characters but tab and line breaks.",
        extra_json_schema=_MARKDOWN,
    ),
    RICH_TEXT,
]
OptionalRichText = Annotated[
    str,
    Meta(
        max_length=20_000,
        pattern=MULTI_LINE_PATTERN,
        description="CommonMark Markdown, may be empty; rendered per the `format` query parameter. "
        "No control characters but tab and line breaks.",
        extra_json_schema=_MARKDOWN,
    ),
    RICH_TEXT,
]


def plain_text(max_length: int, *, min_length: int = 0) -> Meta:
    """The constraints of a multi-line plain text field: bounded, no control characters."""
    return Meta(min_length=min_length, max_length=max_length, pattern=MULTI_LINE_PATTERN)


HttpUrl = Annotated[
    str,
    Meta(
        pattern=r"^https?://[^\s<>\"']+$", max_length=2_000, description="An absolute http(s) URL."
    ),
]
PositiveNumber = Annotated[float, Meta(gt=0, le=100_000)]
NonNegativeNumber = Annotated[float, Meta(ge=0, le=100_000)]
Minutes = Annotated[int, Meta(ge=0, le=24 * 60)]


def _is_rich(hint: object) -> bool:
    if get_origin(hint) is Annotated:
        return any(extra is RICH_TEXT for extra in getattr(hint, "__metadata__", ()))
    return any(_is_rich(arg) for arg in get_args(hint))


@cache
def rich_text_fields(cls: type[msgspec.Struct]) -> frozenset[str]:
    """Names of the fields of ``cls`` typed as rich text (``RichText``, ``OptionalRichText``)."""
    hints = get_type_hints(cls, include_extras=True)
    return frozenset(name for name in cls.__struct_fields__ if _is_rich(hints[name]))
