"""The diff as a medical reviewer reads it: places, labels, units, relative change, text runs and
clinical marking, each stated as a hand-written table of an edit and the line it must read as."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from schema.admin import FieldChange, WordChange
from schema.article import ArticleFields
from schema.sections import (
    ExplainerSection,
    Interaction,
    InteractionsSection,
    SafetySection,
    Section,
    TherapyTypesSection,
    Warning,
    WarningsSection,
)
from seed.data import load_seed_article
from service.channels.diff import diff_content
from service.channels.diff_text import is_rich_text, is_text_change, shortened, word_diff

SEED = load_seed_article()
THERAPIES = "Types of Ketamine Therapy and Dosing"
Edit = Callable[[dict[str, Any]], None]


def edited(edit: Edit) -> list[FieldChange]:
    """The diff of the seed against the seed changed by ``edit`` (on its plain JSON)."""
    data: dict[str, Any] = {
        "fields": msgspec.to_builtins(SEED.fields),
        "sections": {s.key: msgspec.to_builtins(s) for s in SEED.sections},
    }
    edit(data)
    fields = msgspec.convert(data["fields"], ArticleFields)
    sections = [msgspec.convert(s, Section) for s in data["sections"].values()]
    return diff_content(SEED.fields, SEED.sections, fields, sections)


def therapy(data: dict[str, Any], index: int) -> dict[str, Any]:
    """One therapy of the seed's therapy section, to change in place."""
    found: dict[str, Any] = data["sections"]["therapy-types"]["therapies"][index]
    return found


def side_effect(data: dict[str, Any], index: int) -> dict[str, Any]:
    """One side effect of the seed's safety section, to change in place."""
    found: dict[str, Any] = data["sections"]["safety"]["side_effects"][index]
    return found


def set_route_of_spray_to_sublingual_and_change_its_dose(data: dict[str, Any]) -> None:
    """Two therapies given sublingually: neither can be named by its route."""
    therapy(data, 3)["route"] = "sublingual"
    therapy(data, 2)["dose"]["max"] = 200


LINES: list[tuple[str, Edit, list[str]]] = [
    (
        "iv-maximum",
        lambda d: therapy(d, 0)["dose"].update(max=0.9),
        [f"{THERAPIES} > Intravenous (IV) > Dose > Maximum: 1 -> 0.9 mg/kg, -10%"],
    ),
    (
        "tenfold-slip",
        lambda d: therapy(d, 0)["dose"].update(max=9),
        [f"{THERAPIES} > Intravenous (IV) > Dose > Maximum: 1 -> 9 mg/kg, +800%"],
    ),
    (
        "infusion-minutes",
        lambda d: therapy(d, 0)["duration_minutes"].update(max=45),
        [f"{THERAPIES} > Intravenous (IV) > Duration (min) > Maximum: 60 -> 45 minutes, -25%"],
    ),
    (
        "course-weeks",
        lambda d: therapy(d, 0)["course"].update(min=3),
        [f"{THERAPIES} > Intravenous (IV) > Course > Minimum: 2 -> 3 weeks, +50%"],
    ),
    (
        "unit-change-has-no-percent",
        lambda d: therapy(d, 3)["dose"].update(min=56_000, max=84_000, unit="ug"),
        [
            f"{THERAPIES} > Intranasal > Dose > Minimum: 56 mg -> 56000 mcg",
            f"{THERAPIES} > Intranasal > Dose > Maximum: 84 mg -> 84000 mcg",
            f"{THERAPIES} > Intranasal > Dose > Unit: mg -> mcg",
        ],
    ),
    (
        "dose-form",
        lambda d: therapy(d, 2).update(form="tablet"),
        [f"{THERAPIES} > Sublingual > Form: Lozenge -> Tablet"],
    ),
    (
        "route-names-the-therapy-by-name",
        lambda d: therapy(d, 1).update(route="subcutaneous"),
        [
            f"{THERAPIES} > Intramuscular (IM) Injections > Route: Intramuscular (IM) -> "
            "Subcutaneous (SC)"
        ],
    ),
    (
        "shared-route-names-by-name",
        set_route_of_spray_to_sublingual_and_change_its_dose,
        [
            f"{THERAPIES} > Sublingual or Oral Ketamine (Lozenges or Troches) > Dose > Maximum: "
            "300 -> 200 mg, -33%",
            f"{THERAPIES} > Nasal Spray (Esketamine / Spravato) > Route: Intranasal -> Sublingual",
        ],
    ),
    (
        "seriousness",
        lambda d: side_effect(d, 0).update(is_serious=True),
        ["Is Ketamine Safe? > Temporary dizziness > Serious: no -> yes"],
    ),
    (
        "cioms-band",
        lambda d: side_effect(d, 1).update(frequency="very_common"),
        ["Is Ketamine Safe? > Mild dissociation > Frequency: none -> Very common"],
    ),
    (
        "removed-item-under-the-new-title",
        lambda d: d["sections"]["safety"].update(
            title="Safety", side_effects=d["sections"]["safety"]["side_effects"][1:]
        ),
        ["Safety > Title: Is Ketamine Safe? -> Safety", "Safety > Temporary dizziness: removed"],
    ),
    (
        "article-title",
        lambda d: d["fields"].update(title="Ketamine for anxiety"),
        ["Article > Title: Ketamine therapy for anxiety -> Ketamine for anxiety"],
    ),
    (
        "rich-text-in-brief",
        lambda d: therapy(d, 0).update(
            body=therapy(d, 0)["body"].replace("most common", "commonest")
        ),
        [f'{THERAPIES} > Intravenous (IV) > Body: removed "most common", added "commonest"'],
    ),
]


