"""Comparing content: which sections changed between two revisions."""

from __future__ import annotations

from collections.abc import Sequence

from schema.sections import Section


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
