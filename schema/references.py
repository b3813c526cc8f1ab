"""References from prose to typed facts: ``{dose}`` in a therapy's text stands for its dose.

The syntax: ``{name}`` or ``{name.part}``; ``{{`` and ``}}`` write literal braces. Every
channel replaces references with the typed value (``service.channels.render.facts``); the
stored text, which the admin draft shows, keeps them. This module knows the names and finds
references and literal doses; it formats nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import msgspec

from schema.units import DOSE_UNIT_SPELLINGS

REFERENCE: Final = re.compile(r"\{\{|\}\}|\{([a-z_]+)(?:\.([a-z_]+))?\}")
_RANGE_PARTS: Final = frozenset({"", "min", "max", "range"})
# Each name: the therapy field it reads, and the parts it offers.
FACTS: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "dose": ("dose", _RANGE_PARTS),
    "duration": ("duration_minutes", _RANGE_PARTS),
    "course": ("course", _RANGE_PARTS),
    "frequency": ("frequency", frozenset({""})),
    "onset": ("onset_time", frozenset({"", "start", "peak"})),
    "max": ("max_per_period", frozenset({""})),
    "phases": ("phases", frozenset({""})),
    "route": ("route", frozenset({""})),
    "form": ("form", frozenset({""})),
    "population": ("population", frozenset({""})),
}
# Fields of a therapy that name it rather than describe it: never templated.
NOT_PROSE: Final = frozenset({"name"})
_NUMBER: Final = r"\d+(?:[.,]\d+)?"
_DASHES: Final = "-\u2013"
LITERAL_DOSE: Final = re.compile(
    rf"(?<![\w.,{{]){_NUMBER}(?:\s*(?:[{_DASHES}]|to)\s*{_NUMBER})?\s*"
    rf"(?:{'|'.join(re.escape(unit) for unit in DOSE_UNIT_SPELLINGS)})(?![\w/])"
)
DOSE_REFERENCES: Final = "{dose}, {dose.min}, {dose.max} or {phases}"


def escape_braces(text: str) -> str:
    """Text with its braces doubled, so it reads literally where references are resolved."""
    return text.replace("{", "{{").replace("}", "}}")


def iter_references(text: str) -> Iterator[tuple[str, str]]:
    """The ``(name, part)`` of each reference in ``text`` (part is ``""`` when none)."""
    for match in REFERENCE.finditer(text):
        if match[1] is not None:
            yield match[1], match[2] or ""


def prose_fields(item: msgspec.Struct) -> Iterator[tuple[str, str]]:
    """``(field, text)`` for every non-empty string field of ``item`` that may hold references."""
    for name in item.__struct_fields__:
        value = getattr(item, name)
        if name not in NOT_PROSE and isinstance(value, str) and value:
            yield name, value


def reference_problems(item: msgspec.Struct) -> list[str]:
    """What is wrong with the references in ``item``'s prose: unknown names, absent facts."""
    problems: list[str] = []
    for field, text in prose_fields(item):
        for name, part in iter_references(text):
            fact = FACTS.get(name)
            shown = f"{{{name}.{part}}}" if part else f"{{{name}}}"
            if fact is None or part not in fact[1]:
                known = ", ".join(f"{{{known}}}" for known in FACTS)
                problems.append(
                    f"`{field}` refers to {shown}, which is not a fact; use one of {known} "
                    "(write {{ and }} for literal braces)"
                )
            elif getattr(item, fact[0], None) in (None, []):
                problems.append(f"`{field}` refers to {shown}, but `{fact[0]}` is not set")
    return problems


def literal_doses(item: msgspec.Struct) -> list[tuple[str, str]]:
    """``(field, text)`` of each dose written out in ``item``'s prose instead of referred to."""
    return [
        (field, match[0])
        for field, text in prose_fields(item)
        for match in LITERAL_DOSE.finditer(text)
    ]


def section_literal_doses(section: msgspec.Struct) -> list[tuple[str, str]]:
    """``(path, text)`` of each literal dose in the prose of a section's dosed therapies.

    Paths are relative to the section, like ``therapies[0].body``. Only items with a typed dose
    count: there the prose has a value to refer to, and two statements of one fact drift apart.
    """
    found: list[tuple[str, str]] = []
    for index, therapy in enumerate(getattr(section, "therapies", [])):
        if getattr(therapy, "dose", None) is None:
            continue
        found.extend(
            (f"therapies[{index}].{field}", text) for field, text in literal_doses(therapy)
        )
    return found
