"""How structured facts read in every channel: doses, durations, routes, the review line."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from schema.article import Review
from schema.sections import DoseRange, MinutesRange, Route, SideEffect

NONE_MARK: Final = "—"
# Written as an escape: ruff flags a literal en dash as a look-alike of the hyphen.
EN_DASH: Final = "\u2013"

ROUTE_LABELS: Final[dict[Route, str]] = {
    "intravenous": "Intravenous (IV)",
    "intramuscular": "Intramuscular (IM)",
    "sublingual": "Sublingual",
    "intranasal": "Intranasal",
}


def route_short(route: Route) -> str:
    """A route's short name: its abbreviation when its label has one (``IV``), else the label."""
    label = ROUTE_LABELS[route]
    if label.endswith(")") and " (" in label:
        return label[label.rindex(" (") + 2 : -1]
    return label


DOSING_HEADERS: Final = ("Therapy", "Route", "Dose", "Duration", "Schedule", "Onset", "Setting")


def article_web_url(base_url: str, slug: str) -> str:
    """The canonical page of an article: its web rendering under the API's public base URL."""
    return f"{base_url.rstrip('/')}/v1/articles/{slug}/render/web"


def format_range(low: float, high: float) -> str:
    """A numeric range with an en dash, or one number when both ends agree."""
    return f"{low:g}" if low == high else f"{low:g}{EN_DASH}{high:g}"


def format_dose(dose: DoseRange) -> str:
    """A dose range with its unit: ``0.5``, an en dash, ``1 mg/kg``."""
    return f"{format_range(dose.min, dose.max)} {dose.unit}"


def format_duration(duration: MinutesRange | None) -> str:
    """A session length (``40``, en dash, ``60 min``), or a dash when unknown."""
    if duration is None:
        return NONE_MARK
    return f"{format_range(duration.min, duration.max)} min"


def format_optional(value: str | None) -> str:
    """The value, or a dash when it is missing."""
    return value if value else NONE_MARK


def format_side_effect(effect: SideEffect) -> str:
    """A side effect with its note in parentheses, such as ``Nausea (usually brief)``."""
    return f"{effect.name} ({effect.note})" if effect.note else effect.name


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
