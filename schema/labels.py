"""How the content model's field names read to people: one table for the forms and the diff.

A field not listed reads as its name in words (``side_effects`` -> ``Side effects``); the table
holds only the names whose words would be terse or wrong. The editor's forms label their inputs
with :func:`field_label` and the reviewer's diff names fields with it, so a change reads in the
words of the input that made it.
"""

from __future__ import annotations

from typing import Final

FIELD_LABELS: Final[dict[str, str]] = {
    "min": "Minimum",
    "max": "Maximum",
    "url": "URL",
    "duration_minutes": "Duration (min)",
    "max_per_period": "Maximum per period",
    "long_term": "Long-term effects",
    "is_serious": "Serious",
    "is_absolute": "Absolute",
    "min_age_years": "Minimum age (years)",
    "max_age_years": "Maximum age (years)",
    "min_weight_kg": "Minimum weight (kg)",
    "max_weight_kg": "Maximum weight (kg)",
}


def field_label(name: str) -> str:
    """A field name as a label: ``side_effects`` -> ``Side effects``, ``max`` -> ``Maximum``."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def item_label(name: str) -> str:
    """The label of one item of a list field: ``therapies`` -> ``Therapy``."""
    label = field_label(name)
    if label.endswith("ies"):
        return label[:-3] + "y"
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label
