"""An article with every section kind, as the renders get it, and the text to look for in them."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from schema.article import Article
from schema.base import rich_text_fields
from service.channels.render.references import resolve_references

BASE_URL = "https://api.example.com"
WEB_URL = "https://api.example.com/v1/articles/ketamine-for-anxiety/render/web"


def article_data(**overrides: Any) -> dict[str, Any]:
    """An article with one section of every kind, as it arrives on the wire."""
    data: dict[str, Any] = {
        "slug": "ketamine-for-anxiety",
        "title": "Ketamine therapy for anxiety",
        "summary": "Ketamine is a fast-acting option for treatment-resistant anxiety.",
        "hero_image": "https://cdn.example.com/hero.png",
        "revision": 3,
        "published_at": "2025-02-01T08:00:00Z",
        "updated_at": "2025-03-05T12:30:00Z",
        "review": {
            "reviewed_by": {"name": "Dana Lee", "credentials": "MD, Psychiatry"},
            "reviewed_at": "2025-03-04T09:15:00Z",
        },
        "disclaimer": "This article is general information, not medical advice.",
        "sections": [
            {
                "kind": "intro",
                "key": "intro",
                "title": "Introduction",
                "body": "Anxiety disorders affect millions of people. Some do not respond to "
                "first-line treatment.\n\nKetamine offers *another* route.",
            },
            {
                "kind": "explainer",
                "key": "how-it-works",
                "title": "How it works",
                "body": "Ketamine blocks N-methyl-D-aspartate (NMDA) receptors. This promotes "
                "neuroplasticity. See [the overview](guides/ketamine) for more.",
            },
            {
                "kind": "benefits",
                "key": "benefits",
                "title": "Benefits",
                "items": [
                    {"title": "Rapid relief", "body": "Symptoms can ease within hours."},
                    {"title": "Lasting change", "body": "Benefits may last for weeks."},
                ],
            },
            {
                "kind": "therapy_types",
                "key": "therapy-types",
                "title": "Types and dosing",
                "therapies": [
                    {
                        "name": "Intravenous (IV) infusion therapy",
                        "route": "intravenous",
                        "dose": {"min": 0.5, "max": 1.0, "unit": "mg/kg"},
                        "duration_minutes": {"min": 40, "max": 60},
                        "schedule": "usually over 2-4 weeks",
                        "onset": "within hours",
                        "setting": "a clinic",
                        "body": "Infusions run over a 40-60 minute period. Sessions are "
                        "usually given over 2-4 weeks.",
                    },
                    {
                        "name": "Nasal spray",
                        "route": "intranasal",
                        "dose": {"min": 56, "max": 84, "unit": "mg"},
                        "body": "Esketamine is given in a clinical setting.",
                    },
                ],
            },
            {
                "kind": "what_to_expect",
                "key": "what-to-expect",
                "title": "What to expect",
                "steps": [
                    {"title": "Consultation", "body": "A clinician checks your history."},
                    {"title": "Sessions", "body": "Each session lasts about an hour."},
                ],
            },
            {
                "kind": "safety",
                "key": "safety",
                "title": "Is it safe?",
                "body": "Ketamine is considered safe under supervision.",
                "side_effects": [
                    {"name": "Nausea"},
                    {"name": "Elevated blood pressure", "note": "usually brief"},
                ],
                "long_term": "Long-term risks are still being studied.",
            },
            {
                "kind": "candidacy",
                "key": "candidacy",
                "title": "Who can benefit?",
                "body": "It may help people who:",
                "conditions": ["Generalized anxiety disorder", "Panic disorder"],
                "criteria": ["Have not responded to other treatment."],
            },
            {
                "kind": "conclusion",
                "key": "conclusion",
                "title": "Conclusion",
                "body": "Ketamine is a promising option. Talk to your clinician.",
                "call_to_action": {"label": "Find a provider", "url": "https://example.com/find"},
            },
        ],
    }
    data.update(overrides)
    return data


def make_article(**overrides: Any) -> Article:
    """Decode an article the way the API does, so the fixture obeys the model's constraints."""
    return msgspec.json.decode(msgspec.json.encode(article_data(**overrides)), type=Article)


def collapse(text: str) -> str:
    """Text with every run of whitespace turned into one space."""
    return " ".join(text.split())


def rich_texts(value: object) -> list[str]:
    """Every non-empty rich-text value in a Struct tree, found by type, references resolved."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, msgspec.Struct):
            rich = rich_text_fields(type(node))
            for name in node.__struct_fields__:
                item = getattr(node, name)
                if name in rich and isinstance(item, str):
                    found.extend([item] if item else [])
                else:
                    walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(resolve_references(value))
    return found


def sentences(md: str) -> list[str]:
    """The sentences of plain Markdown prose, with emphasis and link syntax removed."""
    prose = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md).replace("*", "")
    return [s for s in re.split(r"(?<=[.!?:])\s+", collapse(prose)) if s]
