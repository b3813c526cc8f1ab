"""References in prose resolved: ``{dose}`` in a therapy's text becomes the dose in words."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TypeVar, cast

import msgspec

# Alike to facts.py's import: both name every dosing shape, one to word, one to resolve.
from schema.dosing import (
    DosePhase,
    DoseRange,
    DurationRange,
    Frequency,
    MaxDose,
    MinutesRange,
    Onset,
)
from schema.references import FACTS, REFERENCE, prose_fields
from schema.sections import Therapy
from schema.vocabulary import DOSE_FORMS, ROUTES
from service.channels.render.facts import (
    NONE_MARK,
    format_dose,
    format_frequency,
    format_max,
    format_onset,
    format_phases,
    format_range,
    format_time_range,
)

T = TypeVar("T")
S = TypeVar("S", bound=msgspec.Struct)


def fact_words(therapy: Therapy, name: str, part: str = "") -> str:
    """The words for ``{name.part}`` in this therapy (a dash when the fact is not set)."""
    value = getattr(therapy, FACTS[name][0])
    if value is None or value == []:
        return NONE_MARK
    if isinstance(value, DoseRange | MinutesRange | DurationRange):
        return _range_part(value, part)
    if isinstance(value, Frequency):
        return format_frequency(value)
    if isinstance(value, Onset):
        return format_onset(value, part)
    if isinstance(value, MaxDose):
        return format_max(value)
    if isinstance(value, list):
        return format_phases(cast(list[DosePhase], value))
    if name == "route":
        return ROUTES[value].label.lower()
    if name == "form":
        return DOSE_FORMS[value].label.lower()
    return str(getattr(value, "label", value))


def _range_part(value: DoseRange | MinutesRange | DurationRange, part: str) -> str:
    if part == "range":
        return format_range(value.min, value.max)
    if part in ("min", "max"):
        end = value.min if part == "min" else value.max
        single = msgspec.structs.replace(value, min=end, max=end)
        return _range_part(single, "")
    if isinstance(value, DoseRange):
        return format_dose(value)
    return format_time_range(value)


def resolve_text(text: str, therapy: Therapy) -> str:
    """``text`` with each reference replaced by the therapy's words, and ``{{`` read as ``{``."""

    def replace(match: re.Match[str]) -> str:
        if match[1] is None:
            return match[0][0]
        return fact_words(therapy, match[1], match[2] or "")

    return REFERENCE.sub(replace, text)


def resolve_references(value: T) -> T:
    """A copy of ``value`` (any content Struct, or a list of them) with references resolved.

    Public outputs call this first, so no reader sees a reference; unchanged parts are shared.
    """
    return cast(T, _resolve(value))


def _resolve(value: object) -> object:
    if isinstance(value, Therapy):
        changes = {field: resolve_text(text, value) for field, text in prose_fields(value)}
        return replace_fields(value, changes)
    if isinstance(value, msgspec.Struct):
        nested = {name: _resolve(getattr(value, name)) for name in value.__struct_fields__}
        return replace_fields(value, nested)
    if isinstance(value, list):
        items = [_resolve(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def replace_fields(value: S, changes: Mapping[str, object]) -> S:
    """A copy of a frozen Struct with some fields changed, without re-running its validation.

    Rendered text is no longer model input: resolved prose may hold literal braces, rendered
    HTML exceeds no limit that matters. The original is left as it is.
    """
    changed = {name: new for name, new in changes.items() if new is not getattr(value, name)}
    if not changed:
        return value
    copied = copy.copy(value)
    for name, new in changed.items():
        msgspec.structs.force_setattr(copied, name, new)
    return copied
