"""The searchable text of an article and the facets its filters match: a pure function of it.

Walks the sections generically, so a new section kind is searchable without a change here:
every string but identifiers is text (Markdown reduced to plain text), every ``route`` string
is a route facet and every ``conditions`` list a condition facet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import msgspec

from schema.article import ArticleFields
from schema.delivery import SearchDocument, SearchFacet
from schema.sections import Section
from service.channels.render.markdown import markdown_to_text

_NOT_TEXT = frozenset({"key", "kind", "url", "unit", "route", "hero_image"})


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            if name not in _NOT_TEXT:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _facets(value: object) -> Iterator[SearchFacet]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "route" and isinstance(item, str):
                yield SearchFacet(name="route", value=item)
            elif name == "conditions" and isinstance(item, list):
                for condition in item:
                    if isinstance(condition, str):
                        yield SearchFacet(name="condition", value=fold_facet(condition))
            else:
                yield from _facets(item)
    elif isinstance(value, list):
        for item in value:
            yield from _facets(item)


def fold_facet(value: str) -> str:
    """A facet value as stored and as a filter is compared: trimmed and case-folded."""
    return " ".join(value.split()).casefold()


def search_documents(
    fields: ArticleFields, sections: Sequence[Section]
) -> tuple[list[SearchDocument], list[SearchFacet]]:
    """The article's documents (its title and summary, then one per section) and its facets."""
    documents = [
        SearchDocument(section_key=None, kind=None, title=fields.title, body=fields.summary)
    ]
    facets: dict[SearchFacet, None] = {}
    for section in sections:
        data = msgspec.to_builtins(section)
        title = str(data.pop("title", ""))
        body = "\n".join(markdown_to_text(text) for text in _strings(data) if text.strip())
        documents.append(
            SearchDocument(section_key=section.key, kind=str(data["kind"]), title=title, body=body)
        )
        facets.update(dict.fromkeys(_facets(data)))
    return documents, list(facets)
