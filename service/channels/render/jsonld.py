"""The schema.org ``MedicalWebPage`` description of an article, as a JSON-LD script element.

The page is ``about`` what its typed facts say: a ``Drug`` for each dosed therapy (route, dose
form, ``DoseSchedule``, ``MaximumDoseSchedule``, interacting drugs), a ``MedicalTherapy`` for each
undosed one, a ``MedicalCondition`` for each candidacy condition (coded when the article codes
it) and a ``MedicalContraindication`` for each contraindication. A dose range has no schema.org
number, so its ``DoseSchedule`` gives the lower end as ``doseValue`` and the range in words as
``name``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import msgspec

from schema.article import Article
from schema.sections import (
    CandidacySection,
    ContraindicationsSection,
    InteractionsSection,
    Therapy,
    TherapyTypesSection,
)
from schema.units import DOSE_UNITS
from schema.vocabulary import DOSE_FORMS, ROUTES, Coding
from service.channels.render.facts import format_dose, format_frequency, format_period

JsonObject = dict[str, object]


class _Person(msgspec.Struct, kw_only=True, omit_defaults=True, frozen=True):
    type: str = msgspec.field(name="@type")
    name: str
    description: str = ""


class _MedicalWebPage(
    msgspec.Struct, kw_only=True, omit_defaults=True, rename="camel", frozen=True
):
    context: str = msgspec.field(name="@context")
    type: str = msgspec.field(name="@type")
    name: str
    description: str
    url: str
    last_reviewed: date
    reviewed_by: _Person
    date_published: datetime
    date_modified: datetime
    image: str | None = None
    about: list[JsonObject] = msgspec.field(default_factory=list)


_ENCODER: Final = msgspec.json.Encoder()


def medical_webpage_jsonld(article: Article, *, url: str) -> str:
    """A ``<script type="application/ld+json">`` element describing the article at ``url``."""
    person = article.review.reviewed_by
    page = _MedicalWebPage(
        context="https://schema.org",
        type="MedicalWebPage",
        name=article.title,
        description=article.summary,
        url=url,
        last_reviewed=article.review.reviewed_at.date(),
        reviewed_by=_Person(type="Person", name=person.name, description=person.credentials),
        date_published=article.published_at,
        date_modified=article.updated_at,
        image=article.hero_image,
        about=about_entities(article),
    )
    # msgspec leaves "<" as is, so a title holding "</script>" or "<!--" would end or confuse
    # the script element; "\u003c" is the same character to a JSON parser and inert to HTML.
    payload = _ENCODER.encode(page).replace(b"<", b"\\u003c").decode()
    return f'<script type="application/ld+json">{payload}</script>'


def about_entities(article: Article) -> list[JsonObject]:
    """What the page is about, from the article's typed sections (references resolved)."""
    interacting: list[JsonObject] = [
        {"@type": "Drug", "name": item.agent}
        for section in article.sections
        if isinstance(section, InteractionsSection)
        for item in section.interactions
    ]
    entities: list[JsonObject] = []
    for section in article.sections:
        if isinstance(section, TherapyTypesSection):
            entities.extend(_therapy(t, interacting) for t in section.therapies)
        elif isinstance(section, CandidacySection):
            entities.extend(
                _coded("MedicalCondition", name, section.condition_codes.get(name))
                for name in section.conditions
            )
        elif isinstance(section, ContraindicationsSection):
            entities.extend(
                _coded("MedicalContraindication", item.name, item.code)
                for item in section.contraindications
            )
    return entities


def _therapy(therapy: Therapy, interacting: list[JsonObject]) -> JsonObject:
    if therapy.dose is None:
        return {"@type": "MedicalTherapy", "name": therapy.name}
    drug: JsonObject = {"@type": "Drug", "name": therapy.name}
    if therapy.route is not None:
        drug["administrationRoute"] = ROUTES[therapy.route].label
    if therapy.form is not None:
        drug["dosageForm"] = DOSE_FORMS[therapy.form].label
    schedule: JsonObject = {
        "@type": "DoseSchedule",
        "name": format_dose(therapy.dose),
        "doseValue": therapy.dose.min,
        "doseUnit": DOSE_UNITS[therapy.dose.unit].display,
    }
    if therapy.frequency is not None:
        schedule["frequency"] = format_frequency(therapy.frequency)
    if therapy.population is not None:
        schedule["targetPopulation"] = therapy.population.label
    drug["doseSchedule"] = [schedule]
    if therapy.max_per_period is not None:
        maximum = therapy.max_per_period
        drug["maximumIntake"] = {
            "@type": "MaximumDoseSchedule",
            "doseValue": maximum.dose.value,
            "doseUnit": DOSE_UNITS[maximum.dose.unit].display,
            "frequency": format_period(maximum.period, maximum.period_unit),
        }
    if interacting:
        drug["interactingDrug"] = interacting
    return drug


def _coded(kind: str, name: str, code: Coding | None) -> JsonObject:
    entity: JsonObject = {"@type": kind, "name": name}
    if code is not None:
        entity["code"] = {
            "@type": "MedicalCode",
            "codeValue": code.code,
            "codingSystem": code.system,
        }
    return entity
