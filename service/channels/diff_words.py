"""A field-level change in the reader's words: "Types of therapy > Intravenous (IV) > Dose >
Maximum: 1 -> 0.9 mg/kg, -10%". The place reads as the form labels it (section title, the item's
name, field labels), values as the channels write them (route labels, unit displays), numbers
with their relative change, text word by word, and clinically significant changes are marked."""

from __future__ import annotations

from typing import Any

import msgspec

from schema.admin import FieldChange, WordChange
from schema.article import ArticleFields
from schema.sections import SECTION_TYPES
from service.channels.diff_clinical import is_clinical
from service.channels.diff_labels import Place, is_number, locate, unit_of, value_words
from service.channels.diff_text import is_text_change, word_diff

_KINDS: dict[str, type[msgspec.Struct]] = {
    str(cls.__struct_config__.tag): cls for cls in SECTION_TYPES
}


def annotate(change: FieldChange, before: Any, after: Any) -> FieldChange:
    """The change with its words filled in; ``before`` and ``after`` are its section either side,
    or the article's fields for the article's own changes (plain JSON; None where absent)."""
    is_article = change.section is None
    side = before if change.change == "removed" or after is None else after
    # A section is named by its title as it will read, even where an item was removed.
    titled = after if isinstance(after, dict) else before
    heading = str(titled.get("title", "")) if isinstance(titled, dict) and not is_article else ""
    place = locate(side, change.path, is_article=is_article, heading=heading)
    kinds = {s.get("kind", "") for s in (before, after) if isinstance(s, dict) and not is_article}
    fields: dict[str, Any] = {
        "location": place.steps,
        "is_clinical": is_clinical(change.path, kinds, [change.before, change.after]),
    }
    where = " > ".join(place.steps)
    if change.change != "changed" or not _is_scalar(change.before, change.after):
        noun = "section " if change.path == "" and not is_article else ""
        fields["summary"] = f"{where}: {noun}{change.change}"
        return msgspec.structs.replace(change, **fields)
    root = ArticleFields if is_article else _KINDS.get(str(side.get("kind", ""))) if side else None
    if is_text_change(root, change.path, change.before, change.after):
        fields["words"] = word_diff(change.before, change.after)
        fields["summary"] = f"{where}: {edits(fields['words'])}"
        return msgspec.structs.replace(change, **fields)
    fields.update(_numbers(change, before, place, is_article=is_article))
    last = change.path.rsplit(".", 1)[-1]
    old, new = value_words(last, change.before), value_words(last, change.after)
    unit, before_unit = fields.get("unit", ""), fields.pop("before_unit", "")
    if before_unit:
        line = f"{where}: {old} {before_unit} -> {new} {unit}"
    else:
        line = f"{where}: {old} -> {new}" + (f" {unit}" if unit else "")
    if fields.get("relative_change") is not None:
        line += f", {percent(fields['relative_change'])}"
    fields["summary"] = line
    return msgspec.structs.replace(change, **fields)


def _numbers(change: FieldChange, before: Any, place: Place, *, is_article: bool) -> dict[str, Any]:
    """The unit of a changed number and its relative change (none across a change of unit)."""
    if not (is_number(change.before) and is_number(change.after)):
        return {}
    unit = unit_of(place)
    old_unit = unit_of(locate(before, change.path, is_article=is_article))
    found: dict[str, Any] = {"unit": unit}
    if old_unit != unit:
        found["before_unit"] = old_unit
    elif change.before:
        found["relative_change"] = round((change.after - change.before) / change.before, 4)
    return found


def edits(runs: list[WordChange], most: int = 3) -> str:
    """A text change in brief: ``removed "an", added "a slow"`` (the first few edits)."""
    shown = [
        f'{run.op} "{value_words("", run.text.strip())}"'
        for run in runs
        if run.op != "same" and run.text.strip()
    ]
    if not shown:
        return "white space changed"
    more = len(shown) - most
    return ", ".join(shown[:most]) + (f" and {more} more" if more > 0 else "")


def _is_scalar(*values: Any) -> bool:
    return not any(isinstance(value, dict | list) for value in values)


def percent(fraction: float) -> str:
    """A relative change as people read it: ``-10%``, ``+900%``, ``+0.5%``."""
    value = fraction * 100
    text = f"{value:+.0f}%"
    return f"{value:+.1f}%" if text in ("+0%", "-0%") and value else text
