"""Section kinds: one Struct per kind, a tagged union on ``kind``."""

from __future__ import annotations

from typing import Annotated, get_args

import msgspec
from msgspec import Meta

from schema.base import (
    HttpUrl,
    Model,
    NonEmptyStr,
    OptionalRichText,
    RichText,
    SectionKey,
    ensure_unique,
    plain_text,
)
from schema.citations import Citations
from schema.dosing import (
    DosePhase,
    DoseRange,
    DurationRange,
    Frequency,
    MaxDose,
    MinutesRange,
    Onset,
    Population,
    dose_envelope,
)
from schema.references import reference_problems
from schema.vocabulary import (
    Coding,
    DoseForm,
    FrequencyBand,
    Route,
    Severity,
    dose_form_coding,
    route_coding,
)

Note = Annotated[str, plain_text(300)]
DerivedCoding = Annotated[
    Coding | None,
    Meta(
        description="Read-only: the SNOMED CT coding of the key beside it; any value sent "
        "is replaced.",
        extra_json_schema={"readOnly": True},
    ),
]


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class TitledItem(Model, frozen=True):
    """A list entry with a short title and a rich-text body (benefits, steps)."""

    title: NonEmptyStr
    body: RichText


class CallToAction(Model, frozen=True):
    """A conclusion's call to action: a label and where it leads."""

    label: NonEmptyStr
    url: HttpUrl


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class Therapy(Model, frozen=True):
    """One way of giving a treatment, with its structured dosing (optional: talking therapies
    have none). ``route_coding`` and ``form_coding`` are read-only: derived from the keys."""

    name: NonEmptyStr
    body: RichText
    route: Route | None = None
    dose: DoseRange | None = None
    duration_minutes: MinutesRange | None = None
    schedule: NonEmptyStr | None = None
    onset: NonEmptyStr | None = None
    setting: NonEmptyStr | None = None
    route_coding: DerivedCoding = None
    form: DoseForm | None = None
    form_coding: DerivedCoding = None
    frequency: Frequency | None = None
    course: DurationRange | None = None
    onset_time: Onset | None = None
    phases: Annotated[list[DosePhase], Meta(max_length=12)] = msgspec.field(default_factory=list)
    max_per_period: MaxDose | None = None
    population: Population | None = None
    citations: Citations = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        # Derived values are replaced, never compared: a client that changes `route` and sends
        # the old coding back still means the new route.
        coding = None if self.route is None else route_coding(self.route)
        msgspec.structs.force_setattr(self, "route_coding", coding)
        form = None if self.form is None else dose_form_coding(self.form)
        msgspec.structs.force_setattr(self, "form_coding", form)
        envelope = dose_envelope(self.phases)
        if envelope is not None:
            if self.dose is None:
                msgspec.structs.force_setattr(self, "dose", envelope)
            elif self.dose != envelope:
                raise ValueError(
                    f"`dose` ({self.dose.min:g}-{self.dose.max:g} {self.dose.unit}) must span the "
                    f"phases' doses ({envelope.min:g}-{envelope.max:g} {envelope.unit}); "
                    "change the phases, or leave `dose` out to derive it"
                )
        problems = reference_problems(self)
        if problems:
            raise ValueError("; ".join(problems))


# Declarations, alike in shape only (fields and their docs): nothing to share but Model.
class SideEffect(Model, frozen=True):
    """A named side effect with an optional qualifier, CIOMS frequency band and seriousness."""

    name: NonEmptyStr
    note: Note = ""
    frequency: FrequencyBand | None = None
    is_serious: bool = False
    citations: Citations = msgspec.field(default_factory=list)


class Contraindication(Model, frozen=True):
    """A condition or situation in which the treatment must not (or should rarely) be used."""

    name: NonEmptyStr
    body: OptionalRichText = ""
    code: Coding | None = None
    is_absolute: bool = True
    citations: Citations = msgspec.field(default_factory=list)


class Interaction(Model, frozen=True):
    """Another medicine or substance that interacts, what happens, and how much it matters."""

    agent: NonEmptyStr
    body: RichText
    severity: Severity
    code: Coding | None = None


class Warning(Model, frozen=True):
    """A warning or precaution with its severity."""

    title: NonEmptyStr
    body: RichText
    severity: Severity


class Question(Model, frozen=True):
    """A frequently asked question and its answer."""

    question: NonEmptyStr
    answer: RichText


ItemList = Annotated[list[TitledItem], Meta(min_length=1, max_length=50)]
ShortList = Annotated[list[NonEmptyStr], Meta(max_length=50)]


class ExplainerSection(Model, frozen=True, tag_field="kind", tag="explainer"):
    """A text under its own heading; ``intro`` has the same shape."""

    key: SectionKey
    title: NonEmptyStr
    body: RichText


class IntroSection(ExplainerSection, frozen=True, tag="intro"):
    """The opening text: an explainer that opens the article."""


class ConclusionSection(ExplainerSection, frozen=True, tag="conclusion"):
    """The closing text, optionally with a call to action."""

    call_to_action: CallToAction | None = None


class BenefitsSection(Model, frozen=True, tag_field="kind", tag="benefits"):
    """A list of benefits, each a title and a body."""

    key: SectionKey
    title: NonEmptyStr
    items: ItemList


class TherapyTypesSection(Model, frozen=True, tag_field="kind", tag="therapy_types"):
    """The forms of therapy with their routes, doses, timing and durations."""

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
    """Who may benefit: the conditions treated and the criteria, after an optional lead-in.

    ``condition_codes`` codes some of the conditions, keyed by the condition as written."""

    key: SectionKey
    title: NonEmptyStr
    conditions: ShortList
    criteria: ShortList
    body: OptionalRichText = ""
    condition_codes: dict[NonEmptyStr, Coding] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [name for name in self.condition_codes if name not in self.conditions]
        if unknown:
            raise ValueError(f"`condition_codes` names conditions not listed: {unknown}")


class ContraindicationsSection(Model, frozen=True, tag_field="kind", tag="contraindications"):
    """When not to use the treatment."""

    key: SectionKey
    title: NonEmptyStr
    contraindications: Annotated[list[Contraindication], Meta(min_length=1, max_length=50)]
    body: OptionalRichText = ""


class InteractionsSection(Model, frozen=True, tag_field="kind", tag="interactions"):
    """Medicines and substances that interact with the treatment."""

    key: SectionKey
    title: NonEmptyStr
    interactions: Annotated[list[Interaction], Meta(min_length=1, max_length=50)]
    body: OptionalRichText = ""


class WarningsSection(Model, frozen=True, tag_field="kind", tag="warnings"):
    """Warnings and precautions, each with a severity."""

    key: SectionKey
    title: NonEmptyStr
    warnings: Annotated[list[Warning], Meta(min_length=1, max_length=50)]


class FaqSection(Model, frozen=True, tag_field="kind", tag="faq"):
    """Frequently asked questions."""

    key: SectionKey
    title: NonEmptyStr
    questions: Annotated[list[Question], Meta(min_length=1, max_length=50)]


Section = (
    IntroSection
    | ExplainerSection
    | BenefitsSection
    | TherapyTypesSection
    | WhatToExpectSection
    | SafetySection
    | CandidacySection
    | ContraindicationsSection
    | InteractionsSection
    | WarningsSection
    | FaqSection
    | ConclusionSection
)

SECTION_TYPES: tuple[type[Model], ...] = get_args(Section)


def ensure_unique_keys(sections: list[Section]) -> None:
    """Reject a section list whose keys repeat (the ``ValueError`` becomes a validation error)."""
    ensure_unique((section.key for section in sections), "section key")
