"""Editing: a section or the article fields as a form generated from the model, and previews.

A save carries the draft ETag the form was read at and the value it opened with; when someone
saved first, the save is merged three ways (``stale``): other fields are kept and saved, and
fields both changed are shown side by side. A save that changes nothing is no edit. List
buttons (add, remove, move) re-render the form without saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import MediaType
from litestar.params import QueryParameter

from schema.api import ArticlePatch
from schema.article import ArticleFields, Draft
from schema.base import SectionKey
from schema.sections import SECTION_TYPES, Section
from service.editorial import drafts
from service.editorial.actor import Actor
from service.editorial.rich_text import preview_html
from service.editorial.versions import draft_etag
from service.errors import InvalidInput, NotFound, PreconditionFailed
from service.handlers.auth import EDITORS
from service.handlers.params import Db, Key, Slug, Who
from service.store.db import ContentDB
from service.webapp.access import flash
from service.webapp.fieldtypes import blank, struct_info
from service.webapp.formdata import (
    OP_FIELD,
    Invalid,
    apply_op,
    errors_by_field,
    read_form,
    to_struct,
)
from service.webapp.forms import build_form
from service.webapp.messages import explain
from service.webapp.stale import BASE_FIELD, REAPPLY_FIELD, encode_base, save_stale, with_reapplied
from service.webapp.views import ETAG_FIELD, article_url, is_htmx, page, see_other

KINDS: dict[str, type[Any]] = {str(struct_info(cls).tag): cls for cls in SECTION_TYPES}
Kind = Annotated[
    str | None, QueryParameter(description="The kind of a new section.", max_length=40)
]
NewKey = Annotated[str, QueryParameter(description="The new section's key.", max_length=64)]
_key = msgspec.json.Decoder(SectionKey)


@dataclass(frozen=True)
class Target:
    """What a form edits: a section (by key) or the article fields."""

    slug: str
    key: str | None
    cls: type[Any]

    @property
    def action(self) -> str:
        """Where the form posts."""
        return article_url(self.slug, *(["sections", self.key] if self.key else ["fields"]))

    def current(self, draft: Draft) -> Any:
        """The stored value in ``draft`` (None for a section that is not there)."""
        if self.key is None:
            return draft.fields
        return next((s for s in draft.sections if s.key == self.key), None)

    def validate(self, data: dict[str, Any]) -> Any:
        """The form's values as the model type, or ``Invalid``."""
        return to_struct(self.cls, data, **({"key": self.key} if self.key else {}))

    def save(self, db: ContentDB, actor: Actor, value: Any, etag: str | None) -> Draft:
        """Write through the workflow, under the ETag the form was read at."""
        if self.key is None:
            patch = ArticlePatch(**msgspec.structs.asdict(value))
            return drafts.patch_draft(db, actor, self.slug, patch, etag)
        section: Section = value
        return drafts.put_section(db, actor, self.slug, self.key, section, etag)[0]


def _form_page(
    request: Request[Any, Any, Any],
    target: Target,
    draft: Draft,
    value: Any,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    focus: str | None = None,
    etag: str | None = None,
    base: str | None = None,
    **context: Any,
) -> Response[Any]:
    """The form page (or, for HTMX, the form): ``base`` is the value it was opened with."""
    form = build_form(target.cls, value, errors, skip=frozenset({"key"}), focus=focus)
    problems = explain(form)
    return page(
        request,
        "_editor_form.html" if is_htmx(request) else "editor.html",
        status=status,
        target=target,
        draft=draft,
        etag=etag or draft_etag(draft),
        base=encode_base(target.current(draft)) if base is None else base,
        base_field=BASE_FIELD,
        reapply_field=REAPPLY_FIELD,
        form=form,
        problems=problems,
        kind=str(struct_info(target.cls).tag or ""),
        is_new=target.key is not None and target.current(draft) is None,
        **{"saved": False, "notice": "", "conflict": None, **context},
    )


def _section_target(draft: Draft, slug: str, key: str, kind: str | None) -> Target:
    section = next((s for s in draft.sections if s.key == key), None)
    if section is not None:
        return Target(slug, key, type(section))
    if kind in KINDS:
        try:
            _key.decode(msgspec.json.encode(key))  # only a valid key makes a new section
        except msgspec.ValidationError:
            raise InvalidInput(
                f"{key!r} is not a usable section key: lowercase letters, digits and hyphens."
            ) from None
        return Target(slug, key, KINDS[kind])
    raise NotFound(f"The draft of {slug!r} has no section {key!r}.")


