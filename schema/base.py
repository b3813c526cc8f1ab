"""One base Struct for the content model and the constrained aliases it is built from."""

from __future__ import annotations

from typing import Annotated

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


# Meta(pattern=...) is an unanchored search, so every pattern is anchored with ^...$.
Slug = Annotated[
    str,
    Meta(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        min_length=1,
        max_length=120,
        description="URL-safe lowercase identifier: letters, digits and single hyphens.",
        examples=["ketamine-therapy-for-anxiety"],
    ),
]
SectionKey = Annotated[
    str,
    Meta(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
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
RichText = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=20_000,
        pattern=MULTI_LINE_PATTERN,
        description="CommonMark Markdown in storage; rendered per the `format` query parameter. "
        "No control characters but tab and line breaks.",
    ),
]
OptionalRichText = Annotated[
    str,
    Meta(
        max_length=20_000,
        pattern=MULTI_LINE_PATTERN,
        description="CommonMark Markdown, may be empty; rendered per the `format` query parameter. "
        "No control characters but tab and line breaks.",
    ),
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
Minutes = Annotated[int, Meta(ge=0, le=24 * 60)]

# Names of fields whose text is rich (Markdown) and so rendered per requested format.
RICH_TEXT_FIELDS: frozenset[str] = frozenset({"body", "long_term"})
