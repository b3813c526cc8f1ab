"""The one place the forms' labels come from: a field name as people read it.

The form generator labels its inputs with these, and error messages name fields with the same
words (``min`` reads "Minimum"), so a message never shows a name the form does not.
"""

from __future__ import annotations

# Labels people read where a field's name alone would be terse.
LABELS = {"min": "Minimum", "max": "Maximum", "url": "URL", "duration_minutes": "Duration (min)"}


def humanize(name: str) -> str:
    """A field name as a label: ``side_effects`` -> ``Side effects``."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def singular(name: str) -> str:
    """The label of one item of a list field: ``therapies`` -> ``Therapy``."""
    label = humanize(name)
    if label.endswith("ies"):
        return label[:-3] + "y"
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


def in_sentence(label: str) -> str:
    """A label inside a sentence: ``Dose`` -> ``dose``, but ``URL`` stays ``URL``."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]