@pytest.mark.parametrize(("edit", "lines"), [c[1:] for c in LINES], ids=[c[0] for c in LINES])
def test_a_change_reads_as_the_reader_sees_it(edit: Edit, lines: list[str]) -> None:
    assert [change.summary for change in edited(edit)] == lines


def test_the_place_and_the_numbers_are_fields_of_their_own() -> None:
    [change] = edited(lambda d: therapy(d, 0)["dose"].update(max=0.9))
    assert change.location == [THERAPIES, "Intravenous (IV)", "Dose", "Maximum"]
    assert (change.unit, change.relative_change) == ("mg/kg", -0.1)


def new_section(section: Section) -> Edit:
    """An edit adding ``section`` at the end."""
    return lambda d: d["sections"].update({section.key: msgspec.to_builtins(section)})


INTERACTIONS = InteractionsSection(
    key="interactions",
    title="Interactions",
    interactions=[Interaction(agent="Alcohol", body="Adds to drowsiness.", severity="high")],
)
CLINICAL: list[tuple[str, Edit, bool]] = [
    ("dose", lambda d: therapy(d, 0)["dose"].update(max=0.9), True),
    ("route", lambda d: therapy(d, 1).update(route="subcutaneous"), True),
    ("dose-form", lambda d: therapy(d, 2).update(form="tablet"), True),
    ("frequency", lambda d: therapy(d, 3)["frequency"].update(count=3), True),
    ("side-effect", lambda d: side_effect(d, 0).update(is_serious=True), True),
    (
        "therapy-removed",
        lambda d: d["sections"]["therapy-types"]["therapies"].pop(1),
        True,
    ),
    (
        "warning-added",
        new_section(
            WarningsSection(
                key="warnings",
                title="Warnings",
                warnings=[Warning(title="Driving", body="Do not drive that day.", severity="high")],
            )
        ),
        True,
    ),
    ("interactions-added", new_section(INTERACTIONS), True),
    ("therapy-prose", lambda d: therapy(d, 0).update(body=therapy(d, 0)["body"] + " More."), False),
    ("therapy-name", lambda d: therapy(d, 0).update(name="IV infusion"), False),
    ("benefit-title", lambda d: d["sections"]["benefits"]["items"][0].update(title="Fast"), False),
    ("article-title", lambda d: d["fields"].update(title="Ketamine for anxiety"), False),
    (
        "explainer-added",
        new_section(ExplainerSection(key="costs", title="Costs", body="It varies.")),
        False,
    ),
]


