"""Section kinds: one Struct per kind, a tagged union on ``kind``."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from schema.base import (
    HttpUrl,
    Minutes,
    Model,
    NonEmptyStr,
    OptionalRichText,
    PositiveNumber,
    RichText,
    SectionKey,
    plain_text,
)

Route = Literal["intravenous", "intramuscular", "sublingual", "intranasal"]
DoseUnit = Literal["mg/kg", "mg"]


class DoseRange(Model, frozen=True):
    """A dose range with its unit; ``min <= max``."""

    min: PositiveNumber
    max: PositiveNumber
    unit: DoseUnit

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"`min` ({self.min:g}) must not exceed `max` ({self.max:g})")


class MinutesRange(Model, frozen=True):
    """A duration range in minutes; ``min <= max``."""

    min: Minutes
    max: Minutes

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"`min` ({self.min}) must not exceed `max` ({self.max})")


class TitledItem(Model, frozen=True):
    """A list entry with a short title and a rich-text body (benefits, steps)."""

    title: NonEmptyStr
    body: RichText


class CallToAction(Model, frozen=True):
    """A conclusion's call to action: a label and where it leads."""

    label: NonEmptyStr
    url: HttpUrl


class Therapy(Model, frozen=True):
    """One way of giving the treatment, with its structured dosing."""

    name: NonEmptyStr
    route: Route
    dose: DoseRange
    body: RichText
    duration_minutes: MinutesRange | None = None
    schedule: NonEmptyStr | None = None
    onset: NonEmptyStr | None = None
    setting: NonEmptyStr | None = None


class SideEffect(Model, frozen=True):
    """A named side effect with an optional short qualifier."""

    name: NonEmptyStr
    note: Annotated[str, plain_text(300)] = ""


ItemList = Annotated[list[TitledItem], Meta(min_length=1, max_length=50)]
ShortList = Annotated[list[NonEmptyStr], Meta(max_length=50)]


class IntroSection(Model, frozen=True, tag_field="kind", tag="intro"):
    """The opening text."""

    key: SectionKey
    title: NonEmptyStr
    body: RichText


class ExplainerSection(Model, frozen=True, tag_field="kind", tag="explainer"):
    """An explanatory text under its own heading."""

    key: SectionKey
    title: NonEmptyStr
    body: RichText


class ConclusionSection(Model, frozen=True, tag_field="kind", tag="conclusion"):
    """The closing text, optionally with a call to action."""

    key: SectionKey
    title: NonEmptyStr
    body: RichText
    call_to_action: CallToAction | None = None


class BenefitsSection(Model, frozen=True, tag_field="kind", tag="benefits"):
    """A list of benefits, each a title and a body."""

    key: SectionKey
    title: NonEmptyStr
    items: ItemList


class TherapyTypesSection(Model, frozen=True, tag_field="kind", tag="therapy_types"):
    """The forms of therapy with their routes, dose ranges and durations."""

    key: SectionKey
    title: NonEmptyStr
    therapies: Annotated[list[Therapy], Meta(min_length=1, max_length=20)]


class WhatToExpectSection(Model, frozen=True, tag_field="kind", tag="what_to_expect"):
    """The course of treatment as ordered steps."""

    key: SectionKey
    title: NonEmptyStr
    steps: ItemList


class SafetySection(Model, frozen=True, tag_field="kind", tag="safety"):
    """Safety: a body, the list of side effects, and what is known of long-term risk."""

    key: SectionKey
    title: NonEmptyStr
    body: RichText
    side_effects: Annotated[list[SideEffect], Meta(max_length=50)]
    long_term: OptionalRichText = ""


class CandidacySection(Model, frozen=True, tag_field="kind", tag="candidacy"):
    """Who may benefit: the conditions treated and the criteria, after an optional lead-in."""

    key: SectionKey
    title: NonEmptyStr
    conditions: ShortList
    criteria: ShortList
    body: OptionalRichText = ""


Section = (
    IntroSection
    | ExplainerSection
    | BenefitsSection
    | TherapyTypesSection
    | WhatToExpectSection
    | SafetySection
    | CandidacySection
    | ConclusionSection
)

SECTION_TYPES: tuple[type[Model], ...] = (
    IntroSection,
    ExplainerSection,
    BenefitsSection,
    TherapyTypesSection,
    WhatToExpectSection,
    SafetySection,
    CandidacySection,
    ConclusionSection,
)


def ensure_unique_keys(sections: list[Section]) -> None:
    """Reject a section list whose keys repeat (the ``ValueError`` becomes a validation error)."""
    seen: set[str] = set()
    for section in sections:
        if section.key in seen:
            raise ValueError(f"section key {section.key!r} appears more than once")
        seen.add(section.key)
