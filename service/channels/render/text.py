"""An article as wrapped plain text for email text parts, SMS and voice."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Final, assert_never

from schema.article import Article

# Alike in every render: each names every section type it matches on (exhaustive: assert_never).
from schema.sections import (
    BenefitsSection,
    CandidacySection,
    ConclusionSection,
    ContraindicationsSection,
    ExplainerSection,
    FaqSection,
    InteractionsSection,
    IntroSection,
    SafetySection,
    Section,
    Therapy,
    TherapyTypesSection,
    TitledItem,
    WarningsSection,
    WhatToExpectSection,
)
from service.channels.render.citations import (
    correction_text,
    number_citations,
    placeholder_note,
    references_text,
    review_dates_line,
)
from service.channels.render.facts import (
    DOSING_HEADERS,
    format_dose,
    format_duration,
    format_review_line,
    format_side_effect,
    labelled_items,
    onset_words,
    route_label,
    schedule_words,
    therapy_facts,
)
from service.channels.render.markdown import align_columns, markdown_to_text
from service.channels.render.references import resolve_references

# A line of markdown_to_text output: its indent, an optional list marker, then the words.
_LINE: Final = re.compile(r"^( *)((?:[-*+]|\d+[.)]) )?(.*)$")
_CODE_INDENT: Final = 4
_GAP: Final = "  "


def render_text(article: Article, *, width: int = 72) -> str:
    """The article as plain text wrapped at ``width``, with the same facts as the web page."""
    article = number_citations(resolve_references(article))
    blocks = [_underline(article.title, "=")]
    for section in article.sections:
        blocks.append(_underline(section.title, "-"))
        blocks.extend(block for block in _section_blocks(section, width) if block)
    if article.references:
        blocks.append(_underline("References", "-"))
        blocks.extend(wrap_text(line, width) for line in references_text(article.references))
    blocks.append(wrap_text(format_review_line(article.review), width))
    blocks.append(wrap_text(review_dates_line(article.review), width))
    if placeholder_note(article.review):
        blocks.append(wrap_text(placeholder_note(article.review), width))
    if article.corrections:
        blocks.append(_underline("Corrections", "-"))
        blocks.extend(wrap_text(correction_text(c), width) for c in article.corrections)
    blocks.append(wrap_text(article.disclaimer, width))
    return "\n\n".join(blocks) + "\n"


def wrap_text(text: str, width: int, *, indent: str = "") -> str:
    """Wrap text (as ``markdown_to_text`` lays it out) without splitting words or hyphenations.

    List items keep their marker with continuation lines under the words; lines indented as code
    keep their layout.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        match = _LINE.match(line)
        if not line.strip() or match is None:
            lines.append("")
            continue
        lead, marker, words = match.groups()
        if marker is None and len(lead) >= _CODE_INDENT:
            lines.append(indent + line)
            continue
        first = indent + lead + (marker or "")
        lines.extend(
            textwrap.wrap(
                words,
                width=width,
                initial_indent=first,
                subsequent_indent=" " * len(first),
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [first.rstrip()]
        )
    return "\n".join(lines)


def _section_blocks(section: Section, width: int) -> list[str]:
    match section:
        case ConclusionSection():
            blocks = [_markdown(section.body, width)]
            if section.call_to_action is not None:
                cta = section.call_to_action
                blocks.append(wrap_text(f"{cta.label}: {cta.url}", width))
            return blocks
        case IntroSection() | ExplainerSection():
            return [_markdown(section.body, width)]
        case BenefitsSection():
            return [_titled_items(section.items, width, numbered=False)]
        case WhatToExpectSection():
            return [_titled_items(section.steps, width, numbered=True)]
        case TherapyTypesSection():
            return [_dosing_table(section.therapies, width)] + [
                _therapy(therapy, width) for therapy in section.therapies
            ]
        case SafetySection():
            return [
                _markdown(section.body, width),
                _bullets(map(format_side_effect, section.side_effects), width),
                _markdown(section.long_term, width),
            ]
        case CandidacySection():
            return [
                _markdown(section.body, width),
                _bullets(section.conditions, width),
                _bullets(section.criteria, width),
            ]
        case ContraindicationsSection() | InteractionsSection() | WarningsSection() | FaqSection():
            return [_markdown(getattr(section, "body", ""), width), _labelled(section, width)]
        case _:
            assert_never(section)


def _markdown(md: str, width: int, *, indent: str = "") -> str:
    return wrap_text(markdown_to_text(md), width, indent=indent) if md.strip() else ""


def _titled_items(items: Sequence[TitledItem], width: int, *, numbered: bool) -> str:
    entries = []
    for number, item in enumerate(items, start=1):
        marker = f"{number}. " if numbered else "- "
        title = wrap_text(marker + item.title, width)
        body = _markdown(item.body, width, indent=" " * len(marker))
        entries.append(f"{title}\n{body}" if body else title)
    return "\n\n".join(entries)


def _bullets(texts: Iterable[str], width: int) -> str:
    return "\n".join(wrap_text(f"- {text}", width) for text in texts)


def _dosing_table(therapies: Sequence[Therapy], width: int) -> str:
    # Four columns fit a text line; schedule, onset and setting follow under each therapy.
    rows = [
        [
            therapy.name,
            route_label(therapy.route),
            format_dose(therapy.dose),
            format_duration(therapy.duration_minutes),
        ]
        for therapy in therapies
    ]
    header = list(DOSING_HEADERS[:4])
    # The other columns are short; long therapy names wrap within their column to keep `width`.
    others = sum(max(len(row[i]) for row in [header, *rows]) for i in range(1, 4))
    longest_word = 2 + max(len(word) for row in [header, *rows] for word in row[0].split())
    name_width = max(width - others - len(_GAP) * 3, longest_word)
    lines = [header]
    for name, *facts in rows:
        # Continuation lines are indented so they do not read as rows of their own.
        parts = textwrap.wrap(
            name,
            name_width,
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.append([parts[0], *facts])
        lines.extend([part, "", "", ""] for part in parts[1:])
    head, *body = align_columns(lines, _GAP)
    return "\n".join([head, "-" * len(head), *body])


def _labelled(
    section: ContraindicationsSection | InteractionsSection | WarningsSection | FaqSection,
    width: int,
) -> str:
    entries = []
    for title, detail, body in labelled_items(section):
        head = wrap_text(f"- {title} ({detail})" if detail else f"- {title}", width)
        text = _markdown(body, width, indent="  ")
        entries.append(f"{head}\n{text}" if text else head)
    return "\n\n".join(entries)


def _therapy(therapy: Therapy, width: int) -> str:
    details = (schedule_words(therapy), onset_words(therapy), therapy.setting)
    facts = [
        f"{label}: {value}"
        for label, value in zip(DOSING_HEADERS[4:], details, strict=True)
        if value
    ]
    facts += [f"{label}: {value}" for label, value in therapy_facts(therapy)]
    lines = [therapy.name, *(wrap_text(fact, width) for fact in facts)]
    return "\n".join(lines) + "\n\n" + _markdown(therapy.body, width)


def _underline(title: str, rule: str) -> str:
    return f"{title}\n{rule * len(title)}"
