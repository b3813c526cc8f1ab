"""Plausibility of typed doses: warnings, not errors, that editor and reviewer both see.

Bounds live in the unit vocabulary (``schema.units.DOSE_UNITS``). A value above its unit's
plausible single dose is still stored: the warning asks a person to look (a tenfold slip such as
"9" for "0.9" is the mistake this catches), and the reviewer sees the same warning before
signing off.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import msgspec

from schema.base import Model
from schema.dosing import DoseRange, Quantity
from schema.sections import Section, TherapyTypesSection
from schema.units import DOSE_UNITS

# A range whose top is ten times its bottom is more often a slipped decimal point than dosing.
SPREAD_LIMIT = 10


class ValueWarning(Model, frozen=True):
    """A stored value worth a second look: where it is (section key and path) and why."""

    section: str
    path: str
    message: str


def _doses(section: TherapyTypesSection) -> Iterator[tuple[str, DoseRange | Quantity]]:
    for index, therapy in enumerate(section.therapies):
        base = f"therapies[{index}]"
        if therapy.dose is not None:
            yield f"{base}.dose", therapy.dose
        for number, phase in enumerate(therapy.phases):
            if phase.dose is not None:
                yield f"{base}.phases[{number}].dose", phase.dose
        if therapy.max_per_period is not None:
            yield f"{base}.max_per_period.dose", therapy.max_per_period.dose


def plausibility_warnings(sections: Sequence[Section]) -> list[ValueWarning]:
    """A warning for each dose above the plausible bound of its unit."""
    warnings: list[ValueWarning] = []
    for section in sections:
        if not isinstance(section, TherapyTypesSection):
            continue
        for path, dose in _doses(section):
            highest = dose.max if isinstance(dose, DoseRange) else dose.value
            term = DOSE_UNITS[dose.unit]
            if isinstance(dose, DoseRange) and dose.max >= SPREAD_LIMIT * dose.min:
                warnings.append(
                    ValueWarning(
                        section=section.key,
                        path=path,
                        message=f"{dose.min:g} to {dose.max:g} {term.display} spans "
                        f"{SPREAD_LIMIT}-fold or more; check the decimal point",
                    )
                )
            if highest > term.plausible_max:
                warnings.append(
                    ValueWarning(
                        section=section.key,
                        path=path,
                        message=f"{highest:g} {term.display} is more than the plausible "
                        f"{term.plausible_max:g} {term.display}; check the unit and the "
                        "decimal point",
                    )
                )
    return warnings


def with_warnings(draft: msgspec.Struct, sections: Sequence[Section]) -> None:
    """Set a draft's derived ``warnings`` from its sections (called from its validation)."""
    msgspec.structs.force_setattr(draft, "warnings", plausibility_warnings(sections))