class EditorController(Controller):
    """``/admin/articles/{slug}/sections/{key}`` and ``/fields``: the generated forms."""

    path = "/articles/{slug:str}"

    @get("/sections/{key:str}", opt={"roles": EDITORS}, sync_to_thread=False)
    def edit_section(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        actor: Who,
        slug: Slug,
        key: Key,
        kind: Kind = None,
    ) -> Response[Any]:
        """The section's form (``?kind=`` starts a new section with this key)."""
        draft = drafts.read_draft(db, slug, actor)
        target = _section_target(draft, slug, key, kind)
        value = target.current(draft)
        return _form_page(request, target, draft, value or blank(struct_info(target.cls)))

    @post("/sections/{key:str}", opt={"roles": EDITORS}, status_code=200)
    async def save_section(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug, key: Key
    ) -> Response[Any]:
        """Save the section, or apply a list button and show the form again."""
        form = await request.form()
        draft = drafts.read_draft(db, slug, actor)
        kind = str(form.get("kind", ""))
        target = _section_target(draft, slug, key, kind if kind in KINDS else None)
        return _submit(request, db, actor, target, draft, form)

    @get("/new-section", opt={"roles": EDITORS}, sync_to_thread=False)
    def new_section(self, slug: Slug, key: NewKey = "", kind: Kind = None) -> Response[Any]:
        """The "add a section" form's answer: the empty form of that kind under that key."""
        if kind not in KINDS:
            raise InvalidInput(f"Choose a section kind: {', '.join(KINDS)}.")
        return see_other(article_url(slug, "sections", key.strip()) + f"?kind={kind}")

    @get("/fields", opt={"roles": EDITORS}, sync_to_thread=False)
    def edit_fields(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """The article fields' form: title, summary, disclaimer, hero image."""
        draft = drafts.read_draft(db, slug, actor)
        return _form_page(request, Target(slug, None, ArticleFields), draft, draft.fields)

    @post("/fields", opt={"roles": EDITORS}, status_code=200)
    async def save_fields(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Response[Any]:
        """Save the article fields."""
        form = await request.form()
        draft = drafts.read_draft(db, slug, actor)
        return _submit(request, db, actor, Target(slug, None, ArticleFields), draft, form)


def _submit(
    request: Request[Any, Any, Any], db: Db, actor: Actor, target: Target, draft: Draft, form: Any
) -> Response[Any]:
    """The save (or list button) of a generated form, shared by sections and fields."""
    posted = {name: value for name, value in form.items() if isinstance(value, str)}
    data = read_form(target.cls, posted)
    op = posted.get(OP_FIELD, "save")
    etag, base = posted.get(ETAG_FIELD), posted.get(BASE_FIELD, "")
    if op not in ("save", "reapply"):
        focus = apply_op(target.cls, data, op)
        # The etag and base stay those the form was first read at, so a later save still
        # detects anyone else's save in between and merges with it.
        return _form_page(request, target, draft, data, focus=focus, etag=etag, base=base)
    try:
        value = target.validate(data)
        if op == "reapply":
            value = with_reapplied(target, value, posted.get(REAPPLY_FIELD))
        try:
            saved, notice = target.save(db, actor, value, etag), ""
        except PreconditionFailed:
            stale = save_stale(db, actor, target, base, value)
            if not stale.saved:
                return _form_page(
                    request, target, stale.draft, stale.value, status=409,
                    errors=stale.errors, base=stale.base, conflict=stale.conflict,
                )  # fmt: skip
            saved, notice = stale.draft, stale.notice
    except Invalid as invalid:
        errors = errors_by_field(invalid.errors)
        return _form_page(
            request, target, draft, data, status=422, errors=errors, etag=etag, base=base
        )
    except InvalidInput as error:
        errors = errors_by_field(error.errors) or {"": error.detail}
        return _form_page(
            request, target, draft, data, status=422, errors=errors, etag=etag, base=base
        )
    if not notice:
        unchanged = draft_etag(saved) == etag
        what = target.key or "the article fields"
        notice = (
            "No changes to save." if unchanged else f"Saved {what} (draft version {saved.version})."
        )
    if is_htmx(request):
        return _form_page(request, target, saved, target.current(saved), saved=True, notice=notice)
    flash(request, notice)
    return see_other(article_url(target.slug))


class PreviewController(Controller):
    """``/admin/preview``: Markdown rendered as the channels will render it."""

    path = "/preview"

    @post("/", opt={"roles": EDITORS}, status_code=200)
    async def preview_markdown(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The field named by ``HX-Trigger-Name`` (else ``markdown``) as sanitized HTML."""
        form = await request.form()
        name = request.headers.get("hx-trigger-name") or "markdown"
        value = form.get(name)
        markdown = value.replace("\r\n", "\n") if isinstance(value, str) else ""
        try:
            html = await preview_html(markdown)
        except InvalidInput as refused:
            return Response(
                f'<p class="error" role="alert">{escape(refused.detail)}</p>',
                media_type=MediaType.HTML,
                status_code=200,  # shown in the preview pane, as HTMX only swaps a 2xx in
            )
        return Response(html, media_type=MediaType.HTML)
