"""Comparing content: which sections changed, and field by field what changed in them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import msgspec

from schema.admin import FieldChange
from schema.article import ArticleFields
from schema.sections import Section
from service.channels.diff_words import annotate


def changed_section_keys(old: Sequence[Section] | None, new: Sequence[Section]) -> list[str]:
    """Keys of sections added, removed or changed in content, in the new order then removed ones.

    Compares typed values, not timestamps; a pure reorder changes no section's content.
    """
    if old is None:
        return [section.key for section in new]
    before = {section.key: section for section in old}
    after_keys = {section.key for section in new}
    changed = [section.key for section in new if before.get(section.key) != section]
    changed.extend(section.key for section in old if section.key not in after_keys)
    return changed


def diff_content(
    before_fields: ArticleFields | None,
    before_sections: Sequence[Section],
    after_fields: ArticleFields,
    after_sections: Sequence[Section],
) -> list[FieldChange]:
    """Field-level changes a reviewer reads: article fields, section order, then each section.

    Sections are matched by key; inside one, values are compared field by field and list items
    are aligned by content, so an inserted step shows as one addition, not a cascade of edits.
    """
    changes = _diff_value(
        None,
        "",
        {} if before_fields is None else msgspec.to_builtins(before_fields),
        msgspec.to_builtins(after_fields),
    )
    changes.extend(_order_change(before_sections, after_sections))
    changes.extend(_section_changes(before_sections, after_sections))
    before = {section.key: section for section in before_sections}
    after = {section.key: section for section in after_sections}
    return _summarized(changes, (before_fields, after_fields), before, after)


def _order_change(before: Sequence[Section], after: Sequence[Section]) -> list[FieldChange]:
    """One ``section_order`` change when the sections both sides keep are in another order."""
    before_keys = [section.key for section in before]
    after_keys = [section.key for section in after]
    kept = set(before_keys) & set(after_keys)
    if [k for k in before_keys if k in kept] == [k for k in after_keys if k in kept]:
        return []
    return [
        FieldChange(
            section=None,
            path="section_order",
            change="changed",
            before=before_keys,
            after=after_keys,
        )
    ]


def _section_changes(
    before_sections: Sequence[Section], after_sections: Sequence[Section]
) -> list[FieldChange]:
    """Sections added, changed field by field (or whole, when the kind changed), and removed."""
    changes: list[FieldChange] = []
    before = {section.key: section for section in before_sections}
    for section in after_sections:
        old = before.get(section.key)
        if old is None:
            changes.append(
                FieldChange(
                    section=section.key, path="", change="added", after=msgspec.to_builtins(section)
                )
            )
        elif type(old) is not type(section):
            # A different kind shares no field meaning: show the whole section either side.
            changes.append(
                FieldChange(
                    section=section.key,
                    path="",
                    change="changed",
                    before=msgspec.to_builtins(old),
                    after=msgspec.to_builtins(section),
                )
            )
        elif old != section:
            changes.extend(
                _diff_value(section.key, "", msgspec.to_builtins(old), msgspec.to_builtins(section))
            )
    after_keys = {section.key for section in after_sections}
    changes.extend(
        FieldChange(section=old.key, path="", change="removed", before=msgspec.to_builtins(old))
        for old in before_sections
        if old.key not in after_keys
    )
    return changes


_DERIVED = re.compile(r"(?:^|\.)(?:route_coding|form_coding)(?:\.|$)")


def _summarized(
    changes: list[FieldChange],
    fields: tuple[ArticleFields | None, ArticleFields],
    before: dict[str, Section],
    after: dict[str, Section],
) -> list[FieldChange]:
    # Each change is worded against what it is in, as plain JSON: its section, or the fields.
    def plain(sections: dict[str, Section], key: str | None, side: ArticleFields | None) -> Any:
        found = side if key is None else sections.get(key)
        return None if found is None else msgspec.to_builtins(found)

    return [
        annotate(
            change,
            plain(before, change.section, fields[0]),
            plain(after, change.section, fields[1]),
        )
        for change in changes
        # Codings follow their keys: the key's change says it all.
        if not _DERIVED.search(change.path)
    ]


def _join(path: str, name: str) -> str:
    return name if not path else f"{path}.{name}"


def _diff_value(section: str | None, path: str, before: Any, after: Any) -> list[FieldChange]:
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        for name in [*after, *(name for name in before if name not in after)]:
            child = _join(path, name)
            if name not in before:
                changes.append(
                    FieldChange(section=section, path=child, change="added", after=after[name])
                )
            elif name not in after:
                changes.append(
                    FieldChange(section=section, path=child, change="removed", before=before[name])
                )
            else:
                changes.extend(_diff_value(section, child, before[name], after[name]))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        return _diff_list(section, path, before, after)
    return [FieldChange(section=section, path=path, change="changed", before=before, after=after)]


def _diff_list(
    section: str | None, path: str, before: list[Any], after: list[Any]
) -> list[FieldChange]:
    """Align items by content; paired items recurse, the rest are whole additions or removals.

    Added and changed items carry their index in the new list, removed ones their old index.
    """
    encode = msgspec.json.encode
    matcher = difflib.SequenceMatcher(
        a=[encode(item) for item in before], b=[encode(item) for item in after], autojunk=False
    )
    changes: list[FieldChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            changes.extend(
                _diff_value(
                    section, f"{path}[{j1 + offset}]", before[i1 + offset], after[j1 + offset]
                )
            )
        changes.extend(
            FieldChange(section=section, path=f"{path}[{j}]", change="added", after=after[j])
            for j in range(j1 + paired, j2)
        )
        changes.extend(
            FieldChange(section=section, path=f"{path}[{i}]", change="removed", before=before[i])
            for i in range(i1 + paired, i2)
        )
    return changes
