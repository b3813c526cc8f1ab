"""Model versions and the upcaster that reads content written in an older one.

A stored revision is never rewritten: it keeps the version it was written in, and reading it
runs the steps from that version to ``MODEL_VERSION`` on its plain JSON before decoding.

- 1: the first model (routes of four, doses in mg or mg/kg, prose with literal numbers).
- 2: coded vocabularies, dosing like FHIR's Dosage, more kinds, references from prose to facts.
  Version 1 text never meant ``{`` as a reference, so its braces are doubled (read literally).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import msgspec

from schema.references import NOT_PROSE, escape_braces
from schema.sections import Section
from schema.text import convert_stored

MODEL_VERSION: Final = 2
_decode_sections: Final = msgspec.json.Decoder(list[Section]).decode
Step = Callable[[list[Any]], list[Any]]


def _escape_therapy_prose(sections: list[Any]) -> list[Any]:
    # References are resolved only in therapies, so only their prose needs escaping.
    for section in sections:
        for therapy in section.get("therapies", []) if isinstance(section, dict) else []:
            for name, value in therapy.items():
                if name not in NOT_PROSE and isinstance(value, str):
                    therapy[name] = escape_braces(value)
    return sections


# STEPS[n - 1] turns version n's plain JSON into version n + 1's.
STEPS: Final[tuple[Step, ...]] = (_escape_therapy_prose,)


def decode_sections(raw: str | bytes, version: int) -> list[Section]:
    """Sections stored in model ``version``, as the current model reads them."""
    if not 1 <= version <= MODEL_VERSION:
        raise ValueError(f"unknown content model version {version}")
    if version == MODEL_VERSION:
        try:
            return _decode_sections(raw)
        except msgspec.ValidationError:
            pass  # stored before the text policy: cleaned below
    data = msgspec.json.decode(raw)
    for step in STEPS[version - 1 :]:
        data = step(data)
    return convert_stored(data, list[Section])
