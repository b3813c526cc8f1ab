"""Which changes are clinically significant: the ones a medical reviewer must not miss.

A change is clinical when it is in a section of a clinical kind (contraindications,
interactions, warnings), or when it touches a dosing or safety field anywhere (the dose, the
route, the dose form, timing, the population, side effects), or when it adds or removes
something that holds such a field with a value (a therapy with a dose, a safety section).
"""

from __future__ import annotations

import re
from typing import Any, Final

CLINICAL_KINDS: Final = frozenset({"contraindications", "interactions", "warnings"})
CLINICAL_FIELDS: Final = frozenset(
    {
        "route",
        "dose",
        "form",
        "frequency",
        "phases",
        "course",
        "duration_minutes",
        "max_per_period",
        "population",
        "side_effects",
    }
)
_STEP: Final = re.compile(r"([a-z_]+)(?:\[\d+\])?")


def is_clinical(path: str, kinds: set[str], value: Any) -> bool:
    """Whether a change at ``path`` in a section of one of ``kinds`` (either side's kind) is
    clinical; ``value`` is what was added, removed or replaced there."""
    if kinds & CLINICAL_KINDS:
        return True
    names = {m[1] for part in path.split(".") if (m := _STEP.fullmatch(part)) is not None}
    return bool(names & CLINICAL_FIELDS) or _holds_clinical(value)


def _holds_clinical(value: Any) -> bool:
    if isinstance(value, dict):
        if value.get("kind") in CLINICAL_KINDS:
            return True
        return any(
            (key in CLINICAL_FIELDS and item not in (None, [], "")) or _holds_clinical(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_holds_clinical(item) for item in value)
    return False
