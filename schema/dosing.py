"""Dosing shaped like FHIR's ``Dosage``: doses as UCUM quantities, timing, phases, maxima.

A therapy states its dose once, here; its prose refers to these values (see
``schema.references``) and every channel writes them out from the typed value.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from schema.base import Minutes, Model, NonEmptyStr, NonNegativeNumber, PositiveNumber
from schema.units import DoseUnit, TimeUnit

Count = Annotated[int, Meta(ge=1, le=100)]
Years = Annotated[float, Meta(ge=0, le=130)]
Kilograms = Annotated[float, Meta(gt=0, le=500)]


class OrderedRange(Model, frozen=True):
    """Base of the ranges: subclasses narrow ``min`` and ``max``; ``min <= max`` always."""

    min: float
    max: float

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"`min` ({self.min:g}) must not exceed `max` ({self.max:g})")


# The ranges share OrderedRange's check; what stays alike is their declared fields.
class DoseRange(OrderedRange, frozen=True):
    """A dose range with its UCUM unit; a single dose has ``min == max``."""

    min: PositiveNumber
    max: PositiveNumber
    unit: DoseUnit


class MinutesRange(OrderedRange, frozen=True):
    """A duration range in minutes; ``min <= max``. On a therapy: how long one dose takes."""

    min: Minutes
    max: Minutes


class DurationRange(OrderedRange, frozen=True):
    """A duration range with its UCUM time unit, such as 2 to 4 ``wk``."""

    min: NonNegativeNumber
    max: NonNegativeNumber
    unit: TimeUnit


class Quantity(Model, frozen=True):
    """A value with its UCUM unit."""

    value: PositiveNumber
    unit: DoseUnit


class Frequency(Model, frozen=True):
    """How often: ``count`` times per ``period`` ``period_unit`` (FHIR Timing.repeat)."""

    count: Count
    period_unit: TimeUnit
    period: PositiveNumber = 1


class Onset(Model, frozen=True):
    """When effects start and when they peak, after a dose."""

    start: DurationRange | None = None
    peak: DurationRange | None = None

    def __post_init__(self) -> None:
        if self.start is None and self.peak is None:
            raise ValueError("an onset needs `start`, `peak` or both")


class DosePhase(Model, frozen=True):
    """One step of a schedule in sequence, such as a starting dose, titration or taper."""

    label: NonEmptyStr
    dose: DoseRange | None = None
    frequency: Frequency | None = None
    duration: DurationRange | None = None


class MaxDose(Model, frozen=True):
    """The most that may be given in a period (FHIR maxDosePerPeriod)."""

    dose: Quantity
    period_unit: TimeUnit
    period: PositiveNumber = 1


class Population(Model, frozen=True):
    """Who the dosing applies to: a label, optionally bounded by age and weight."""

    label: NonEmptyStr
    min_age_years: Years | None = None
    max_age_years: Years | None = None
    min_weight_kg: Kilograms | None = None
    max_weight_kg: Kilograms | None = None

    def __post_init__(self) -> None:
        for low, high, name in (
            (self.min_age_years, self.max_age_years, "age"),
            (self.min_weight_kg, self.max_weight_kg, "weight"),
        ):
            if low is not None and high is not None and low > high:
                raise ValueError(f"the minimum {name} ({low:g}) exceeds the maximum ({high:g})")


def dose_envelope(phases: list[DosePhase]) -> DoseRange | None:
    """The range spanning every phase's dose (None when no phase has one); units must agree."""
    doses = [phase.dose for phase in phases if phase.dose is not None]
    if not doses:
        return None
    units = {dose.unit for dose in doses}
    if len(units) > 1:
        raise ValueError(f"the phases' doses use different units ({', '.join(sorted(units))})")
    return DoseRange(
        min=min(dose.min for dose in doses), max=max(dose.max for dose in doses), unit=doses[0].unit
    )
