"""Error messages in the form's words: labels and units, never the model's field names."""

from __future__ import annotations

import pytest

from schema.sections import TherapyTypesSection
from seed.data import load_seed_article
from service.webapp.formdata import Invalid, errors_by_field, read_form, to_struct
from service.webapp.forms import Node, build_form
from service.webapp.messages import Problem, explain, reword
from tests.webapp.test_forms import find, posted

SECTION = next(s for s in load_seed_article().sections if isinstance(s, TherapyTypesSection))


def explained(**changes: str) -> tuple[Node, list[Problem]]:
    """The therapy form after a save with ``changes``, its errors explained."""
    form = build_form(TherapyTypesSection, SECTION, skip=frozenset({"key"}))
    data = read_form(TherapyTypesSection, posted(form, **changes))
    with pytest.raises(Invalid) as raised:
        to_struct(TherapyTypesSection, data, key=SECTION.key)
    again = build_form(TherapyTypesSection, data, errors_by_field(raised.value.errors))
    return again, explain(again)


# By hand: what was typed, and the message the editor reads (units as the select shows them).
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"therapies[0].dose.min": "3", "therapies[0].dose.max": "2"},
            "therapies[0].dose",
            "Maximum dose (2 mg/kg) must not be less than the minimum (3 mg/kg)",
        ),
        (
            {
                "therapies[0].dose.min": "300",
                "therapies[0].dose.max": "200",
                "therapies[0].dose.unit": "ug",
            },
            "therapies[0].dose",
            "Maximum dose (200 mcg) must not be less than the minimum (300 mcg)",
        ),
        (
            {
                "therapies[0].duration_minutes.min": "45",
                "therapies[0].duration_minutes.max": "30",
            },
            "therapies[0].duration_minutes",
            "Maximum duration (30 min) must not be less than the minimum (45 min)",
        ),
    ],
)
def test_messages_use_the_forms_labels_and_units(
    changes: dict[str, str], field: str, message: str
) -> None:
    form, problems = explained(**changes)
    assert find(form, field).error == message
    assert [p.text.rpartition(": ")[2] for p in problems] == [message]
    assert "`" not in message


def test_the_summary_links_to_the_first_input_of_the_group_and_names_where_it_is() -> None:
    form, problems = explained(**{"therapies[0].dose.min": "3", "therapies[0].dose.max": "2"})
    assert problems == [
        Problem(
            "f-therapies-0-dose-min",
            "Therapies > Therapy 1: Intravenous (IV) Infusion Therapy > Dose: "
            "Maximum dose (2 mg/kg) must not be less than the minimum (3 mg/kg)",
        )
    ]
    for part in ("min", "max", "unit"):
        leaf = find(form, f"therapies[0].dose.{part}")
        assert leaf.is_invalid and "f-therapies-0-dose-error" in leaf.described_by.split()
    assert not find(form, "therapies[1].dose.min").is_invalid


@pytest.mark.parametrize(
    ("message", "reads"),
    [
        (
            "`condition_codes` names conditions not listed: x",
            "Condition codes names conditions not listed: x",
        ),
        ("an onset needs `start`, `peak` or both", "An onset needs start, peak or both"),
        ("`url` is required", "URL is required"),
        (
            "the minimum age (3) exceeds the maximum (2)",
            "The minimum age (3) exceeds the maximum (2)",
        ),
    ],
)
def test_field_names_in_other_messages_read_as_labels(message: str, reads: str) -> None:
    assert reword(Node(kind="group", name="x", label="X"), message) == reads
