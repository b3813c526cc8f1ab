"""A field-level change in the vocabulary's words: "Intravenous > dose > maximum: 1 -> 0.9 mg/kg
(-10%)". Paths name list items by what they are (a therapy by its route, a side effect by its
name) and values read as the channels write them (route labels, unit displays)."""

from __future__ import annotations

import re
from typing import Any, Final

from schema.admin import FieldChange
from schema.units import DOSE_UNITS, TIME_UNITS
from schema.vocabulary import DOSE_FORMS, FREQUENCY_BANDS, ROUTES, SEVERITIES
from service.channels.render.facts import format_number

_STEP: Final = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")
_WORDS: Final = {
    "min": "minimum",
    "max": "maximum",
    "duration_minutes": "duration",
    "max_per_period": "maximum per period",
    "onset_time": "onset",
    "period_unit": "period",
    "side_effects": "side effects",
    "long_term": "long-term effects",
    "call_to_action": "call to action",
    "is_serious": "serious",
    "is_absolute": "absolute",
    "condition_codes": "condition codes",
}
# Keys whose values are vocabulary keys, read through their table.
_VALUE_LABELS: Final[dict[str, dict[str, str]]] = {
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
_ITEM_NAMES: Final = ("name", "title", "agent", "question", "label")
_LONGEST: Final = 60


def describe(change: FieldChange, before: Any, after: Any) -> str:
    """The change as a line of words; ``before`` and ``after`` are the section either side
    (plain JSON) or the article fields, for naming items and finding units."""
    root = before if change.change == "removed" or after is None else after
    steps, parent = _steps(change.path, root)
    if not steps and change.section is not None:
        steps = [f"section {change.section}"]
    where = " > ".join(steps) or "article"
    if change.change != "changed":
        return f"{where}: {change.change}"
    last = change.path.rsplit(".", 1)[-1]
    unit = ""
    if isinstance(parent, dict) and isinstance(parent.get("unit"), str):
        code = str(parent["unit"])
        unit = " " + _VALUE_LABELS["unit"].get(code, code)
    old, new = _value(last, change.before), _value(last, change.after)
    line = f"{where}: {old} -> {new}{unit}"
    if _is_number(change.before) and _is_number(change.after) and change.before:
        percent = round((change.after - change.before) / change.before * 100)
        line += f" ({percent:+d}%)"
    return line


def _steps(path: str, root: Any) -> tuple[list[str], Any]:
    steps: list[str] = []
    node, parent = root, None
    for part in path.split(".") if path else []:
        match = _STEP.fullmatch(part)
        if match is None:
            steps.append(part)
            continue
        name, index = match[1], match[2]
        parent, node = node, node.get(name) if isinstance(node, dict) else None
        if index is None:
            steps.append(_WORDS.get(name, name.replace("_", " ")))
            continue
        item = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        steps.append(_item_name(name, int(index), item))
        parent, node = node, item
    return steps, parent


def _item_name(field: str, index: int, item: Any) -> str:
    if isinstance(item, dict):
        route = item.get("route")
        if field == "therapies" and isinstance(route, str) and route in ROUTES:
            return ROUTES[route].label.split(" (")[0]
        for key in _ITEM_NAMES:
            if isinstance(item.get(key), str):
                return str(item[key])
    return f"{_WORDS.get(field, field.replace('_', ' '))} {index + 1}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(field: str, value: Any) -> str:
    if value is None:
        return "none"
    if _is_number(value):
        return format_number(value)
    if isinstance(value, str):
        labels = _VALUE_LABELS.get(field, {})
        text = labels.get(value, value)
        return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "\u2026"
    return "changed"
