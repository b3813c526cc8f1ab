"""How structured facts read in every channel: doses, timing, routes, the review line.

Every word here comes from the vocabularies in ``schema``; references in prose (``{dose}``) are
replaced by these same words, so a fact reads the same in the table and in the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from schema.article import Review

# Alike to references.py's import: both name every dosing shape, one to word, one to resolve.
from schema.dosing import (
    DosePhase,
    DoseRange,
    DurationRange,
    Frequency,
    MaxDose,
    MinutesRange,
    Onset,
    Quantity,
)
from schema.sections import (
    ContraindicationsSection,
    FaqSection,
    InteractionsSection,
    SideEffect,
    Therapy,
    WarningsSection,
)
from schema.units import TIME_UNITS, TimeUnit, dose_unit_words
from schema.vocabulary import (
    DOSE_FORMS,
    FREQUENCY_BANDS,
    ROUTES,
    SEVERITIES,
    Route,
)

NONE_MARK: Final = "—"
# Written as an escape: ruff flags a literal en dash as a look-alike of the hyphen.
EN_DASH: Final = "\u2013"
DOSING_HEADERS: Final = ("Therapy", "Route", "Dose", "Duration", "Schedule", "Onset", "Setting")
_TIMES: Final = {1: "once", 2: "twice"}


def article_web_url(base_url: str, slug: str) -> str:
    """The canonical page of an article: its web rendering under the API's public base URL."""
    return f"{base_url.rstrip('/')}/v1/articles/{slug}/render/web"


def route_label(route: Route | None) -> str:
    """A route as readers know it (``Intravenous (IV)``), or a dash when there is none."""
    return NONE_MARK if route is None else ROUTES[route].label


def route_short(route: Route) -> str:
    """A route's short name, such as ``IV``."""
    return ROUTES[route].short


def format_number(value: float) -> str:
    """A number without trailing zeros (``1``, never ``1.0``, which reads as 10) or exponent."""
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text or "0"


def format_range(low: float, high: float) -> str:
    """A numeric range with an en dash, or one number when both ends agree."""
    if low == high:
        return format_number(low)
    return f"{format_number(low)}{EN_DASH}{format_number(high)}"


def format_dose(dose: DoseRange | None) -> str:
    """A dose range with its unit: ``0.5``, an en dash, ``1 mg/kg``; a dash when there is none."""
    if dose is None:
        return NONE_MARK
    return f"{format_range(dose.min, dose.max)} {dose_unit_words(dose.unit, dose.max)}"


def format_quantity(quantity: Quantity) -> str:
    """A quantity with its unit, such as ``200 mg`` or ``1 tablet``."""
    return f"{format_number(quantity.value)} {dose_unit_words(quantity.unit, quantity.value)}"


def format_duration(duration: MinutesRange | None) -> str:
    """A session length (``40``, en dash, ``60 min``), or a dash when unknown."""
    if duration is None:
        return NONE_MARK
    return f"{format_range(duration.min, duration.max)} min"


def _time_words(unit: TimeUnit, amount: float) -> str:
    term = TIME_UNITS[unit]
    return term.singular if amount == 1 else term.plural


def format_time_range(duration: DurationRange | MinutesRange) -> str:
    """A duration in words: ``2`` en dash ``4 weeks``, ``1 hour``."""
    unit: TimeUnit = duration.unit if isinstance(duration, DurationRange) else "min"
    return f"{format_range(duration.min, duration.max)} {_time_words(unit, duration.max)}"


def format_period(period: float, unit: TimeUnit) -> str:
    """A period as a rate reads: ``a day``, ``every 2 weeks``."""
    if period == 1:
        return f"a {TIME_UNITS[unit].singular}"
    return f"every {format_number(period)} {TIME_UNITS[unit].plural}"


def format_frequency(frequency: Frequency) -> str:
    """How often, as people say it: ``once a day``, ``twice a week``, ``3 times every 2 days``."""
    times = _TIMES.get(frequency.count, f"{frequency.count} times")
    return f"{times} {format_period(frequency.period, frequency.period_unit)}"


def format_max(maximum: MaxDose) -> str:
    """The most per period: ``200 mg a day``."""
    return f"{format_quantity(maximum.dose)} {format_period(maximum.period, maximum.period_unit)}"


