"""The text policy: no stored or served text holds a control character.

C0 and C1 controls (NUL, backspace, ESC, DEL, ...) are invisible, break XML (an Atom feed with
one is not well-formed) and terminals, and are never content. Rich text may hold the white-space
controls tab, line feed and carriage return (browsers send textareas with CRLF); single-line
text holds none. The patterns are JSON Schema (ECMA 262) and Python ``re`` alike.
"""

from __future__ import annotations

import re
from typing import Any, Final, TypeVar

import msgspec

# Every C0 control, DEL and every C1 control.
_ANY_CONTROL: Final = r"\u0000-\u001f\u007f-\u009f"
# The same without tab, line feed and carriage return.
_NON_SPACE_CONTROL: Final = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"

SINGLE_LINE_PATTERN: Final = rf"^[^\s{_ANY_CONTROL}](?:[^{_ANY_CONTROL}]*[^\s{_ANY_CONTROL}])?$"
MULTI_LINE_PATTERN: Final = rf"^[^{_NON_SPACE_CONTROL}]*$"
# Multi-line text that says something: not only white space.
NON_BLANK_PATTERN: Final = rf"^[\t\n\r ]*[^\s{_ANY_CONTROL}][^{_NON_SPACE_CONTROL}]*$"

# What each pattern means, in words for the person whose input failed it.
PATTERN_WORDS: Final = {
    SINGLE_LINE_PATTERN: "must be one line of text with no control characters "
    "(such as NUL or ESC) and no leading or trailing spaces",
    NON_BLANK_PATTERN: "must say something (not only spaces) and must not contain control "
    "characters (such as NUL, backspace or ESC)",
    MULTI_LINE_PATTERN: "must not contain control characters (such as NUL, backspace or ESC); "
    "only tabs and line breaks are allowed",
}

_CONTROLS = re.compile(f"[{_NON_SPACE_CONTROL}]")


def without_controls(text: str) -> str:
    """The text with every control but tab and line breaks removed: for output builders, so
    content stored before the policy existed can never break a feed or a terminal."""
    return _CONTROLS.sub("", text)


T = TypeVar("T")


def _cleaned(value: Any, *, thorough: bool) -> Any:
    if isinstance(value, str):
        text = without_controls(value)
        if thorough and "\n" not in text:
            text = text.replace("\t", " ").strip()
        return text
    if isinstance(value, list):
        return [_cleaned(item, thorough=thorough) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned(item, thorough=thorough) for key, item in value.items()}
    return value


def convert_stored(data: Any, type_: type[T]) -> T:
    """Plain JSON stored by any earlier version as ``type_``: content stored before this policy
    (which revisions keep forever) is cleaned of controls, so it keeps serving instead of failing
    validation on every read."""
    try:
        return msgspec.convert(data, type_)
    except msgspec.ValidationError:
        pass
    try:
        return msgspec.convert(_cleaned(data, thorough=False), type_)
    except msgspec.ValidationError:
        # Single-line fields lose tabs and surrounding spaces too.
        return msgspec.convert(_cleaned(data, thorough=True), type_)
