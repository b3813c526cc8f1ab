"""The three-way merge of a stale save: base (opened), theirs (stored now), mine (sent)."""

from __future__ import annotations

from typing import Any

import pytest

from service.editorial.merge import FieldConflict, merge, value_at, with_value


def therapy(name: str, low: float, high: float, body: str = "text") -> dict[str, Any]:
    """A therapy item as the form's plain values hold it."""
    return {"name": name, "dose": {"min": low, "max": high, "unit": "mg/kg"}, "body": body}


IV, IM = therapy("IV", 0.5, 1), therapy("IM", 0.5, 1)
BASE = {"title": "Therapies", "therapies": [IV, IM]}

# (base, theirs, mine, merged value, conflicting paths)
CLEAN = [
    ("nobody changed anything", BASE, BASE, BASE, BASE),
    (
        "only they changed a field",
        BASE,
        {**BASE, "title": "Theirs"},
        BASE,
        {**BASE, "title": "Theirs"},
    ),
    (
        "only I changed a field",
        BASE,
        BASE,
        {**BASE, "title": "Mine"},
        {**BASE, "title": "Mine"},
    ),
    (
        "they changed IV's max, I changed IM's max",
        BASE,
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        {**BASE, "therapies": [IV, therapy("IM", 0.5, 2)]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), therapy("IM", 0.5, 2)]},
    ),
    (
        "they changed IV's max, I changed IV's body",
        BASE,
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        {**BASE, "therapies": [therapy("IV", 0.5, 1, "new"), IM]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8, "new"), IM]},
    ),
    (
        "both made the same change",
        BASE,
        {**BASE, "title": "Same"},
        {**BASE, "title": "Same"},
        {**BASE, "title": "Same"},
    ),
    (
        "I cleared an optional field they left alone",
        {"a": 1, "b": 2},
        {"a": 5, "b": 2},
        {"a": 1},
        {"a": 5},
    ),
    (
        "they added a therapy, I changed the title",
        BASE,
        {**BASE, "therapies": [IV, IM, therapy("Oral", 1, 2)]},
        {**BASE, "title": "Mine"},
        {"title": "Mine", "therapies": [IV, IM, therapy("Oral", 1, 2)]},
    ),
    (
        "they added a therapy, I changed IV's max",
        BASE,
        {**BASE, "therapies": [IV, IM, therapy("Oral", 1, 2)]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM, therapy("Oral", 1, 2)]},
    ),
    (
        "we each added a different therapy: theirs first",
        BASE,
        {**BASE, "therapies": [IV, IM, therapy("Oral", 1, 2)]},
        {**BASE, "therapies": [IV, IM, therapy("Nasal", 3, 4)]},
        {**BASE, "therapies": [IV, IM, therapy("Oral", 1, 2), therapy("Nasal", 3, 4)]},
    ),
]


@pytest.mark.parametrize(
    ("base", "theirs", "mine", "merged"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN]
)
def test_changes_to_different_fields_merge_without_conflict(
    base: Any, theirs: Any, mine: Any, merged: Any
) -> None:
    result = merge(base, theirs, mine)
    assert result.conflicts == []
    assert result.value == merged


# (base, theirs, mine, merged value with theirs kept, the conflicts)
CONFLICTS = [
    (
        "both changed IV's max",
        BASE,
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        {**BASE, "title": "Mine", "therapies": [therapy("IV", 0.5, 1.2), IM]},
        {"title": "Mine", "therapies": [therapy("IV", 0.5, 0.8), IM]},
        [FieldConflict(("therapies", 0, "dose", "max"), 1, 0.8, 1.2)],
    ),
    (
        "I moved IM up while they changed IV's dose: the list is one value",
        BASE,
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        {**BASE, "therapies": [IM, IV]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        [FieldConflict(("therapies",), [IV, IM], [therapy("IV", 0.5, 0.8), IM], [IM, IV])],
    ),
    (
        "they removed IM while I changed IV: the list is one value",
        BASE,
        {**BASE, "therapies": [IV]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM]},
        {**BASE, "therapies": [IV]},
        [FieldConflict(("therapies",), [IV, IM], [IV], [therapy("IV", 0.5, 0.8), IM])],
    ),
    (
        "they changed IV and added Oral while I moved IM up: the list is one value",
        BASE,
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM, therapy("Oral", 1, 2)]},
        {**BASE, "therapies": [IM, IV]},
        {**BASE, "therapies": [therapy("IV", 0.5, 0.8), IM, therapy("Oral", 1, 2)]},
        [
            FieldConflict(
                ("therapies",),
                [IV, IM],
                [therapy("IV", 0.5, 0.8), IM, therapy("Oral", 1, 2)],
                [IM, IV],
            )
        ],
    ),
    (
        "they inserted Nasal before IM while I changed IM's max: the list is one value",
        BASE,
        {**BASE, "therapies": [IV, therapy("Nasal", 3, 4), IM]},
        {**BASE, "therapies": [IV, therapy("IM", 0.5, 2)]},
        {**BASE, "therapies": [IV, therapy("Nasal", 3, 4), IM]},
        [
            FieldConflict(
                ("therapies",),
                [IV, IM],
                [IV, therapy("Nasal", 3, 4), IM],
                [IV, therapy("IM", 0.5, 2)],
            )
        ],
    ),
    (
        "they removed the key I changed",
        {"a": 1, "b": 2},
        {"b": 2},
        {"a": 3, "b": 2},
        {"b": 2},
        [FieldConflict(("a",), 1, None, 3)],
    ),
]


@pytest.mark.parametrize(
    ("base", "theirs", "mine", "merged", "conflicts"),
    [c[1:] for c in CONFLICTS],
    ids=[c[0] for c in CONFLICTS],
)
def test_fields_both_changed_differently_conflict_and_keep_theirs(
    base: Any, theirs: Any, mine: Any, merged: Any, conflicts: list[FieldConflict]
) -> None:
    result = merge(base, theirs, mine)
    assert result.conflicts == conflicts
    assert result.value == merged


def test_only_my_changes_are_counted_as_mine() -> None:
    theirs = {**BASE, "title": "Theirs", "therapies": [therapy("IV", 0.5, 0.8), IM]}
    mine = {**BASE, "therapies": [IV, therapy("IM", 0.4, 1)]}
    # Their side of item 2 was untouched, so my item 2 is taken whole.
    assert merge(BASE, theirs, mine).mine_applied == [("therapies", 1)]


PATHS = [
    ("a leaf in a list", ("therapies", 1, "dose", "max"), 1),
    ("a missing key", ("nothing",), None),
    ("an index past the end", ("therapies", 5), None),
]


@pytest.mark.parametrize(("path", "expected"), [p[1:] for p in PATHS], ids=[p[0] for p in PATHS])
def test_value_at_reads_a_path(path: tuple[str | int, ...], expected: Any) -> None:
    assert value_at(BASE, path) == expected


def test_with_value_replaces_one_leaf_and_leaves_the_original() -> None:
    changed = with_value(BASE, ("therapies", 0, "dose", "max"), 0.7)
    assert changed["therapies"][0]["dose"] == {"min": 0.5, "max": 0.7, "unit": "mg/kg"}
    assert changed["therapies"][1] == IM
    assert BASE["therapies"][0]["dose"]["max"] == 1
