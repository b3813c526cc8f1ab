"""Error messages as the form reads them, and the summary that links to each invalid field.

The model's messages name fields as the code does (`` `min` (2) must not exceed `max` (1) ``).
Here they are reworded with the form's own labels (``labels.py``) and the units chosen in the
form: "Maximum dose (1 mg/kg) must not be less than the minimum (2 mg/kg)". A group's error is
also tied to the inputs inside it, so each of them is announced as invalid with the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.webapp.forms import Node
from service.webapp.labels import humanize, in_sentence

_RANGE = re.compile(r"^`(\w+)` \(([^)]*)\) must not exceed `(\w+)` \(([^)]*)\)$")
_NAMED = re.compile(r"`(\w+)`")
_UNIT_IN_LABEL = re.compile(r"^(.+?) \(([^)]+)\)$")
_BRANCHES = ("group", "list")


@dataclass(frozen=True)
class Problem:
    """One line of the error summary: the id it links to and what it says."""

    target: str
    text: str


def explain(root: Node) -> list[Problem]:
    """Reword every error in the form with its labels; the summary's lines, in form order."""
    problems: list[Problem] = []
    _walk(root, [], problems)
    return problems


def _walk(node: Node, trail: list[str], problems: list[Problem]) -> None:
    if node.error:
        node.error = reword(node, node.error)
        if node.name:
            where = " > ".join([*trail, node.label])
            problems.append(Problem(_first_input(node) or node.id, f"{where}: {node.error}"))
        else:  # the whole form's error has no field to go to: the link goes to the message
            problems.append(Problem(node.id + "-error", node.error))
        if node.kind == "group":
            for child in node.children:
                if child.kind not in _BRANCHES:
                    child.group_error = node.id + "-error"
    inner = [*trail, node.label] if node.label else trail
    for child in node.children:
        _walk(child, inner, problems)


def _first_input(node: Node) -> str:
    """The id of the first input at or under ``node`` (what a summary link focuses)."""
    if node.kind not in _BRANCHES:
        return node.id
    return next((found for child in node.children if (found := _first_input(child))), "")


def reword(node: Node, message: str) -> str:
    """``message`` about ``node`` with field names as the form labels them."""
    matched = _RANGE.match(message)
    if matched:
        low_name, low, high_name, high = matched.groups()
        return _range_message(node, (low_name, low), (high_name, high))
    labels = {child.name.rpartition(".")[2]: child.label for child in node.children}
    at_start = True
    parts: list[str] = []
    for index, piece in enumerate(_NAMED.split(message)):
        if index % 2:
            label = labels.get(piece) or humanize(piece)
            piece = label if at_start else in_sentence(label)
        at_start = False if piece.strip() else at_start
        parts.append(piece)
    text = "".join(parts)
    return text[:1].upper() + text[1:]


def _range_message(node: Node, low: tuple[str, str], high: tuple[str, str]) -> str:
    """ "Maximum dose (1 mg/kg) must not be less than the minimum (2 mg/kg)"."""
    children = {child.name.rpartition(".")[2]: child for child in node.children}
    name, unit = node.label, ""
    in_label = _UNIT_IN_LABEL.match(name)
    if in_label:  # "Duration (min)": the unit is in the label
        name, unit = in_label.groups()
    unit_node = children.get("unit")
    if unit_node is not None:
        unit = dict(unit_node.options).get(unit_node.value, unit_node.value)
    suffix = f" {unit}" if unit else ""
    low_label = children[low[0]].label if low[0] in children else humanize(low[0])
    high_label = children[high[0]].label if high[0] in children else humanize(high[0])
    return (
        f"{high_label} {in_sentence(name)} ({high[1]}{suffix}) must not be less than "
        f"the {in_sentence(low_label)} ({low[1]}{suffix})"
    )
