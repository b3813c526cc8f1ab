"""Text changes word by word: which runs were kept, added or removed.

Words, numbers (``0.9``, ``1,000``), runs of white space and single punctuation marks are the
units compared, so a changed number or a changed word shows alone and a moved comma does not
mark the whole sentence. Runs come back as plain text: whoever shows them escapes them.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any, Final, get_args, get_origin, get_type_hints

import msgspec

from schema.admin import WordChange, WordOp
from schema.base import rich_text_fields

_TOKEN: Final = re.compile(r"\w+(?:[.,]\w+)*|\s+|[^\w\s]")
_STEP: Final = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")
# A text longer than this is compared word by word even when it is not rich text.
LONG_TEXT: Final = 60
# Kept runs longer than this many words either side of a change are shortened for display.
CONTEXT_WORDS: Final = 12
ELLIPSIS: Final = "\u2026"


def word_diff(before: str, after: str) -> list[WordChange]:
    """``before`` -> ``after`` as runs of kept, removed and added text, in reading order."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    runs: list[WordChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(runs, "same", "".join(old[i1:i2]))
            continue
        _append(runs, "removed", "".join(old[i1:i2]))
        _append(runs, "added", "".join(new[j1:j2]))
    return runs


def _append(runs: list[WordChange], op: WordOp, text: str) -> None:
    if not text:
        return
    if runs and runs[-1].op == op:
        runs[-1] = WordChange(op=op, text=runs[-1].text + text)
    else:
        runs.append(WordChange(op=op, text=text))


def shortened(runs: list[WordChange], context: int = CONTEXT_WORDS) -> list[WordChange]:
    """The runs with long kept stretches cut to ``context`` words next to each change."""
    shown: list[WordChange] = []
    for index, run in enumerate(runs):
        parts = [part for part in re.split(r"(\s+)", run.text) if part]
        words = sum(1 for part in parts if not part.isspace())
        head = context if index > 0 else 0
        tail = context if index < len(runs) - 1 else 0
        if run.op != "same" or words <= head + tail + context:
            shown.append(run)
            continue
        start = "".join(parts[: _after_words(parts, head)])
        end = "".join(parts[len(parts) - _after_words(parts[::-1], tail) :])
        shown.append(WordChange(op="same", text=start + ELLIPSIS + end))
    return shown


def _after_words(parts: list[str], count: int) -> int:
    """How many parts hold the first ``count`` words and the white space after them."""
    seen = taken = 0
    for part in parts:
        if not part.isspace():
            if seen == count:
                break
            seen += 1
        taken += 1
    return taken


def is_text_change(root: type[msgspec.Struct] | None, path: str, before: Any, after: Any) -> bool:
    """Whether a change is worth reading word by word: rich text (by type), or long text."""
    if not (isinstance(before, str) and isinstance(after, str)):
        return False
    if max(len(before), len(after)) > LONG_TEXT:
        return True
    return root is not None and is_rich_text(root, path)


def is_rich_text(root: type[msgspec.Struct], path: str) -> bool:
    """Whether the field at ``path`` (``therapies[0].body``) inside ``root`` is rich text."""
    cls: type[msgspec.Struct] | None = root
    parts = path.split(".") if path else []
    for number, part in enumerate(parts):
        match = _STEP.fullmatch(part)
        if cls is None or match is None or match[1] not in cls.__struct_fields__:
            return False
        if number == len(parts) - 1:
            return match[2] is None and match[1] in rich_text_fields(cls)
        cls = _struct_in(_hints(cls)[match[1]])
    return False


@cache
def _hints(cls: type[msgspec.Struct]) -> dict[str, Any]:
    return get_type_hints(cls, include_extras=True)


def _struct_in(hint: Any) -> type[msgspec.Struct] | None:
    """The Struct a field holds, through ``Annotated``, ``| None`` and ``list[...]``."""
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
        return hint
    for arg in get_args(hint) if get_origin(hint) is not None else ():
        found = _struct_in(arg)
        if found is not None:
            return found
    return None