@pytest.mark.parametrize(
    ("edit", "clinical"), [c[1:] for c in CLINICAL], ids=[c[0] for c in CLINICAL]
)
def test_clinically_significant_changes_are_marked(edit: Edit, clinical: bool) -> None:
    changes = edited(edit)
    assert changes
    assert {change.is_clinical for change in changes} == {clinical}


def test_any_change_inside_an_interactions_section_is_clinical() -> None:
    changed = msgspec.structs.replace(INTERACTIONS, body="Ask your pharmacist.")
    changes = diff_content(SEED.fields, [INTERACTIONS], SEED.fields, [changed])
    assert [(c.summary, c.is_clinical) for c in changes] == [
        ('Interactions > Body: added "Ask your pharmacist."', True)
    ]


Runs = list[tuple[str, str]]
WORDS: list[tuple[str, str, str, Runs]] = [
    (
        "number",
        "Give 0.5 mg/kg over 40 minutes.",
        "Give 0.5 mg/kg over 60 minutes.",
        [
            ("same", "Give 0.5 mg/kg over "),
            ("removed", "40"),
            ("added", "60"),
            ("same", " minutes."),
        ],
    ),
    (
        "decimal-is-one-word",
        "Up to 1.0 mg/kg.",
        "Up to 10 mg/kg.",
        [("same", "Up to "), ("removed", "1.0"), ("added", "10"), ("same", " mg/kg.")],
    ),
    (
        "punctuation-alone",
        "Rest, then drive.",
        "Rest; then drive.",
        [("same", "Rest"), ("removed", ","), ("added", ";"), ("same", " then drive.")],
    ),
    (
        "inserted-words",
        "Sessions are monitored.",
        "Sessions are closely monitored.",
        [("same", "Sessions are "), ("added", "closely "), ("same", "monitored.")],
    ),
    (
        "markup-is-text",
        "Safe.",
        "Safe <script>x</script>.",
        [("same", "Safe"), ("added", " <script>x</script>"), ("same", ".")],
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "runs"), [c[1:] for c in WORDS], ids=[c[0] for c in WORDS]
)
def test_text_changes_word_by_word(before: str, after: str, runs: Runs) -> None:
    assert word_diff(before, after) == [WordChange(op=op, text=text) for op, text in runs]


def test_long_kept_stretches_are_shortened_around_the_change() -> None:
    words = [f"w{n}" for n in range(60)]
    changed = [*words[:30], "X", *words[31:]]
    runs = shortened(word_diff(" ".join(words), " ".join(changed)), context=3)
    assert runs == [
        WordChange(op="same", text="\u2026 w27 w28 w29 "),
        WordChange(op="removed", text="w30"),
        WordChange(op="added", text="X"),
        WordChange(op="same", text=" w31 w32 w33 \u2026"),
    ]


RICH: list[tuple[type[msgspec.Struct], str, bool]] = [
    (TherapyTypesSection, "therapies[0].body", True),
    (TherapyTypesSection, "therapies[0].name", False),
    (TherapyTypesSection, "therapies[0].dose.unit", False),
    (SafetySection, "long_term", True),
    (SafetySection, "side_effects[0].note", False),
    (InteractionsSection, "interactions[0].body", True),
    (ArticleFields, "summary", False),
]


@pytest.mark.parametrize(
    ("root", "path", "rich"), RICH, ids=[f"{r.__name__}.{p}" for r, p, _ in RICH]
)
def test_rich_text_is_found_by_type(root: type[msgspec.Struct], path: str, rich: bool) -> None:
    assert is_rich_text(root, path) is rich


def test_short_plain_text_is_not_compared_word_by_word_but_long_text_is() -> None:
    assert not is_text_change(ArticleFields, "title", "A title", "Another title")
    assert is_text_change(ArticleFields, "summary", "a " * 40, "b " * 40)
    assert is_text_change(SafetySection, "long_term", "Rare.", "Unknown.")
