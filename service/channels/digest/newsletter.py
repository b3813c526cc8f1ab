"""The newsletter digest: each changed article as an email block holding only what changed.

Each article's block is a digest article (a "What changed" list, then the changed sections)
rendered by ``render_email``, so the digest gets the same sanitizing, inlined styles and table
layout as a single-article email, and keeps each article's own review line and disclaimer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Final

import msgspec

from schema.api import NewsletterDigest, NewsletterItem
from schema.article import Article
from schema.changes import ArticleChange
from schema.sections import IntroSection
from service.channels.digest.changes import changed_keys, describe_change
from service.channels.render import article_web_url, render_email_text
from service.channels.render.email import email_body, email_document

EMPTY_SUBJECT: Final = "No changes"
EMPTY_LINE: Final = "Nothing has changed since your last digest."
WHAT_CHANGED: Final = "What changed"
SUBJECT_MAX: Final = 120
_MARKDOWN_PUNCTUATION: Final = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def build_item(change: ArticleChange, *, base_url: str) -> NewsletterItem:
    """The digest entry for one changed article."""
    shown = change.shown
    lines = describe_change(change)
    return NewsletterItem(
        slug=change.slug,
        title=shown.fields.title,
        revision=None if change.after is None else change.after.number,
        previous_revision=None if change.before is None else change.before.number,
        action=change.action,
        sections_changed=changed_keys(change),
        summary="; ".join(lines),
        changes=lines,
        url=article_web_url(base_url, change.slug),
        at=change.at,
    )


def digest_article(change: ArticleChange, item: NewsletterItem) -> Article:
    """The article as the digest shows it: what changed, then only the changed sections."""
    shown = change.shown
    wanted = set(item.sections_changed)
    changed = [section for section in shown.sections if section.key in wanted]
    bullets = "\n".join(f"- {escape_markdown(line)}" for line in item.changes)
    summary = IntroSection(
        key=_free_key("what-changed", {section.key for section in shown.sections}),
        title=WHAT_CHANGED,
        body=bullets,
    )
    return Article.from_fields(
        change.slug,
        msgspec.structs.replace(shown.fields, hero_image=None),
        revision=shown.number,
        published_at=shown.published_at,
        updated_at=change.at,
        review=shown.review,
        sections=[summary, *changed],
    )


def build_digest(
    changes: Sequence[ArticleChange], *, base_url: str, next_cursor: str, has_more: bool
) -> NewsletterDigest:
    """The digest of these changes; no changes give an explicit empty digest."""
    items = [build_item(change, base_url=base_url) for change in changes]
    subject = digest_subject(items)
    if not items:
        html, text = empty_email(subject), f"{subject}\n\n{EMPTY_LINE}\n"
    else:
        articles = [digest_article(c, i) for c, i in zip(changes, items, strict=True)]
        # One document holding each article's own email body, titled with the subject.
        html = email_document(
            subject,
            "".join(email_body(a, web_url=i.url) for a, i in zip(articles, items, strict=True)),
        )
        text = "\n\n".join(
            render_email_text(a, web_url=i.url).rstrip()
            for a, i in zip(articles, items, strict=True)
        )
        text += "\n"
    # Keyword arguments alike in shape to other calls and builds: each names what it passes.
    return NewsletterDigest(
        subject=subject,
        html=html,
        text=text,
        items=items,
        next_cursor=next_cursor,
        has_more=has_more,
    )


def digest_subject(items: Sequence[NewsletterItem]) -> str:
    """An email subject: the one article and what changed, or how many articles changed."""
    if not items:
        return EMPTY_SUBJECT
    if len(items) == 1:
        subject = f"{items[0].title}: {items[0].summary}"
    else:
        subject = f"{len(items)} articles updated: {', '.join(item.title for item in items)}"
    return (
        subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1].rstrip() + "\u2026"
    )


def empty_email(subject: str) -> str:
    """A complete, inline-styled email saying that nothing changed."""
    return email_document(
        subject,
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="border-collapse: collapse; width: 100%; background-color: #f4f4f5;">'
        '<tr><td align="center" style="padding: 24px 0; font-family: Arial, Helvetica, '
        'sans-serif; color: #1f2933;">'
        '<p style="margin: 0; font-size: 16px; line-height: 24px;">'
        f"{escape(EMPTY_LINE)}</p></td></tr></table>",
    )


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders to the same words (punctuation backslash-escaped)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _free_key(base: str, taken: set[str]) -> str:
    # The summary section must not share a key with a section of the article.
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key
