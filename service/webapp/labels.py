"""The forms' labels: the model's one table (``schema.labels``), and a label in a sentence.

The form generator labels its inputs with these, and error messages name fields with the same
words (``min`` reads "Minimum"), so a message never shows a name the form does not; the
reviewer's diff reads the same table.
"""

from __future__ import annotations

from schema.labels import field_label as humanize
from schema.labels import item_label as singular

__all__ = ["humanize", "in_sentence", "singular"]


def in_sentence(label: str) -> str:
    """A label inside a sentence: ``Dose`` -> ``dose``, but ``URL`` stays ``URL``."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]
