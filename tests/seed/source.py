"""The article text the seed was transcribed from, and the strings of data to compare with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.conftest import ROOT

# Kept verbatim beside the seed data.
SOURCE_TEXT = ROOT / "seed" / "source" / "ketamine-for-anxiety.txt"


def iter_strings(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in builtins-shaped data, with the path that leads to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, (*path, index))
