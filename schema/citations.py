"""Bibliographic references of an article and the citations of them in its content.

An article lists its references once; prose cites one as a footnote marker ``[^id]`` and typed
items (a therapy, a side effect, a contraindication) cite them in a ``citations`` list. Channels
number the references in list order. This module validates and finds citations; it renders
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Final

import msgspec
from msgspec import Meta

from schema.base import KEY_PATTERN, HttpUrl, Model, NonEmptyStr, ensure_unique, rich_text_fields

# Constrained aliases, alike in shape only: each states its own limits and description.
ReferenceId = Annotated[
    str,
    Meta(
        pattern=KEY_PATTERN,
        min_length=1,
        max_length=64,
        description="The reference's key within its article, cited as `[^key]` in rich text.",
        examples=["nice-2023"],
    ),
]
Doi = Annotated[
    str,
    Meta(
        pattern=r"^10\.[0-9]{4,9}/[^\s]+$",
        max_length=300,
        description="A DOI without its resolver (`10.1000/xyz`).",
        examples=["10.1176/appi.ajp.2018.17060720"],
    ),
]
Pmid = Annotated[
    str,
    Meta(pattern=r"^[1-9][0-9]{0,8}$", description="A PubMed id.", examples=["29945462"]),
]
Isbn = Annotated[
    str,
    Meta(
        pattern=r"^[0-9][0-9 -]{8,15}[0-9Xx]$",
        description="An ISBN-10 or ISBN-13 (hyphens allowed); its check digit is verified.",
        examples=["978-0-19-880116-0"],
    ),
]
Citations = Annotated[
    list[ReferenceId],
    Meta(max_length=20, description="Keys of the article's references this item rests on."),
]
FOOTNOTE: Final = re.compile(r"\[\^([a-z0-9]+(?:-[a-z0-9]+)*)\]")


def isbn_is_valid(isbn: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 (hyphens and spaces ignored) has a correct check digit."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit():
        values = [10 if c == "X" else int(c) for c in digits if c.isdigit() or c == "X"]
        return len(values) == 10 and sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


class Reference(Model, frozen=True):
    """A source the article rests on: at least one of DOI, PMID, ISBN or URL, and its details."""

    id: ReferenceId
    title: Annotated[str, Meta(min_length=1, max_length=500)]
    authors: Annotated[list[NonEmptyStr], Meta(max_length=50)] = msgspec.field(default_factory=list)
    journal: NonEmptyStr | None = None
    publisher: NonEmptyStr | None = None
    year: Annotated[int, Meta(ge=1450, le=2100)] | None = None
    accessed: date | None = None
    doi: Doi | None = None
    pmid: Pmid | None = None
    isbn: Isbn | None = None
    url: HttpUrl | None = None

    def __post_init__(self) -> None:
        if not (self.doi or self.pmid or self.isbn or self.url):
            raise ValueError(f"reference {self.id!r} needs a `doi`, `pmid`, `isbn` or `url`")
        if self.isbn is not None and not isbn_is_valid(self.isbn):
            raise ValueError(f"`isbn` {self.isbn!r} of {self.id!r} fails its check digit")


def ensure_unique_reference_ids(references: list[Reference]) -> None:
    """Reject a reference list whose keys repeat."""
    ensure_unique((reference.id for reference in references), "reference key")


def iter_citations(value: object, path: str = "$") -> Iterator[tuple[str, str]]:
    """``(path, key)`` of every citation in a content Struct: footnotes and ``citations`` lists.

    Paths follow the request body, like ``$.therapies[0].citations[1]`` or ``$.body``.
    """
    if isinstance(value, msgspec.Struct):
        rich = rich_text_fields(type(value))
        for name in value.__struct_fields__:
            current = getattr(value, name)
            if name == "citations" and isinstance(current, list):
                yield from ((f"{path}.citations[{i}]", key) for i, key in enumerate(current))
            elif name in rich and isinstance(current, str):
                yield from ((f"{path}.{name}", m[1]) for m in FOOTNOTE.finditer(current))
            else:
                yield from iter_citations(current, f"{path}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_citations(item, f"{path}[{index}]")


def unused_references(references: list[Reference], sections: list[object]) -> list[str]:
    """Keys of the references nothing in ``sections`` cites, in list order."""
    cited = {key for section in sections for _, key in iter_citations(section)}
    return [reference.id for reference in references if reference.id not in cited]
