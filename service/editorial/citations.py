"""Citations must name a reference of the article; references nobody cites are flagged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schema.article import ArticleFields
from schema.citations import iter_citations
from schema.sections import Section
from service.errors import FieldError, InvalidInput


def _keys(fields: ArticleFields) -> str:
    return ", ".join(reference.id for reference in fields.references) or "none yet"


def refuse_missing_citations(
    fields: ArticleFields, sections: Iterable[Section], prefix: str = "$"
) -> None:
    """A 400 naming each field that cites a reference the article does not list.

    ``prefix`` is where the sections sit in the request body: ``$`` for one section's PUT,
    ``$.sections[{index}]`` for a whole article.
    """
    known = {reference.id for reference in fields.references}
    errors = tuple(
        FieldError(
            prefix.format(index=index) + path.removeprefix("$"),
            f"cites [^{key}], which is not among the article's references",
        )
        for index, section in enumerate(sections)
        for path, key in iter_citations(section)
        if key not in known
    )
    if errors:
        raise InvalidInput(
            "A citation names a reference the article does not list; add it to `references` "
            f"first (the article's references: {_keys(fields)}).",
            errors=errors,
        )


def refuse_dropped_citations(fields: ArticleFields, sections: Sequence[Section]) -> None:
    """A 400 on a change of ``references`` that drops a reference some section still cites."""
    known = {reference.id for reference in fields.references}
    errors = tuple(
        FieldError("$.references", f"drops [^{key}], still cited at {section.key}{path[1:]}")
        for section in sections
        for path, key in iter_citations(section)
        if key not in known
    )
    if errors:
        raise InvalidInput(
            "The new `references` drop a reference the draft still cites; remove the citation "
            "first.",
            errors=errors,
        )
