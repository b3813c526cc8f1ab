"""What changed between two revisions of an article, in words an editor would write.

Pure functions over typed content: sections are matched by key and therapies by name (or by
route when a name changed), so a line can say "IV dose range updated" rather than "therapy-types
changed".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

import msgspec

from schema.article import ArticleFields
from schema.changes import ArticleChange

# Alike in every render: each names every section type it matches on (exhaustive: assert_never).
from schema.sections import (
    BenefitsSection,
    CandidacySection,
    ConclusionSection,
    ContraindicationsSection,
    FaqSection,
    InteractionsSection,
    IntroSection,
    SafetySection,
    Section,
    Therapy,
    TherapyTypesSection,
    WarningsSection,
    WhatToExpectSection,
)
from service.channels.diff import changed_section_keys
from service.channels.render.facts import route_short

# Readers know sections by what they are about; explainers are known by their own title.
_KIND_LABELS: Final[dict[type[Section], str]] = {
    IntroSection: "Introduction",
    BenefitsSection: "Benefits",
    TherapyTypesSection: "Therapy types",
    WhatToExpectSection: "What to expect",
    SafetySection: "Safety",
    CandidacySection: "Candidacy",
    ContraindicationsSection: "Contraindications",
    InteractionsSection: "Interactions",
    WarningsSection: "Warnings",
    FaqSection: "Questions",
    ConclusionSection: "Conclusion",
}
# Fields whose change is worth naming; the rest (a body, the items themselves) is the section.
_ASPECTS: Final = {
    "side_effects": "side effects",
    "long_term": "long-term effects",
    "conditions": "conditions",
    "criteria": "criteria",
    "call_to_action": "call to action",
    "condition_codes": "condition codes",
    "contraindications": "contraindications",
    "interactions": "interactions",
    "warnings": "warnings",
    "questions": "questions",
}
_THERAPY_ASPECTS: Final = {
    "dose": "dose range",
    "route": "route",
    "duration_minutes": "session length",
    "schedule": "schedule",
    "onset": "onset",
    "setting": "setting",
    "form": "dose form",
    "frequency": "frequency",
    "course": "course length",
    "onset_time": "onset timing",
    "phases": "phases",
    "max_per_period": "maximum dose",
    "population": "population",
    "body": "description",
}
_ARTICLE_FIELDS: Final = {
    "title": "Title",
    "summary": "Summary",
    "disclaimer": "Disclaimer",
    "hero_image": "Image",
}


def section_label(section: Section) -> str:
    """How a change line names a section: its kind, or an explainer's own title."""
    label = _KIND_LABELS.get(type(section))
    return label if label is not None else f"{section.title} section"


def changed_keys(change: ArticleChange) -> list[str]:
    """Keys of the sections whose content differs between the revisions (none when withdrawn)."""
    if change.after is None:
        return []
    before = None if change.before is None else change.before.sections
    return changed_section_keys(before, change.after.sections)


def describe_change(change: ArticleChange) -> list[str]:
    """Human lines for an article's change, most important first; never empty."""
    before, after = change.before, change.after
    if after is None:
        return ["Article withdrawn"]
    if after.correction is not None:
        # A correction leads, in the words of its public note; urgent ones say so.
        kind = "Urgent correction" if after.correction.is_urgent else "Correction"
        is_same = before is not None and before.number == after.number  # the `corrected` event
        rest = [] if is_same else describe_change(_uncorrected(change))
        return [f"{kind}: {after.correction.note}", *rest]
    if before is None:
        # Revisions are numbered from 1, so a later one going live after none was is a return.
        return ["New article"] if after.number == 1 else ["Republished"]
    lines: list[str] = []
    if change.action == "rolled_back" and after.restored_from is not None:
        lines.append(f"Rolled back to revision {after.restored_from}")
    old_sections = {section.key: section for section in before.sections}
    new_sections = {section.key: section for section in after.sections}
    for key in changed_keys(change):
        lines.extend(describe_section_change(old_sections.get(key), new_sections.get(key)))
    lines.extend(_field_lines(before.fields, after.fields))
    kept = [key for key in old_sections if key in new_sections]
    if kept != [key for key in new_sections if key in old_sections]:
        lines.append("Sections reordered")
    if not lines and before.review != after.review:
        # Every publish carries a fresh sign-off; it is news only when nothing else changed.
        lines.append("Medical review renewed")
    return lines or ["Republished without content changes"]