def format_onset(onset: Onset, part: str = "") -> str:
    """When effects start (``{onset}``, ``{onset.start}``) or peak (``{onset.peak}``)."""
    chosen = onset.peak if part == "peak" or onset.start is None else onset.start
    return NONE_MARK if chosen is None else format_time_range(chosen)


def format_phase(phase: DosePhase) -> str:
    """One phase as a phrase: ``50 mg once a day for 1 week``."""
    words = [format_dose(phase.dose)] if phase.dose is not None else [phase.label.lower()]
    if phase.frequency is not None:
        words.append(format_frequency(phase.frequency))
    if phase.duration is not None:
        words.append(f"for {format_time_range(phase.duration)}")
    return " ".join(words)


def format_phases(phases: Sequence[DosePhase]) -> str:
    """Phases in sequence: ``50 mg once a day for 1 week, then 100 mg once a day``."""
    return ", then ".join(format_phase(phase) for phase in phases)


def format_optional(value: str | None) -> str:
    """The value, or a dash when it is missing."""
    return value if value else NONE_MARK


def format_side_effect(effect: SideEffect) -> str:
    """A side effect with its note and band: ``Nausea (usually brief; common)``."""
    details = [effect.note] if effect.note else []
    if effect.frequency is not None:
        band = FREQUENCY_BANDS[effect.frequency]
        details.append(f"{band.label.lower()}: {band.range}")
    if effect.is_serious:
        details.append("serious")
    return f"{effect.name} ({'; '.join(details)})" if details else effect.name


def format_date(moment: datetime) -> str:
    """A date as people read it: ``March 4, 2025``."""
    return f"{moment:%B} {moment.day}, {moment.year}"


def format_reviewer(review: Review) -> str:
    """The reviewer's name followed by their credentials when there are any."""
    person = review.reviewed_by
    return f"{person.name}, {person.credentials}" if person.credentials else person.name


def format_review_line(review: Review) -> str:
    """The review byline: ``Medically reviewed by NAME, CREDENTIALS on DATE``."""
    return f"Medically reviewed by {format_reviewer(review)} on {format_date(review.reviewed_at)}"


# --- Summaries of a therapy and of the labelled lists, shared by the HTML and text renders ---


def schedule_words(therapy: Therapy) -> str | None:
    """The schedule as written, else the typed phases or frequency and course in words."""
    if therapy.schedule:
        return therapy.schedule
    if therapy.phases:
        return format_phases(therapy.phases)
    words = [format_frequency(therapy.frequency)] if therapy.frequency is not None else []
    if therapy.course is not None:
        words.append(f"for {format_time_range(therapy.course)}")
    return " ".join(words) or None


def onset_words(therapy: Therapy) -> str | None:
    """The onset as written, else the typed onset in words."""
    if therapy.onset:
        return therapy.onset
    onset = therapy.onset_time
    if onset is None:
        return None
    words = []
    if onset.start is not None:
        words.append(f"within {format_time_range(onset.start)}")
    if onset.peak is not None:
        words.append(f"peaking at {format_time_range(onset.peak)}")
    return ", ".join(words)


def therapy_facts(therapy: Therapy) -> list[tuple[str, str]]:
    """The facts the dosing table has no column for: form, phases, maximum, population."""
    facts: list[tuple[str, str]] = []
    if therapy.form is not None:
        facts.append(("Form", DOSE_FORMS[therapy.form].label))
    if therapy.phases and therapy.schedule:
        facts.append(("Phases", format_phases(therapy.phases)))
    if therapy.max_per_period is not None:
        facts.append(("Maximum", format_max(therapy.max_per_period)))
    if therapy.population is not None:
        facts.append(("For", therapy.population.label))
    return facts


def labelled_items(
    section: ContraindicationsSection | InteractionsSection | WarningsSection | FaqSection,
) -> list[tuple[str, str, str]]:
    """``(title, detail, rich body)`` of each entry of a labelled list section."""
    match section:
        case ContraindicationsSection():
            return [
                (item.name, "" if item.is_absolute else "relative", item.body)
                for item in section.contraindications
            ]
        case InteractionsSection():
            return [
                (item.agent, f"{SEVERITIES[item.severity]} severity", item.body)
                for item in section.interactions
            ]
        case WarningsSection():
            return [
                (item.title, f"{SEVERITIES[item.severity]} severity", item.body)
                for item in section.warnings
            ]
        case FaqSection():
            return [(item.question, "", item.answer) for item in section.questions]
