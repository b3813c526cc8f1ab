"""Citations as readers see them: numbered markers, the reference list, review dates, corrections.

References are numbered in the article's list order. A footnote ``[^key]`` in rich text becomes
``[^N]`` in Markdown and a link ``[N]`` to ``#ref-N`` in HTML and text; the renders (web, email,
text) also mark typed items that cite references, after their text.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import Final, TypeVar

import msgspec

from schema.article import Article, Review
from schema.base import rich_text_fields
from schema.citations import FOOTNOTE, Reference
from schema.sections import Contraindication, SideEffect, Therapy
from schema.trust import Correction
from service.channels.render.references import replace_fields

T = TypeVar("T")
DOI_RESOLVER: Final = "https://doi.org/"
PUBMED: Final = "https://pubmed.ncbi.nlm.nih.gov/"


def reference_numbers(article: Article) -> dict[str, int]:
    """Each reference's number (1-based, list order) by key."""
    return {reference.id: index for index, reference in enumerate(article.references, start=1)}


def _marker(number: int, *, markdown: bool) -> str:
    return f"[^{number}]" if markdown else f"[[{number}]](#ref-{number})"


def _number_text(text: str, numbers: dict[str, int], *, markdown: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match[1]
        number = numbers.get(key)
        # A key with no reference cannot be stored (a 400); an old revision shows it plainly.
        return f"[{key}]" if number is None else _marker(number, markdown=markdown)

    return FOOTNOTE.sub(replace, text)


def _item_markers(item: Therapy | Contraindication | SideEffect, numbers: dict[str, int]) -> str:
    cited = [numbers[key] for key in item.citations if key in numbers]
    if isinstance(item, SideEffect):  # its note is plain text, not Markdown
        return "".join(f"[{number}]" for number in cited)
    return "".join(_marker(number, markdown=False) for number in cited)


# Walks Structs like fields._convert; both stay: this one numbers citations and marks cited
# items (empty text kept, lists only), that one converts formats on the render's hot path.
def _number(value: object, numbers: dict[str, int], markdown: bool, items: bool) -> object:
    if isinstance(value, msgspec.Struct):
        rich = rich_text_fields(type(value))
        changes: dict[str, object] = {}
        for name in value.__struct_fields__:
            current = getattr(value, name)
            if name in rich and isinstance(current, str):
                changes[name] = _number_text(current, numbers, markdown=markdown)
            elif not isinstance(current, str):
                changes[name] = _number(current, numbers, markdown, items)
        if items and isinstance(value, Therapy | Contraindication | SideEffect):
            marks = _item_markers(value, numbers)
            field = "note" if isinstance(value, SideEffect) else "body"
            if marks:
                text = str(changes.get(field, getattr(value, field)))
                changes[field] = f"{text} {marks}".strip()
        return replace_fields(value, changes)
    if isinstance(value, list):
        new = [_number(item, numbers, markdown, items) for item in value]
        return value if all(a is b for a, b in zip(new, value, strict=True)) else new
    return value


def number_citations(article: Article, *, markdown: bool = False, items: bool = True) -> Article:
    """The article with footnotes numbered; with ``items``, cited items marked after their text."""
    numbers = reference_numbers(article)
    sections = _number(article.sections, numbers, markdown, items)
    return replace_fields(article, {"sections": sections})


def format_day(day: date) -> str:
    """A date (or the date of a time) as people read it: ``March 4, 2025``."""
    return f"{day:%B} {day.day}, {day.year}"


def reference_links(reference: Reference) -> list[str]:
    """Where a reference can be read: doi.org, PubMed, its URL (in that order)."""
    links = []
    if reference.doi:
        links.append(DOI_RESOLVER + reference.doi)
    if reference.pmid:
        links.append(f"{PUBMED}{reference.pmid}/")
    if reference.url:
        links.append(reference.url)
    return links


def reference_text(reference: Reference) -> str:
    """A reference as one line: authors. title. journal or publisher (year). ids. accessed."""
    parts = []
    if reference.authors:
        parts.append(", ".join(reference.authors) + ".")
    parts.append(reference.title.rstrip(".") + ".")
    source = reference.journal or reference.publisher
    if source and reference.year:
        parts.append(f"{source} ({reference.year}).")
    elif source or reference.year:
        parts.append(f"{source or reference.year}.")
    if reference.doi:
        parts.append(f"doi:{reference.doi}.")
    if reference.pmid:
        parts.append(f"PMID {reference.pmid}.")
    if reference.isbn:
        parts.append(f"ISBN {reference.isbn}.")
    if reference.url:
        parts.append(reference.url)
    if reference.accessed:
        parts.append(f"Accessed {format_day(reference.accessed)}.")
    return " ".join(parts)


def references_html(references: list[Reference]) -> str:
    """The numbered reference list as an HTML section (empty when there are none)."""
    if not references:
        return ""
    items = []
    for number, reference in enumerate(references, start=1):
        links = reference_links(reference)
        link = f' <a href="{escape(links[0])}">{escape(links[0])}</a>' if links else ""
        items.append(f'<li id="ref-{number}">{escape(reference_text(reference))}{link}</li>')
    return (
        '<section id="references"><h2>References</h2>'
        f'<ol class="references">{"".join(items)}</ol></section>'
    )


def references_text(references: list[Reference]) -> list[str]:
    """The numbered reference list as lines ``[N] ...``."""
    return [f"[{n}] {reference_text(ref)}" for n, ref in enumerate(references, start=1)]


def review_dates_line(review: Review) -> str:
    """``Last reviewed DATE / Next review due DATE`` (the second part only when set)."""
    line = f"Last reviewed {format_day(review.reviewed_at)}"
    if review.next_review_due is not None:
        line += f" / Next review due {format_day(review.next_review_due)}"
    return line


def placeholder_note(review: Review) -> str:
    """A plain warning when the reviewer is the seed's placeholder, else nothing."""
    if review.reviewed_by.is_placeholder:
        return "This review is a placeholder for seed data, not a real medical review."
    return ""


def correction_text(correction: Correction) -> str:
    """One corrections-log entry: ``March 4, 2025: We corrected ...``."""
    urgent = " (urgent)" if correction.is_urgent else ""
    return f"{format_day(correction.date)}{urgent}: {correction.note}"


def corrections_html(corrections: list[Correction]) -> str:
    """The corrections log as an HTML section (empty when there are none)."""
    if not corrections:
        return ""
    items = "".join(
        f'<li><time datetime="{c.date.date().isoformat()}">{escape(format_day(c.date))}</time>'
        f"{' (urgent)' if c.is_urgent else ''}: {escape(c.note)}</li>"
        for c in corrections
    )
    return (
        '<section id="corrections"><h2>Corrections</h2>'
        f'<ul class="corrections">{items}</ul></section>'
    )