def _uncorrected(change: ArticleChange) -> ArticleChange:
    after = change.after
    assert after is not None
    lines_of = msgspec.structs.replace(after, correction=None)
    return dataclasses.replace(change, after=lines_of)


def describe_section_change(old: Section | None, new: Section | None) -> list[str]:
    """Lines for one section: added, removed, or which of its parts changed."""
    if new is None:
        return [] if old is None else [f"{section_label(old)} removed"]
    if old is None:
        return [f"{section_label(new)} added"]
    if old == new:
        return []
    if type(old) is not type(new):
        return [f"{section_label(new)} replaced"]
    label = section_label(new)
    lines = [f"{label} heading updated"] if old.title != new.title else []
    if isinstance(old, TherapyTypesSection) and isinstance(new, TherapyTypesSection):
        return lines + describe_therapy_changes(old.therapies, new.therapies)
    aspects = [
        words
        for name, words in _ASPECTS.items()
        if getattr(old, name, None) != getattr(new, name, None)
    ]
    if aspects:
        lines.append(f"{label} updated ({', '.join(aspects)})")
    elif _other_fields_differ(old, new, skip={"title"}):
        lines.append(f"{label} updated")
    return lines


def describe_therapy_changes(old: Sequence[Therapy], new: Sequence[Therapy]) -> list[str]:
    """Lines for the therapies: added, removed, and which facts of each changed."""
    lines: list[str] = []
    unmatched = list(old)
    for therapy in new:
        previous = _match(therapy, unmatched)
        if previous is None:
            lines.append(f"{therapy.name} added")
            continue
        unmatched.remove(previous)
        aspects = [
            words
            for name, words in _THERAPY_ASPECTS.items()
            if getattr(previous, name) != getattr(therapy, name)
        ]
        label = _therapy_label(therapy, new)
        if previous.name != therapy.name:
            lines.append(f"{label} renamed to {therapy.name}")
        if aspects:
            lines.append(f"{label} {_join_words(aspects)} updated")
    lines.extend(f"{therapy.name} removed" for therapy in unmatched)
    if not lines and [t.name for t in old] != [t.name for t in new]:
        lines.append("Therapies reordered")
    return lines


def _match(therapy: Therapy, candidates: Sequence[Therapy]) -> Therapy | None:
    by_name = [c for c in candidates if c.name == therapy.name]
    if by_name:
        return by_name[0]
    if therapy.route is None:
        return None
    by_route = [c for c in candidates if c.route == therapy.route]
    return by_route[0] if len(by_route) == 1 else None


def _therapy_label(therapy: Therapy, therapies: Sequence[Therapy]) -> str:
    # The route names a therapy briefly ("IV") unless two therapies share it.
    route = therapy.route
    if route is not None and sum(1 for t in therapies if t.route == route) == 1:
        return route_short(route)
    return therapy.name


def _other_fields_differ(old: Section, new: Section, *, skip: set[str]) -> bool:
    return any(
        getattr(old, field.name) != getattr(new, field.name)
        for field in msgspec.structs.fields(old)
        if field.name not in skip
    )


def _field_lines(old: ArticleFields, new: ArticleFields) -> list[str]:
    return [
        f"{label} updated"
        for name, label in _ARTICLE_FIELDS.items()
        if getattr(old, name) != getattr(new, name)
    ]


def _join_words(words: Sequence[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
