"""The preview page: one channel's render of the draft or of the live revision at a time, with
the sections the draft changes highlighted and the first of them brought into view.

The web and email renders are frame documents of their own (sandboxed, no script), so the
highlight is a stylesheet the server adds to the frame and the jump is the frame URL's
fragment (``.../preview/draft/web#therapy-types``); the plain-text render is shown in the page
as it is sent, each changed section wrapped so the page's own script can scroll to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any, Final, Literal

from schema.article import Article, Draft, Review, Reviewer
from schema.sections import Section
from service.channels.diff import changed_section_keys
from service.channels.render import article_web_url, render_email, render_text, render_web
from service.config import Settings
from service.delivery.reads import get_live
from service.editorial import drafts
from service.editorial.actor import Actor
from service.errors import NotFound
from service.store.db import ContentDB
from service.webapp.views import article_url

Channel = Literal["web", "email", "text"]
Side = Literal["draft", "live"]
CHANNELS: Final[dict[str, str]] = {"web": "Web page", "email": "Email", "text": "Plain text"}
SIDES: Final[dict[str, str]] = {"draft": "Draft", "live": "Live revision"}
NOT_REVIEWED = Reviewer(name="Not yet reviewed")
# The web render is a fragment for a site's page; in the preview frame it gets a plain one.
WEB_FRAME = (
    '<!DOCTYPE html><meta charset="utf-8"><style>body{font:16px/1.5 system-ui,sans-serif;'
    "margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}"
    "</style>"
)
# A changed section in a frame: an outline, a tint and a label in words (not colour alone).
_MARK = (
    '[id="{key}"]{{outline:3px solid #8a4b00 !important;outline-offset:2px;'
    "background:#fff6e0 !important;scroll-margin-top:1rem}}"
    '[id="{key}"]::before{{content:"{label}";display:block;font:700 14px/1.6 system-ui,sans-serif;'
    "color:#fff;background:#8a4b00;padding:2px 8px;margin:0 0 8px}}"
)


@dataclass(frozen=True)
class ChangedSection:
    """A section the draft changes: its key, title, what happens to it, and if it is shown."""

    key: str
    title: str
    label: str
    is_shown: bool


@dataclass(frozen=True)
class TextPart:
    """A run of the plain-text render: inside a changed section (``key``) or not (``""``)."""

    key: str
    label: str
    text: str


def draft_article(draft: Draft, live: Article | None) -> Article:
    """The draft as the channels would publish it, for previews.

    Until a reviewer signs it off, the byline says so rather than borrowing the live review.
    """
    review = draft.review or Review(reviewed_by=NOT_REVIEWED, reviewed_at=draft.updated_at)
    return Article.from_fields(
        draft.article,
        draft.fields,
        revision=(draft.base_revision or 0) + 1,
        published_at=draft.updated_at if live is None else live.published_at,
        updated_at=draft.updated_at,
        review=review,
        sections=draft.sections,
    )


def changed_sections(
    draft: Draft, live: Article | None, shown: Article | None
) -> list[ChangedSection]:
    """The sections the draft adds, changes or removes, in the draft's order, removed last."""
    before: list[Section] = [] if live is None else list(live.sections)
    titles = {s.key: s.title for s in before} | {s.key: s.title for s in draft.sections}
    in_draft = {s.key for s in draft.sections}
    in_live = {s.key for s in before}
    in_shown = set() if shown is None else {s.key for s in shown.sections}
    found = []
    for key in changed_section_keys(None if live is None else live.sections, draft.sections):
        label = (
            "Changed in the draft"
            if key in in_draft and key in in_live
            else "New in the draft"
            if key in in_draft
            else "Removed in the draft"
        )
        found.append(ChangedSection(key, titles[key], label, key in in_shown))
    return found


def highlight_css(changed: list[ChangedSection]) -> str:
    """The frame's stylesheet marking each changed section it shows."""
    return "".join(_MARK.format(key=c.key, label=c.label) for c in changed if c.is_shown)


