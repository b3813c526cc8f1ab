"""The typed content model rejects bad content with the field path in the message."""

from __future__ import annotations

import msgspec
import pytest

from schema.api import ArticleCreate
from schema.sections import Section, TherapyTypesSection

decode_section = msgspec.json.Decoder(Section).decode

THERAPY = {
    "name": "IV",
    "route": "intravenous",
    "dose": {"min": 0.5, "max": 1.0, "unit": "mg/kg"},
    "body": "Given slowly.",
}


def therapy_section(**therapy_changes: object) -> bytes:
    """A therapy_types section with one therapy, changed as given."""
    therapy = {**THERAPY, **therapy_changes}
    section = {"kind": "therapy_types", "key": "t", "title": "Types", "therapies": [therapy]}
    return msgspec.json.encode(section)


def test_valid_therapy_section_decodes_with_typed_dose() -> None:
    section = decode_section(therapy_section())
    assert isinstance(section, TherapyTypesSection)
    assert msgspec.json.decode(msgspec.json.encode(section))["kind"] == "therapy_types"
    dose = section.therapies[0].dose
    assert (dose.min, dose.max, dose.unit) == (0.5, 1.0, "mg/kg")


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        (therapy_section(dose={"min": 2, "max": 1, "unit": "mg"}), "$.therapies[0].dose", "max"),
        (therapy_section(route="intrathecal"), "$.therapies[0].route", "intrathecal"),
        (
            therapy_section(dose={"min": 1, "max": 2, "unit": "kg"}),
            "$.therapies[0].dose.unit",
            "kg",
        ),
        (
            therapy_section(duration_minutes={"min": 60, "max": 40}),
            "$.therapies[0].duration_minutes",
            "max",
        ),
        (therapy_section(dose={"min": 0, "max": 1, "unit": "mg"}), "$.therapies[0].dose.min", ">"),
        (therapy_section(colour="red"), "$.therapies[0]", "colour"),
        (b'{"kind":"intro","key":"intro","title":"","body":"x"}', "$.title", "length"),
        (b'{"kind":"intro","key":"intro","title":"  padded ","body":"x"}', "$.title", "regex"),
        (b'{"kind":"intro","key":"Bad Key","title":"T","body":"x"}', "$.key", "regex"),
        (b'{"kind":"poem","key":"p","title":"T","body":"x"}', "$.kind", "poem"),
        (b'{"kind":"intro","key":"intro","title":"T"}', "$", "body"),
    ],
    ids=[
        "dose-min-above-max",
        "unknown-route",
        "unknown-unit",
        "duration-min-above-max",
        "zero-dose",
        "unknown-field",
        "empty-title",
        "untrimmed-title",
        "bad-key",
        "unknown-kind",
        "missing-body",
    ],
)
def test_invalid_section_is_rejected_naming_the_field(body: bytes, path: str, words: str) -> None:
    with pytest.raises(msgspec.ValidationError) as raised:
        decode_section(body)
    message = str(raised.value)
    assert words in message
    if path != "$":
        assert f"at `{path}`" in message
    elif "unknown field" in message or "missing required field" in message:
        assert words in message


def test_article_rejects_repeated_section_keys() -> None:
    intro = {"kind": "intro", "key": "intro", "title": "Intro", "body": "Text."}
    article = {
        "slug": "a",
        "title": "A",
        "summary": "S",
        "disclaimer": "D",
        "sections": [intro, intro],
    }
    with pytest.raises(msgspec.ValidationError, match="appears more than once"):
        msgspec.json.decode(msgspec.json.encode(article), type=ArticleCreate)
