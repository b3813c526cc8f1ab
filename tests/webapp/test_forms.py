"""Forms generated from the content model: fields, round trips, errors and list buttons."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from schema.article import ArticleFields
from schema.sections import SECTION_TYPES, Section, TherapyTypesSection
from schema.units import DOSE_UNITS
from seed.data import load_seed_article
from service.webapp.fieldtypes import struct_info
from service.webapp.formdata import Invalid, apply_op, errors_by_field, read_form, to_struct
from service.webapp.forms import Node, build_form

SEED_SECTIONS: list[Section] = load_seed_article().sections


def leaves(node: Node) -> list[Node]:
    """Every input of a form, in order."""
    if node.kind in ("group", "list"):
        return [leaf for child in node.children for leaf in leaves(child)]
    return [node]


def posted(form: Node, **changes: str) -> dict[str, str]:
    """What a browser sends for the form unchanged, plus ``changes``."""
    fields = {leaf.name: leaf.value for leaf in leaves(form) if leaf.kind != "checkbox"}
    return {**fields, **changes}


def find(node: Node, name: str) -> Node:
    """The field with this name."""
    if node.name == name:
        return node
    for child in node.children:
        try:
            return find(child, name)
        except LookupError:
            continue
    raise LookupError(name)


@pytest.mark.parametrize("section", SEED_SECTIONS, ids=lambda s: s.key)
def test_every_seed_section_survives_a_form_round_trip(section: Section) -> None:
    form = build_form(type(section), section, skip=frozenset({"key"}))
    data = read_form(type(section), posted(form))
    assert to_struct(type(section), data, key=section.key) == section


def test_every_section_kind_gets_a_form_with_unique_labelled_fields() -> None:
    for cls in SECTION_TYPES:
        blank_form = build_form(cls, {}, skip=frozenset({"key"}))
        inputs = leaves(blank_form)
        assert inputs, cls
        assert len({leaf.id for leaf in inputs}) == len(inputs)
        assert all(leaf.label for leaf in inputs)
        assert "kind" not in {leaf.name for leaf in inputs}  # the tag is not an input


def test_a_field_the_model_gains_gets_an_input_without_template_changes() -> None:
    class Extra(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        title: str
        is_urgent: bool = False
        tags: list[str] = msgspec.field(default_factory=list)
        weights: dict[str, int] = msgspec.field(default_factory=dict)

    form = build_form(Extra, {"title": "t", "is_urgent": True, "tags": ["a"], "weights": {"x": 1}})
    kinds = {leaf.name: leaf.kind for leaf in leaves(form)}
    assert kinds == {
        "title": "textarea",  # no length limit: room to write
        "is_urgent": "checkbox",
        "tags[0]": "textarea",
        "weights": "json",
    }
    data = read_form(
        Extra, {"title": "t", "is_urgent": "on", "tags[0]": "a", "weights": '{"x": 1}'}
    )
    assert to_struct(Extra, data) == Extra(title="t", is_urgent=True, tags=["a"], weights={"x": 1})


def test_dose_fields_are_numbers_with_a_unit_select_and_route_a_select() -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    form = build_form(TherapyTypesSection, section)
    dose_min = find(form, "therapies[0].dose.min")
    assert (dose_min.kind, dose_min.id, dose_min.attrs["step"]) == (
        "number",
        "f-therapies-0-dose-min",
        "any",
    )
    unit = find(form, "therapies[0].dose.unit")
    # Units are the vocabulary's, labelled as readers see them (``ug`` reads ``mcg``).
    assert unit.kind == "select" and sorted(v for v, _ in unit.options) == sorted(DOSE_UNITS)
    assert ("ug", "mcg") in unit.options
    route = find(form, "therapies[0].route")
    assert ("intravenous", "Intravenous (IV)") in route.options
    body = find(form, "therapies[0].body")
    assert body.kind == "markdown" and body.preview_html.startswith("<p>")


def test_min_above_max_is_an_error_on_the_dose_group() -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    form = build_form(TherapyTypesSection, section)
    data = read_form(
        TherapyTypesSection,
        posted(form, **{"therapies[0].dose.min": "2", "therapies[0].dose.max": "1"}),
    )
    with pytest.raises(Invalid) as raised:
        to_struct(TherapyTypesSection, data, key=section.key)
    errors = errors_by_field(raised.value.errors)
    assert errors == {"therapies[0].dose": "`min` (2) must not exceed `max` (1)"}
    again = build_form(TherapyTypesSection, data, errors)
    assert find(again, "therapies[0].dose").error.startswith("`min` (2)")
    assert find(again, "therapies[0].dose.min").value == "2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Required"),
        ({"therapies[0].dose.max": "many"}, "therapies[0].dose.max", "Enter a number"),
        ({"therapies[0].dose.unit": "lb"}, "therapies[0].dose.unit", "Invalid enum value 'lb'"),
        (
            {"therapies[0].duration_minutes.max": ""},
            "therapies[0].duration_minutes.max",
            "Enter a number",
        ),
    ],
    ids=["empty-title", "text-for-number", "unknown-unit", "half-a-range"],
)
def test_errors_name_the_field_they_are_about(
    changes: dict[str, str], field: str, message: str
) -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    data = read_form(
        TherapyTypesSection, posted(build_form(TherapyTypesSection, section), **changes)
    )
    with pytest.raises(Invalid) as raised:
        to_struct(TherapyTypesSection, data, key=section.key)
    assert errors_by_field(raised.value.errors) == {field: message}


def test_an_optional_group_left_empty_is_none_and_crlf_becomes_lf() -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    changes = {
        "therapies[0].duration_minutes.min": "",
        "therapies[0].duration_minutes.max": " ",
        "therapies[0].body": "one\r\ntwo",
        "therapies[0].schedule": "",
    }
    data = read_form(
        TherapyTypesSection, posted(build_form(TherapyTypesSection, section), **changes)
    )
    therapy = to_struct(TherapyTypesSection, data, key=section.key).therapies[0]
    assert therapy.duration_minutes is None
    assert therapy.schedule is None
    assert therapy.body == "one\ntwo"


@pytest.mark.parametrize(
    ("op", "names", "focus"),
    [
        ("add:therapies", ["a", "b", ""], "therapies[2]"),
        ("remove:therapies[0]", ["b"], "therapies"),
        ("up:therapies[1]", ["b", "a"], "therapies[0]"),
        ("down:therapies[0]", ["b", "a"], "therapies[1]"),
        ("up:therapies[0]", ["a", "b"], None),
        ("remove:therapies[7]", ["a", "b"], None),
        ("add:nothing", ["a", "b"], None),
    ],
    ids=["add", "remove", "up", "down", "up-at-top", "remove-missing", "add-unknown"],
)
def test_list_buttons(op: str, names: list[str], focus: str | None) -> None:
    data: dict[str, Any] = {"therapies": [{"name": "a"}, {"name": "b"}]}
    assert apply_op(TherapyTypesSection, data, op) == focus
    assert [t.get("name") for t in data["therapies"]] == names


def test_an_added_item_is_blank_and_its_first_input_gets_focus() -> None:
    data: dict[str, Any] = {"therapies": []}
    focus = apply_op(TherapyTypesSection, data, "add:therapies")
    # Route and dose are optional (talking therapies have neither), so a new item starts bare.
    assert data["therapies"] == [{"name": "", "body": ""}]
    form = build_form(TherapyTypesSection, data, focus=focus)
    assert [leaf.name for leaf in leaves(form) if leaf.is_focused] == ["therapies[0].name"]


def test_article_fields_use_the_same_generator() -> None:
    fields = ArticleFields(title="T", summary="S", disclaimer="D", hero_image=None)
    form = build_form(ArticleFields, fields)
    assert [leaf.kind for leaf in leaves(form)] == ["text", "textarea", "textarea", "textarea"]
    assert to_struct(ArticleFields, read_form(ArticleFields, posted(form))) == fields
    assert struct_info(ArticleFields).fields[0].name == "title"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0,9", 0.9), ("0.9", 0.9), ("1,25", 1.25), (",5", 0.5)],
    ids=["decimal-comma", "decimal-point", "two-decimals", "leading-comma"],
)
def test_a_decimal_comma_reads_as_a_decimal_point(typed: str, stored: float) -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    form = build_form(TherapyTypesSection, section)
    data = read_form(TherapyTypesSection, posted(form, **{"therapies[0].dose.max": typed}))

    therapies = to_struct(TherapyTypesSection, data, key=section.key)

    assert isinstance(therapies, TherapyTypesSection)
    dose = therapies.therapies[0].dose
    assert dose is not None and dose.max == stored


def test_a_comma_that_may_separate_thousands_is_asked_about() -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    form = build_form(TherapyTypesSection, section)
    data = read_form(TherapyTypesSection, posted(form, **{"therapies[0].dose.max": "1,000"}))

    with pytest.raises(Invalid) as raised:
        to_struct(TherapyTypesSection, data, key=section.key)

    assert errors_by_field(raised.value.errors) == {"therapies[0].dose.max": "Enter a number"}


def test_forms_offer_every_section_kind_and_vocabulary_labels() -> None:
    kinds = {struct_info(cls).tag for cls in SECTION_TYPES}
    assert {"contraindications", "interactions", "warnings", "faq"} <= kinds
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    form = build_form(TherapyTypesSection, section)
    assert ("lozenge", "Lozenge") in find(form, "therapies[2].form").options


def test_an_implausible_dose_is_flagged_beside_its_field() -> None:
    section = next(s for s in SEED_SECTIONS if isinstance(s, TherapyTypesSection))
    iv = section.therapies[0]
    assert iv.dose is not None
    slipped = msgspec.structs.replace(iv, dose=msgspec.structs.replace(iv.dose, max=9))
    form = build_form(
        TherapyTypesSection,
        msgspec.structs.replace(section, therapies=[slipped, *section.therapies[1:]]),
    )

    assert "decimal point" in find(form, "therapies[0].dose").hint
    assert "decimal point" not in find(form, "therapies[1].dose").hint
