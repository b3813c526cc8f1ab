"""Request and response shapes of the HTTP API that are not content Structs themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from schema.article import Disclaimer, Review, SectionList, Summary
from schema.base import HttpUrl, Model, NonEmptyStr, SectionKey, Slug

RichTextFormat = Literal["markdown", "html", "text"]
ChangeAction = Literal["published", "rolled_back", "unpublished"]


class ArticleSummary(Model):
    """One published article in the list."""

    slug: Slug
    title: str
    summary: str
    revision: int
    published_at: datetime
    updated_at: datetime
    review: Review


class ArticleList(Model):
    """The published articles."""

    articles: list[ArticleSummary]


class ArticleCreate(Model):
    """Body of a request creating an article as a draft."""

    slug: Slug
    title: NonEmptyStr
    summary: Summary
    disclaimer: Disclaimer
    hero_image: HttpUrl | None = None
    sections: SectionList = msgspec.field(default_factory=list)


class ArticlePatch(Model):
    """Body of a draft PATCH: only the fields present change."""

    title: NonEmptyStr | UnsetType = UNSET
    summary: Summary | UnsetType = UNSET
    hero_image: HttpUrl | None | UnsetType = UNSET
    disclaimer: Disclaimer | UnsetType = UNSET
    section_order: Annotated[list[SectionKey], Meta(max_length=100)] | UnsetType = UNSET


class ChangeEvent(Model):
    """A publish event in the change feed."""

    cursor: str
    article: Slug
    revision: int | None
    action: ChangeAction
    sections_changed: list[str]
    at: datetime


class ChangePage(Model):
    """A page of change events, oldest first, and the cursor to continue from."""

    changes: list[ChangeEvent]
    next_cursor: str
    has_more: bool
