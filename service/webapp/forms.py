"""A Struct's type info and plain values as a tree of form fields that one template renders.

Every field gets an id derived from its name (``therapies[0].dose.min`` ->
``f-therapies-0-dose-min``), a label, its help text, and the error message whose path names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import msgspec
import msgspec.inspect as mi

from schema.labels import field_label, item_label
from schema.plausibility import plausibility_warnings
from schema.sections import TherapyTypesSection
from schema.units import DOSE_UNITS, TIME_UNITS
from schema.vocabulary import DOSE_FORMS, FREQUENCY_BANDS, ROUTES, SEVERITIES
from service.channels.render import markdown_to_html
from service.webapp.fieldtypes import choices, editable_fields, join, struct_info, widget_for

# Option labels come from the vocabularies; keys that appear in two (none today) read the first.
_OPTION_LABELS: dict[str, str] = {
    **{key: term.label for key, term in ROUTES.items()},
    **{key: term.label for key, term in DOSE_FORMS.items()},
    **{key: term.display for key, term in DOSE_UNITS.items()},
    **{key: term.plural for key, term in TIME_UNITS.items()},
    **{key: band.label for key, band in FREQUENCY_BANDS.items()},
    **{key: label for key, label in SEVERITIES.items()},
}
MARKDOWN_HINT = "Markdown: **bold**, *italic*, [link](https://…), lists with - ; preview below."
_ID_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass
class Node:
    """One field of a form: a leaf input, a group of fields, or a list of items."""

    kind: str
    name: str
    label: str
    value: str = ""
    hint: str = ""
    is_required: bool = False
    error: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    item_label: str = ""
    index: int = -1
    is_last: bool = False
    can_add: bool = True
    preview_html: str = ""
    is_focused: bool = False

    @property
    def id(self) -> str:
        """The element id: the name with every run of other characters made a hyphen."""
        return "f-" + (_ID_CHARS.sub("-", self.name.lower()).strip("-") or "form")


def humanize(name: str) -> str:
    """A field name as a label (the model's one table, which the diff reads too)."""
    return field_label(name)


def singular(name: str) -> str:
    """The label of one item of a list field: ``therapies`` -> ``Therapy``."""
    return item_label(name)


def build_form(
    cls: type[Any],
    value: Any,
    errors: dict[str, str] | None = None,
    *,
    skip: frozenset[str] = frozenset(),
    focus: str | None = None,
) -> Node:
    """The form of a Struct class filled with ``value`` (a Struct or its plain values)."""
    data = msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else value
    errors = errors or {}
    info = struct_info(cls)
    root = Node(kind="group", name="", label="", error=errors.get("", ""))
    root.children = [
        _node(f.name, f.type, f.name, data.get(f.name), f.required, errors, focus)
        for f in editable_fields(info)
        if f.name not in skip and f.name != info.tag_field
    ]
    if focus:
        _focus_first_input(root, focus)
    _flag_implausible(root, value)
    return root


def _flag_implausible(root: Node, value: Any) -> None:
    """Put the model's plausibility warnings beside the fields they are about, as their hint."""
    if not isinstance(value, TherapyTypesSection):
        return
    for warning in plausibility_warnings([value]):
        node = _find(root, warning.path)
        if node is not None:
            node.hint = f"Check this value: {warning.message}."


def _find(node: Node, name: str) -> Node | None:
    if node.name == name:
        return node
    for child in node.children:
        found = _find(child, name)
        if found is not None:
            return found
    return None


def _focus_first_input(node: Node, focus: str) -> bool:
    """Mark the first input at or under the path ``focus`` (after a list button)."""
    inside = node.name == focus or node.name.startswith((focus + ".", focus + "["))
    if inside and node.kind not in ("group", "list"):
        node.is_focused = True
        return True
    return any(_focus_first_input(child, focus) for child in node.children)


def _node(
    name: str,
    field_type: mi.Type,
    path: str,
    value: Any,
    is_required: bool,
    errors: dict[str, str],
    focus: str | None,
    label: str | None = None,
) -> Node:
    widget = widget_for(name, field_type)
    node = Node(
        kind=widget.kind,
        name=path,
        label=label or humanize(name),
        hint=widget.hint,
        is_required=is_required and not widget.is_optional,
        error=errors.get(path, ""),
    )
    if isinstance(widget.type, mi.StructType):
        values = value if isinstance(value, dict) else {}
        # Inside an optional group nothing is required on its own: all empty means none.
        node.children = [
            _node(
                f.name,
                f.type,
                join(path, f.name),
                values.get(f.name),
                node.is_required,
                errors,
                focus,
            )
            for f in editable_fields(widget.type)
        ]
        if widget.is_optional:
            node.hint = node.hint or "Optional: leave every field empty for none."
    elif isinstance(widget.type, mi.ListType):
        items = value if isinstance(value, list) else []
        node.item_label = singular(name)
        node.can_add = widget.type.max_length is None or len(items) < widget.type.max_length
        for index, item in enumerate(items):
            item_path = join(path, index)
            child = _node(
                "", widget.type.item_type, item_path, item, True, errors, focus,
                label=_item_label(node.item_label, index, item),
            )  # fmt: skip
            child.index, child.is_last = index, index == len(items) - 1
            node.children.append(child)
    else:
        _fill_leaf(node, widget.type, value)
    return node


def _item_label(item_label: str, index: int, item: Any) -> str:
    """``Therapy 1: Intravenous infusion``: the item's own name or title, when it has one."""
    label = f"{item_label} {index + 1}"
    if isinstance(item, dict):
        named = item.get("name") or item.get("title")
        if isinstance(named, str) and named.strip():
            return f"{label}: {named.strip()}"
    return label


def _fill_leaf(node: Node, field_type: mi.Type, value: Any) -> None:
    node.value = _text(value, node.kind)
    if node.kind == "select":
        values = [str(v) for v in choices(field_type)]
        node.options = [(v, _OPTION_LABELS.get(v, v)) for v in values]
        if node.value not in values:
            node.options.insert(0, ("", "Choose…"))
    elif node.kind == "number":
        node.attrs = _number_attrs(field_type)
    elif node.kind in ("text", "textarea", "markdown") and isinstance(field_type, mi.StrType):
        if field_type.max_length is not None:
            node.attrs = {"maxlength": str(field_type.max_length)}
        if node.kind == "markdown":
            node.hint = MARKDOWN_HINT
            node.preview_html = markdown_to_html(node.value)
    elif node.kind == "json":
        node.hint = node.hint or "JSON"


def _number_attrs(field_type: mi.Type) -> dict[str, str]:
    is_int = isinstance(field_type, mi.IntType)
    attrs = {"step": "1" if is_int else "any", "inputmode": "numeric" if is_int else "decimal"}
    if isinstance(field_type, mi.IntType | mi.FloatType):
        low = field_type.ge if field_type.ge is not None else field_type.gt
        high = field_type.le if field_type.le is not None else field_type.lt
        if low is not None:
            attrs["min"] = _text(low, "number")
        if high is not None:
            attrs["max"] = _text(high, "number")
    return attrs


def _text(value: Any, kind: str) -> str:
    """A value as the text an input shows (numbers without a needless ``.0``)."""
    if value is None:
        return ""
    if kind == "json":
        return msgspec.json.encode(value).decode()
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
