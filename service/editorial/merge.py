"""Three-way merge of plain values: what an editor opened, what is stored now, what they sent.

The values are builtins (dicts, lists, scalars: ``msgspec.to_builtins`` of a section or the
article fields). A change on one side only is kept; the same change on both sides is kept once;
different changes to the same field are a conflict, which keeps the stored value (theirs) so a
merge never undoes a colleague's work. Lists are merged item by item only when no side added,
removed or moved an item (adding items at the end is fine): otherwise an item's fields could land
on another item (a dose on the wrong therapy), so such a list is one value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
_MISSING: Any = object()  # a key one side lacks (an optional field left out)


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed, to different values."""

    path: Path
    base: Any
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class Merge:
    """The merged value, the true conflicts (theirs kept there), and the paths of mine applied."""

    value: Any
    conflicts: list[FieldConflict] = field(default_factory=list)
    mine_applied: list[Path] = field(default_factory=list)


def merge(base: Any, theirs: Any, mine: Any) -> Merge:
    """Merge ``mine`` (changes from ``base``) into ``theirs`` (the stored value)."""
    conflicts: list[FieldConflict] = []
    applied: list[Path] = []
    value = _merge(base, theirs, mine, (), conflicts, applied)
    return Merge(value, conflicts, applied)


def _merge(
    base: Any,
    theirs: Any,
    mine: Any,
    path: Path,
    conflicts: list[FieldConflict],
    applied: list[Path],
) -> Any:
    if mine in (base, theirs):
        return theirs
    if theirs == base:
        applied.append(path)
        return mine
    if all(isinstance(v, dict) for v in (base, theirs, mine)):
        keys = [*theirs, *(k for k in mine if k not in theirs)]
        merged = {}
        for key in keys:
            got = _merge(
                base.get(key, _MISSING),
                theirs.get(key, _MISSING),
                mine.get(key, _MISSING),
                (*path, key),
                conflicts,
                applied,
            )
            if got is not _MISSING:
                merged[key] = got
        return merged
    if _is_mergeable_list(base, theirs, mine):
        count = len(base)
        head = [
            _merge(b, t, m, (*path, i), conflicts, applied)
            for i, (b, t, m) in enumerate(zip(base, theirs, mine[:count], strict=False))
        ]
        # Items added at the end by either side are kept: theirs first, then mine.
        added = [item for item in mine[count:] if item not in theirs[count:]]
        if added:
            applied.append((*path, count))
        return [*head, *theirs[count:], *added]
    shown = [None if v is _MISSING else v for v in (base, theirs, mine)]
    conflicts.append(FieldConflict(path, *shown))
    return theirs


def _is_mergeable_list(base: Any, theirs: Any, mine: Any) -> bool:
    """Lists whose items can be merged one by one: each side either kept the length and order
    of the base (changing items in place), or only added items after the base's."""
    if not all(isinstance(v, list) for v in (base, theirs, mine)):
        return False
    count = len(base)
    if len(theirs) < count or len(mine) < count:
        return False
    for side in (theirs, mine):
        if len(side) > count and side[:count] != base:
            return False  # items added and others changed or moved: the list is one value
    return _are_aligned(base, theirs[:count], mine[:count])


def _are_aligned(base: Any, theirs: Any, mine: Any) -> bool:
    """Three lists of one length in which no side moved an item of the base to another index."""
    if not all(isinstance(v, list) for v in (base, theirs, mine)):
        return False
    if not len(base) == len(theirs) == len(mine):
        return False
    for side in (theirs, mine):
        for index, item in enumerate(side):
            if item != base[index] and any(item == other for other in base):
                return False
    return True


def value_at(value: Any, path: Path) -> Any:
    """The value at ``path`` (None where it is missing)."""
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def with_value(value: Any, path: Path, new: Any) -> Any:
    """A copy of ``value`` with ``new`` at ``path`` (the path must exist but for its last key)."""
    if not path:
        return new
    step, rest = path[0], path[1:]
    if isinstance(value, dict) and isinstance(step, str):
        return {**value, step: with_value(value.get(step), rest, new)}
    if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
        return [with_value(item, rest, new) if i == step else item for i, item in enumerate(value)]
    raise KeyError(f"no {step!r} in the value")
