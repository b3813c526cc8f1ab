"""The request parameters and dependencies every admin controller reads (JSON API and web app)."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import PathParameter

from service.editorial.actor import Actor
from service.store.db import ContentDB

Db = NamedDependency[ContentDB]
Who = NamedDependency[Actor]
Slug = Annotated[str, PathParameter(description="The article's slug.", max_length=120)]
Key = Annotated[str, PathParameter(description="The section's key.", max_length=64)]
Number = Annotated[int, PathParameter(description="A revision number.", ge=1, le=1_000_000)]
