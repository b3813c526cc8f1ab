"""The HTML of each section's content, shared by the web and email renders.

Every text is escaped here and every rich text goes through ``markdown_to_html``; the channels
wrap the result (a ``<section>`` for the web, a table row for email) and sanitize it again.
Class names are hooks: the web keeps a few, email turns them into inline styles. Sections come
in with their references resolved (the renders call ``resolve_references`` first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import assert_never

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
from service.channels.render.facts import (
    DOSING_HEADERS,
    format_dose,
    format_duration,
    format_optional,
    format_side_effect,
    labelled_items,
    onset_words,
    route_label,
    schedule_words,
    therapy_facts,
)
from service.channels.render.markdown import markdown_to_html


def section_content_html(section: Section) -> str:
    """The content of a section below its heading, as an HTML fragment."""
    match section:
        case ConclusionSection():
            html = markdown_to_html(section.body)
            if section.call_to_action is not None:
                cta = section.call_to_action
                html += (
                    f'<p class="cta"><a class="cta-link" href="{escape(cta.url)}">'
                    f"{escape(cta.label)}</a></p>"
                )
            return html
        case IntroSection() | ExplainerSection():
            return markdown_to_html(section.body)
        case BenefitsSection():
            return titled_items_html("ul", section.items)
        case WhatToExpectSection():
            return titled_items_html("ol", section.steps)
        case TherapyTypesSection():
            return dosing_table_html(section.therapies) + "".join(
                _therapy_html(therapy) for therapy in section.therapies
            )
        case SafetySection():
            return (
                markdown_to_html(section.body)
                + list_html("side-effects", map(format_side_effect, section.side_effects))
                + _optional_markdown(section.long_term)
            )
        case CandidacySection():
            return (
                _optional_markdown(section.body)
                + list_html("conditions", section.conditions)
                + list_html("criteria", section.criteria)
            )
        case ContraindicationsSection() | InteractionsSection() | WarningsSection() | FaqSection():
            intro = getattr(section, "body", "")
            return _optional_markdown(intro) + _labelled_html(section)
        case _:
            assert_never(section)


def titled_items_html(tag: str, items: Sequence[TitledItem]) -> str:
    """A list whose entries lead with their title in ``<strong>``, then their rich-text body."""
    entries = "".join(
        f"<li><strong>{escape(item.title)}</strong>{markdown_to_html(item.body)}</li>"
        for item in items
    )
    return f'<{tag} class="items">{entries}</{tag}>'


def list_html(css_class: str, texts: Iterable[str]) -> str:
    """A bullet list of plain texts, or nothing when there are none."""
    entries = "".join(f"<li>{escape(text)}</li>" for text in texts)
    return f'<ul class="{css_class}">{entries}</ul>' if entries else ""


def dosing_table_html(therapies: Sequence[Therapy]) -> str:
    """The therapies as a table: one row each, one column per dosing fact."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in DOSING_HEADERS)
    rows = "".join(
        "<tr>"
        f'<th scope="row">{escape(therapy.name)}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in _dosing_cells(therapy))
        + "</tr>"
        for therapy in therapies
    )
    return f'<table class="dosing"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _dosing_cells(therapy: Therapy) -> tuple[str, ...]:
    return (
        route_label(therapy.route),
        format_dose(therapy.dose),
        format_duration(therapy.duration_minutes),
        format_optional(schedule_words(therapy)),
        format_optional(onset_words(therapy)),
        format_optional(therapy.setting),
    )


def _therapy_html(therapy: Therapy) -> str:
    facts = list_html("facts", (f"{label}: {value}" for label, value in therapy_facts(therapy)))
    return f"<h3>{escape(therapy.name)}</h3>{facts}{markdown_to_html(therapy.body)}"


def _labelled_html(
    section: ContraindicationsSection | InteractionsSection | WarningsSection | FaqSection,
) -> str:
    entries = "".join(
        f"<li><strong>{escape(title)}</strong>"
        + (f" ({escape(detail)})" if detail else "")
        + _optional_markdown(body)
        + "</li>"
        for title, detail, body in labelled_items(section)
    )
    return f'<ul class="items">{entries}</ul>'


def _optional_markdown(md: str) -> str:
    return markdown_to_html(md) if md.strip() else ""
