"""UCUM units for doses and durations: one checked table each, with plausibility bounds.

Codes are case-sensitive UCUM (``ug``, ``[iU]``, ``{tablet}``: a curly-brace annotation is a
UCUM count of one). ``display`` is what readers see; ``ug`` reads ``mcg`` because ``µg`` is
misread as ``mg`` (ISMP's list of error-prone abbreviations).

Plausibility is a warning, not a limit: a value above ``plausible_max`` for its unit is stored,
and the draft carries a warning naming the field, which the editor sees beside the field and the
reviewer sees on the review page. The hard limit stays the model's own (100,000 of any unit),
because a vocabulary cannot know every medicine's range, but a tenfold slip is worth a look.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, get_args


class DoseUnitTerm(NamedTuple):
    """A dose unit: how it reads, singular and plural, and the largest plausible single dose."""

    display: str
    plural: str
    plausible_max: float


DoseUnit = Literal[
    "mg",
    "ug",
    "g",
    "mL",
    "mg/kg",
    "ug/kg",
    "mL/kg",
    "mg/m2",
    "mg/kg/h",
    "ug/kg/min",
    "[iU]",
    "[iU]/kg",
    "{tablet}",
    "{capsule}",
    "{spray}",
    "{puff}",
    "[drp]",
]
DOSE_UNITS: Final[dict[DoseUnit, DoseUnitTerm]] = {
    "mg": DoseUnitTerm("mg", "mg", 4_000),
    "ug": DoseUnitTerm("mcg", "mcg", 5_000),
    "g": DoseUnitTerm("g", "g", 20),
    "mL": DoseUnitTerm("mL", "mL", 1_000),
    "mg/kg": DoseUnitTerm("mg/kg", "mg/kg", 50),
    "ug/kg": DoseUnitTerm("mcg/kg", "mcg/kg", 500),
    "mL/kg": DoseUnitTerm("mL/kg", "mL/kg", 50),
    "mg/m2": DoseUnitTerm("mg/m\N{SUPERSCRIPT TWO}", "mg/m\N{SUPERSCRIPT TWO}", 5_000),
    "mg/kg/h": DoseUnitTerm("mg/kg/h", "mg/kg/h", 20),
    "ug/kg/min": DoseUnitTerm("mcg/kg/min", "mcg/kg/min", 50),
    "[iU]": DoseUnitTerm("IU", "IU", 1_000_000),
    "[iU]/kg": DoseUnitTerm("IU/kg", "IU/kg", 10_000),
    "{tablet}": DoseUnitTerm("tablet", "tablets", 10),
    "{capsule}": DoseUnitTerm("capsule", "capsules", 10),
    "{spray}": DoseUnitTerm("spray", "sprays", 8),
    "{puff}": DoseUnitTerm("puff", "puffs", 12),
    "[drp]": DoseUnitTerm("drop", "drops", 20),
}


class TimeUnitTerm(NamedTuple):
    """A UCUM time unit: singular and plural words, and its length in minutes."""

    singular: str
    plural: str
    minutes: float


TimeUnit = Literal["s", "min", "h", "d", "wk", "mo", "a"]
TIME_UNITS: Final[dict[TimeUnit, TimeUnitTerm]] = {
    "s": TimeUnitTerm("second", "seconds", 1 / 60),
    "min": TimeUnitTerm("minute", "minutes", 1),
    "h": TimeUnitTerm("hour", "hours", 60),
    "d": TimeUnitTerm("day", "days", 24 * 60),
    "wk": TimeUnitTerm("week", "weeks", 7 * 24 * 60),
    # UCUM's mean Julian month and year.
    "mo": TimeUnitTerm("month", "months", 30.4375 * 24 * 60),
    "a": TimeUnitTerm("year", "years", 365.25 * 24 * 60),
}

# What a literal dose in prose looks like: any spelling a writer may use for these units.
DOSE_UNIT_SPELLINGS: Final = (
    "mg/kg/h",
    "mg/kg",
    "mcg/kg",
    "µg/kg",
    "ug/kg",
    "mL/kg",
    "ml/kg",
    "mg/m2",
    "mg/m\N{SUPERSCRIPT TWO}",
    "IU/kg",
    "mg",
    "mcg",
    "µg",
    "ug",
    "g",
    "mL",
    "ml",
    "IU",
    "units",
    "tablets",
    "tablet",
    "capsules",
    "capsule",
    "sprays",
    "puffs",
    "drops",
)


def dose_unit_words(unit: DoseUnit, amount: float) -> str:
    """How a dose unit reads after ``amount``: ``mg``, ``1 tablet``, ``2 tablets``."""
    term = DOSE_UNITS[unit]
    return term.display if amount == 1 else term.plural


def _check_tables() -> None:
    for literal, table in ((DoseUnit, DOSE_UNITS), (TimeUnit, TIME_UNITS)):
        if set(get_args(literal)) != set(table):
            raise RuntimeError(f"unit table and its keys differ: {sorted(table)}")


_check_tables()
