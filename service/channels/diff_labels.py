"""Where a change is, in the words readers see: section title, item name, field labels, units.

A path like ``therapies[0].dose.max`` inside the section "Types of therapy" reads
``Types of therapy > Intravenous (IV) > Dose > Maximum``. Field labels come from the model's
one label table (``schema.labels``), the same the editor's form labels its inputs with; route,
dose form, unit, frequency and severity values come from their vocabulary tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from schema.labels import field_label, item_label
from schema.units import DOSE_UNITS, TIME_UNITS
from schema.vocabulary import DOSE_FORMS, FREQUENCY_BANDS, ROUTES, SEVERITIES
from service.channels.render.facts import format_number

_STEP: Final = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")
ARTICLE: Final = "Article"
# Keys whose values are vocabulary keys, read through their table.
VALUE_LABELS: Final[dict[str, dict[str, str]]] = {
    "route": {key: term.label for key, term in ROUTES.items()},
    "form": {key: term.label for key, term in DOSE_FORMS.items()},
    "unit": {
        **{key: term.display for key, term in DOSE_UNITS.items()},
        **{key: term.plural for key, term in TIME_UNITS.items()},
    },
    "period_unit": {key: term.singular for key, term in TIME_UNITS.items()},
    "frequency": {key: band.label for key, band in FREQUENCY_BANDS.items()},
    "severity": {str(key): label for key, label in SEVERITIES.items()},
}
# Groups whose numbers carry a unit the model states in the field's name, not beside it.
_UNIT_OF_FIELD: Final = {"duration_minutes": "min"}
_ITEM_NAMES: Final = ("name", "title", "agent", "question", "label")
LONGEST: Final = 60


@dataclass(frozen=True)
class Place:
    """A change's place: its steps in words, the dict holding the changed value and the name
    of the field that dict is (``dose``, ``duration_minutes``)."""

    steps: list[str]
    parent: Any
    parent_field: str


def locate(root: Any, path: str, *, is_article: bool = False, heading: str = "") -> Place:
    """The place of ``path`` in ``root``: a section, or the article's fields (plain JSON).

    The first step is ``heading``, else the section's title (``Article`` for the fields)."""
    title = root.get("title") if isinstance(root, dict) and not is_article else None
    steps = [heading or (ARTICLE if is_article else str(title) if title else "Section")]
    node, parent, parent_field, field = root, None, "", ""
    for part in path.split(".") if path else []:
        match = _STEP.fullmatch(part)
        if match is None:  # a dict key, such as a condition named in condition_codes
            parent, parent_field, node = node, field, _child(node, part)
            steps.append(part)
            continue
        name, index = match[1], match[2]
        parent, parent_field, field = node, field, name
        node = _child(node, name)
        if index is None:
            steps.append(field_label(name))
            continue
        siblings = node if isinstance(node, list) else []
        item = siblings[int(index)] if int(index) < len(siblings) else None
        # A change of the route itself names the therapy by its name, not the route changed.
        by_route = not path.endswith(".route")
        steps.append(_item_name(name, int(index), item, siblings, by_route=by_route))
        parent, parent_field, node = node, name, item
    return Place(steps, parent, parent_field)


def _child(node: Any, name: str) -> Any:
    return node.get(name) if isinstance(node, dict) else None


def _item_name(field: str, index: int, item: Any, siblings: list[Any], *, by_route: bool) -> str:
    """A list item by what it is: a therapy by its route (when no other has it), else by name."""
    if isinstance(item, dict):
        route = item.get("route")
        routes = [s.get("route") for s in siblings if isinstance(s, dict)]
        labels = VALUE_LABELS["route"]
        if field == "therapies" and by_route and route in labels and routes.count(route) == 1:
            return labels[str(route)]
        for key in _ITEM_NAMES:
            if isinstance(item.get(key), str):
                return str(item[key])
    return f"{item_label(field)} {index + 1}"


def unit_of(place: Place) -> str:
    """The unit the changed number is in, as readers see it (empty for none)."""
    if isinstance(place.parent, dict) and isinstance(place.parent.get("unit"), str):
        code = str(place.parent["unit"])
        return VALUE_LABELS["unit"].get(code, code)
    code = _UNIT_OF_FIELD.get(place.parent_field, "")
    return VALUE_LABELS["unit"].get(code, code)


def is_number(value: Any) -> bool:
    """An int or float, not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def value_words(field: str, value: Any) -> str:
    """One side of a change as words: vocabulary labels, plain numbers, yes/no, short text."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_number(value):
        return format_number(value)
    if isinstance(value, str):
        text = VALUE_LABELS.get(field, {}).get(value, value)
        return text if len(text) <= LONGEST else text[: LONGEST - 1] + "\u2026"
    return "changed"
