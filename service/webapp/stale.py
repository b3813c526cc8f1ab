"""A stale save of a generated form, as a three-way merge (``service.editorial.merge``).

The form carries the value it opened with (``_base``, JSON) beside the draft ETag. When the
ETag moved, the save compares what the editor opened, what is stored now and what they sent:
changes to other sections or other fields are merged and saved; fields both changed to
different values are shown side by side, and only the editor's own changes to them are offered
back (``_reapply``), never the reverse of the colleague's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from schema.article import Draft
from service.editorial import drafts
from service.editorial.actor import Actor
from service.editorial.merge import FieldConflict, Path, merge, with_value
from service.editorial.versions import draft_etag
from service.errors import PreconditionFailed
from service.store.db import ContentDB
from service.webapp.fieldtypes import join
from service.webapp.formdata import Invalid, errors_by_field
from service.webapp.forms import Node, build_form
from service.webapp.views import format_time

BASE_FIELD = "_base"
REAPPLY_FIELD = "_reapply"
SAME_PERSON = "you, in another tab"
_reapply = msgspec.json.Decoder(list[tuple[list[str | int], Any]])
_ATTEMPTS = 3  # a merge saved under an ETag that moved again is merged again


class Editable(Protocol):
    """What a form edits (``editor.Target``): its type, stored value, validation and save."""

    @property
    def slug(self) -> str: ...
    @property
    def cls(self) -> type[Any]: ...
    def current(self, draft: Draft) -> Any: ...
    def validate(self, data: dict[str, Any]) -> Any: ...
    def save(self, db: ContentDB, actor: Actor, value: Any, etag: str | None) -> Draft: ...


@dataclass
class Stale:
    """The outcome: the merge saved (``saved``), or the form to show again with a conflict."""

    draft: Draft
    saved: bool = False
    notice: str = ""
    value: Any = None
    base: str = ""
    conflict: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def encode_base(value: Any) -> str:
    """The value a form opened with, as its hidden field carries it ("" for none)."""
    return "" if value is None else msgspec.json.encode(msgspec.to_builtins(value)).decode()


def _decode(text: str | None) -> Any:
    try:
        return msgspec.json.decode(text) if text else None
    except msgspec.DecodeError:
        return None  # a form without a usable base: every difference from theirs is a conflict


def who_saved(draft: Draft, actor: Actor) -> str:
    """Who saved the draft last, as the person now looking reads it."""
    return SAME_PERSON if draft.updated_by == actor.name else draft.updated_by


def with_reapplied(target: Editable, value: Any, text: str | None) -> Any:
    """``value`` with the editor's own values put back at the fields the conflict listed."""
    try:
        changes = _reapply.decode(text or "[]")
    except (msgspec.DecodeError, msgspec.ValidationError):
        changes = []
    data = msgspec.to_builtins(value)
    for path, mine in changes:
        try:
            data = with_value(data, tuple(path), mine)
        except KeyError:
            continue  # the field is gone from the form: nothing of it to reapply
    return target.validate(data)


def save_stale(
    db: ContentDB, actor: Actor, target: Editable, base_text: str | None, mine: Any
) -> Stale:
    """Merge ``mine`` into what is stored now and save it, or say what conflicts."""
    base = _decode(base_text)
    for _ in range(_ATTEMPTS):
        draft = drafts.read_draft(db, target.slug, actor)
        stored = target.current(draft)
        who = who_saved(draft, actor)
        if stored is None:
            return Stale(draft, value=mine, conflict=_conflict(draft, who, [], gone=True))
        theirs = msgspec.to_builtins(stored)
        result = merge(base, theirs, msgspec.to_builtins(mine))
        if result.conflicts:
            rows = _rows(target.cls, stored, result.conflicts)
            conflict = _conflict(draft, who, rows, reapply=result.conflicts)
            return Stale(draft, value=result.value, base=encode_base(stored), conflict=conflict)
        try:
            merged = target.validate(result.value)
        except Invalid as invalid:
            conflict = _conflict(draft, who, [])
            errors = errors_by_field(invalid.errors)
            return Stale(draft, value=result.value, base=encode_base(stored), conflict=conflict,
                         errors=errors)  # fmt: skip
        try:
            saved = target.save(db, actor, merged, draft_etag(draft))
        except PreconditionFailed:
            continue
        return Stale(saved, saved=True, notice=merged_notice(draft, saved, who))
    raise PreconditionFailed("The draft kept changing while this save was merged; save again.")


def merged_notice(before: Draft, after: Draft, who: str) -> str:
    """What the editor is told after their save was merged with someone else's."""
    at = format_time(before.updated_at)
    if draft_etag(after) == draft_etag(before):
        if who == SAME_PERSON:
            return f"No changes to save: you saved the same in another tab at {at}."
        return f"No changes to save: {who} saved the same at {at}."
    if who == SAME_PERSON:
        return (
            f"Saved (draft version {after.version}). The change you saved in another tab "
            f"at {at} was merged with this one."
        )
    return (
        f"Saved (draft version {after.version}). {who}'s change, saved at {at}, was merged "
        "with yours."
    )


def _conflict(
    draft: Draft,
    who: str,
    rows: list[dict[str, Any]],
    *,
    gone: bool = False,
    reapply: list[FieldConflict] | None = None,
) -> dict[str, Any]:
    pairs = [[list(c.path), c.mine] for c in reapply or []]
    return {
        "by": who,
        "is_me": who == SAME_PERSON,
        "at": draft.updated_at,
        "rows": rows,
        "gone": gone,
        "reapply": msgspec.json.encode(pairs).decode(),
    }


def _rows(cls: type[Any], stored: Any, conflicts: list[FieldConflict]) -> list[dict[str, Any]]:
    """Each conflict under the form's own labels: theirs beside mine."""
    root = build_form(cls, stored, skip=frozenset({"key"}))
    return [
        {"label": label_of(root, c.path), "theirs": c.theirs, "mine": c.mine} for c in conflicts
    ]


def label_of(root: Node, path: Path) -> str:
    """A path as the form labels it: ``Therapy 1: IV infusion > Dose > Maximum``."""
    labels: list[str] = []
    node, name = root, ""
    for step in path:
        name = join(name, step)
        child = next((c for c in node.children if c.name == name), None)
        if child is None:
            labels.append(str(step))
            continue
        if node.kind == "list" and labels:
            labels.pop()  # "Therapy 1: IV infusion" says it is one of the therapies
        labels.append(child.label)
        node = child
    return " > ".join(labels) or "The whole section"
