"""Diffs a reviewer reads: which section, which field, which list item, before and after."""

from __future__ import annotations

import msgspec
import pytest

from schema.admin import FieldChange
from schema.sections import (
    BenefitsSection,
    CandidacySection,
    ExplainerSection,
    IntroSection,
    Section,
    TherapyTypesSection,
    TitledItem,
)
from seed.data import load_seed_article
from service.channels.diff import changed_section_keys, diff_content

SEED = load_seed_article()


def seed_section(key: str) -> Section:
    """One section of the seed article."""
    return next(section for section in SEED.sections if section.key == key)


def with_section(replacement: Section) -> list[Section]:
    """The seed's sections with one replaced by key."""
    return [replacement if s.key == replacement.key else s for s in SEED.sections]


def changes_between(sections: list[Section]) -> list[FieldChange]:
    """The changes from the seed's sections to these, with the same fields."""
    return diff_content(SEED.fields, SEED.sections, SEED.fields, sections)


def test_identical_content_has_no_changes() -> None:
    assert changes_between(list(SEED.sections)) == []


def test_dose_change_names_the_section_the_therapy_and_the_bound() -> None:
    therapies = seed_section("therapy-types")
    assert isinstance(therapies, TherapyTypesSection)
    iv = therapies.therapies[0]
    changed_iv = msgspec.structs.replace(iv, dose=msgspec.structs.replace(iv.dose, max=0.8))
    section = msgspec.structs.replace(therapies, therapies=[changed_iv, *therapies.therapies[1:]])

    assert changes_between(with_section(section)) == [
        FieldChange(
            section="therapy-types",
            path="therapies[0].dose.max",
            change="changed",
            before=1.0,
            after=0.8,
            summary="Types of Ketamine Therapy and Dosing > Intravenous (IV) > Dose > Maximum: "
            "1 -> 0.8 mg/kg, -20%",
            location=[
                "Types of Ketamine Therapy and Dosing",
                "Intravenous (IV)",
                "Dose",
                "Maximum",
            ],
            unit="mg/kg",
            relative_change=-0.2,
            is_clinical=True,
        )
    ]


def test_inserted_list_item_is_one_addition_not_a_cascade() -> None:
    benefits = seed_section("benefits")
    assert isinstance(benefits, BenefitsSection)
    new_item = TitledItem(title="Sleep", body="Some people sleep better.")
    section = msgspec.structs.replace(benefits, items=[new_item, *benefits.items])

    assert changes_between(with_section(section)) == [
        FieldChange(
            section="benefits",
            path="items[0]",
            change="added",
            after={"title": "Sleep", "body": "Some people sleep better."},
            summary="Key Benefits of Ketamine for Anxiety > Sleep: added",
            location=["Key Benefits of Ketamine for Anxiety", "Sleep"],
        )
    ]


def test_removed_list_item_carries_its_old_index_and_value() -> None:
    candidacy = seed_section("candidacy")
    assert isinstance(candidacy, CandidacySection)
    section = msgspec.structs.replace(candidacy, conditions=candidacy.conditions[:-1])

    [change] = changes_between(with_section(section))
    assert change.section == "candidacy"
    assert change.path == f"conditions[{len(candidacy.conditions) - 1}]"
    assert (change.change, change.before, change.after) == (
        "removed",
        candidacy.conditions[-1],
        None,
    )


def test_added_and_removed_sections_are_whole_and_in_order() -> None:
    extra = ExplainerSection(key="costs", title="Costs", body="It varies.")
    sections = [s for s in SEED.sections if s.key != "safety"] + [extra]

    changes = changes_between(sections)
    assert [(c.section, c.path, c.change) for c in changes] == [
        ("costs", "", "added"),
        ("safety", "", "removed"),
    ]
    assert changes[0].after["kind"] == "explainer"
    assert changed_section_keys(SEED.sections, sections) == ["costs", "safety"]


def test_kind_change_shows_the_whole_section_either_side() -> None:
    intro = seed_section("intro")
    assert isinstance(intro, IntroSection)
    as_explainer = ExplainerSection(key="intro", title=intro.title, body=intro.body)

    [change] = changes_between(with_section(as_explainer))
    assert (change.section, change.path, change.change) == ("intro", "", "changed")
    assert (change.before["kind"], change.after["kind"]) == ("intro", "explainer")


def test_reorder_is_one_section_order_change_and_no_content_change() -> None:
    reordered = [*SEED.sections[1:], SEED.sections[0]]

    [change] = changes_between(reordered)
    assert (change.section, change.path, change.change) == (None, "section_order", "changed")
    assert change.after[-1] == "intro"
    assert changed_section_keys(SEED.sections, reordered) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "A new title"), ("hero_image", None)],
    ids=["title", "hero-image-removed"],
)
def test_article_fields_are_named_without_a_section(field: str, value: object) -> None:
    fields = msgspec.structs.replace(SEED.fields, **{field: value})

    [change] = diff_content(SEED.fields, SEED.sections, fields, SEED.sections)
    assert (change.section, change.path, change.change) == (None, field, "changed")
    assert change.after == value


def test_first_version_adds_every_field_and_section() -> None:
    changes = diff_content(None, [], SEED.fields, SEED.sections)

    added = [(c.section, c.path) for c in changes if c.change == "added"]
    assert len(added) == len(changes)
    assert ("therapy-types", "") in added
    assert (None, "title") in added


def test_changes_read_in_the_vocabulary_words_and_codings_follow_their_keys() -> None:
    therapies = seed_section("therapy-types")
    assert isinstance(therapies, TherapyTypesSection)
    iv, im, *rest = therapies.therapies
    assert iv.dose is not None
    changed = [
        msgspec.structs.replace(iv, dose=msgspec.structs.replace(iv.dose, max=0.9)),
        msgspec.structs.replace(im, route="subcutaneous"),
        *rest,
    ]
    section = msgspec.structs.replace(therapies, therapies=changed)

    assert [c.summary for c in changes_between(with_section(section))] == [
        "Types of Ketamine Therapy and Dosing > Intravenous (IV) > Dose > Maximum: 1 -> 0.9 mg/kg, "
        "-10%",
        "Types of Ketamine Therapy and Dosing > Intramuscular (IM) Injections > Route: "
        "Intramuscular (IM) -> Subcutaneous (SC)",
    ]
