"""Coded vocabularies: routes of administration, dose forms, side-effect frequency bands.

Each vocabulary is one table; every label in every channel and form is read from it. Routes and
dose forms are SNOMED CT concepts as FHIR binds them (ValueSet ``route-codes``, descendants of
284009009 "Route of administration values"; ValueSet ``medication-form-codes``, SNOMED CT dose
forms). The string keys are this API's own and stable; the coding travels beside them.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, get_args

from schema.base import Model

SNOMED_CT: Final = "http://snomed.info/sct"


class Coding(Model, frozen=True):
    """A concept in a code system, shaped like FHIR's ``Coding``."""

    system: str
    code: str
    display: str


class Term(NamedTuple):
    """One vocabulary entry: its SNOMED CT code and display, and the words readers see."""

    code: str
    display: str
    label: str
    short: str


Route = Literal[
    "oral",
    "sublingual",
    "buccal",
    "intravenous",
    "intramuscular",
    "subcutaneous",
    "intranasal",
    "inhalation",
    "topical",
    "transdermal",
    "rectal",
    "vaginal",
    "ophthalmic",
]
ROUTES: Final[dict[Route, Term]] = {
    "oral": Term("26643006", "Oral route", "Oral", "Oral"),
    "sublingual": Term("37839007", "Sublingual route", "Sublingual", "Sublingual"),
    "buccal": Term("54471007", "Buccal route", "Buccal", "Buccal"),
    "intravenous": Term("47625008", "Intravenous route", "Intravenous (IV)", "IV"),
    "intramuscular": Term("78421000", "Intramuscular route", "Intramuscular (IM)", "IM"),
    "subcutaneous": Term("34206005", "Subcutaneous route", "Subcutaneous (SC)", "SC"),
    "intranasal": Term("46713006", "Nasal route", "Intranasal", "Intranasal"),
    "inhalation": Term("447694001", "Respiratory tract route", "Inhaled", "Inhaled"),
    "topical": Term("6064005", "Topical route", "Topical", "Topical"),
    "transdermal": Term("45890007", "Transdermal route", "Transdermal", "Transdermal"),
    "rectal": Term("37161004", "Per rectum", "Rectal", "Rectal"),
    "vaginal": Term("16857009", "Per vagina", "Vaginal", "Vaginal"),
    "ophthalmic": Term("54485002", "Ophthalmic route", "Eye (ophthalmic)", "Eye"),
}

DoseForm = Literal[
    "tablet",
    "film_coated_tablet",
    "prolonged_release_tablet",
    "capsule",
    "sublingual_tablet",
    "lozenge",
    "oral_solution",
    "solution_for_injection",
    "suspension_for_injection",
    "solution_for_infusion",
    "nasal_spray",
    "pressurised_inhalation",
    "inhalation_powder",
    "transdermal_patch",
    "cream",
    "eye_drops",
    "suppository",
    "pessary",
]
DOSE_FORMS: Final[dict[DoseForm, Term]] = {
    "tablet": Term("385055001", "Tablet", "Tablet", "tablet"),
    "film_coated_tablet": Term("385057009", "Film-coated tablet", "Film-coated tablet", "tablet"),
    "prolonged_release_tablet": Term(
        "385060002", "Prolonged-release tablet", "Prolonged-release tablet", "tablet"
    ),
    "capsule": Term("385049006", "Capsule", "Capsule", "capsule"),
    "sublingual_tablet": Term("385084005", "Sublingual tablet", "Sublingual tablet", "tablet"),
    "lozenge": Term("385087003", "Lozenge", "Lozenge", "lozenge"),
    "oral_solution": Term("385023001", "Oral solution", "Oral solution", "solution"),
    "solution_for_injection": Term(
        "385219001", "Injection solution", "Solution for injection", "injection"
    ),
    "suspension_for_injection": Term(
        "385220007", "Injection suspension", "Suspension for injection", "injection"
    ),
    "solution_for_infusion": Term(
        "385229008", "Infusion solution", "Solution for infusion", "infusion"
    ),
    "nasal_spray": Term("385157007", "Nasal spray", "Nasal spray", "spray"),
    "pressurised_inhalation": Term(
        "385203008", "Pressurised inhalation", "Pressurised inhalation", "inhaler"
    ),
    "inhalation_powder": Term("385207009", "Inhalation powder", "Inhalation powder", "inhaler"),
    "transdermal_patch": Term("385114002", "Transdermal patch", "Transdermal patch", "patch"),
    "cream": Term("385099005", "Cream", "Cream", "cream"),
    "eye_drops": Term("385124005", "Eye drops", "Eye drops", "drops"),
    "suppository": Term("385194003", "Suppository", "Suppository", "suppository"),
    "pessary": Term("385174007", "Pessary", "Pessary", "pessary"),
}


class Band(NamedTuple):
    """A CIOMS frequency band: its label and the range of frequencies it stands for."""

    label: str
    range: str


# CIOMS III/V frequency bands, as product information uses them.
FrequencyBand = Literal["very_common", "common", "uncommon", "rare", "very_rare"]
FREQUENCY_BANDS: Final[dict[FrequencyBand, Band]] = {
    "very_common": Band("Very common", "1 in 10 or more"),
    "common": Band("Common", "1 in 100 to 1 in 10"),
    "uncommon": Band("Uncommon", "1 in 1,000 to 1 in 100"),
    "rare": Band("Rare", "1 in 10,000 to 1 in 1,000"),
    "very_rare": Band("Very rare", "fewer than 1 in 10,000"),
}

Severity = Literal["low", "moderate", "high"]
SEVERITIES: Final[dict[Severity, str]] = {
    "low": "Low",
    "moderate": "Moderate",
    "high": "High",
}


def route_coding(route: Route) -> Coding:
    """The SNOMED CT coding of a route key."""
    term = ROUTES[route]
    return Coding(system=SNOMED_CT, code=term.code, display=term.display)


def dose_form_coding(form: DoseForm) -> Coding:
    """The SNOMED CT coding of a dose form key."""
    term = DOSE_FORMS[form]
    return Coding(system=SNOMED_CT, code=term.code, display=term.display)


def _check_tables() -> None:
    # A Literal and its table are written side by side; this keeps them one list.
    for literal, table in (
        (Route, ROUTES),
        (DoseForm, DOSE_FORMS),
        (FrequencyBand, FREQUENCY_BANDS),
        (Severity, SEVERITIES),
    ):
        if set(get_args(literal)) != set(table):
            raise RuntimeError(f"vocabulary table and its keys differ: {sorted(table)}")


_check_tables()