def framed(article: Article, channel: str, base_url: str, changed: list[ChangedSection]) -> str:
    """The frame document of one render, its changed sections marked."""
    style = f"<style>{highlight_css(changed)}</style>"
    if channel == "web":
        return WEB_FRAME + style + render_web(article, base_url=base_url)
    if channel == "email":
        email = render_email(article, web_url=article_web_url(base_url, article.slug))
        return _email_with_ids(email, article.sections).replace("</head>", style + "</head>", 1)
    raise NotFound(f"No {channel} render to show in a frame.")


def _email_with_ids(email: str, sections: list[Section]) -> str:
    """The email with each section's cell given the section key as its id, found in order by
    its heading (the email keeps no ids of its own: mail clients drop them)."""
    cursor = 0
    for section in sections:
        # The sanitizer writes text with only &, < and > escaped.
        title = section.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        found = re.compile(r"<h2\b[^>]*>" + re.escape(title) + r"</h2>").search(email, cursor)
        if found is None:
            continue
        cell = email.rfind("<td", cursor, found.start())
        at = (found.start() if cell < 0 else cell) + len("<td")  # as long as "<h2"
        attribute = f' id="{escape(section.key)}"'
        email = email[:at] + attribute + email[at:]
        cursor = found.end() + len(attribute)
    return email


def text_parts(article: Article, changed: list[ChangedSection]) -> list[TextPart]:
    """The text render cut at section headings, each changed section a part of its own."""
    text = render_text(article)
    labels = {c.key: c.label for c in changed}
    starts: list[tuple[int, str]] = []
    cursor = 0
    for section in article.sections:
        heading = f"{section.title}\n{'-' * len(section.title)}\n"
        at = text.find(heading, cursor)
        if at >= 0:
            starts.append((at, section.key))
            cursor = at + len(heading)
    ends = [at for at, _ in starts[1:]] + [_after_sections(text, cursor)]
    parts: list[TextPart] = []
    done = 0
    for (at, key), end in zip(starts, ends, strict=True):
        if key in labels:
            parts.append(TextPart("", "", text[done:at]))
            parts.append(TextPart(key, labels[key], text[at:end]))
            done = end
    parts.append(TextPart("", "", text[done:]))
    return [part for part in parts if part.text]


def _after_sections(text: str, cursor: int) -> int:
    """Where the last section ends: at the references, or else at the review byline."""
    ends = [text.find(mark, cursor) for mark in ("\n\nReferences\n---", "\n\nMedically reviewed")]
    found = [at + 2 for at in ends if at >= 0]
    return min(found) if found else len(text)


def preview_context(
    db: ContentDB, actor: Actor, slug: str, base_url: str, channel: str, side: str
) -> dict[str, Any]:
    """Everything ``preview.html`` shows for one channel and one side."""
    draft = drafts.read_draft(db, slug, actor)
    live = get_live(db, slug)
    shown = draft_article(draft, live) if side == "draft" else live
    changed = changed_sections(draft, live, shown)
    first = next((c.key for c in changed if c.is_shown), "")
    frame = article_url(slug, "preview", side, channel)
    return {
        "draft": draft,
        "live": live,
        "shown": shown,
        "channel": channel,
        "side": side,
        "channels": CHANNELS,
        "sides": SIDES,
        "changed": changed,
        "first": first,
        "frame_url": frame,
        "frame_src": frame + (f"#{first}" if first else ""),
        "text": text_parts(shown, changed) if shown is not None and channel == "text" else [],
        "base_url": base_url,
    }


def frame_document(
    db: ContentDB, actor: Actor, settings: Settings, slug: str, which: str, channel: str
) -> str:
    """One frame of the preview: the draft's or the live revision's web or email render."""
    if which not in SIDES or channel not in ("web", "email"):
        raise NotFound(f"No {which} {channel} render of {slug!r} to show.")
    draft = drafts.read_draft(db, slug, actor)
    live = get_live(db, slug)
    shown = draft_article(draft, live) if which == "draft" else live
    if shown is None:
        raise NotFound(f"No {which} {channel} render of {slug!r} to show.")
    return framed(shown, channel, settings.public_base_url, changed_sections(draft, live, shown))
