"""An article's change over a run of publish events, as the digests and feeds describe it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schema.api import ChangeAction
from schema.article import Revision


@dataclass(frozen=True)
class ArticleChange:
    """One article's change over a run of publish events: the live revision before and after.

    ``before`` is None when the article was not live (a first publish); ``after`` is None when
    the run ends with it withdrawn. ``action``, ``at`` and ``cursor`` are the last event's.
    """

    slug: str
    action: ChangeAction
    at: datetime
    cursor: str
    before: Revision | None
    after: Revision | None

    @property
    def shown(self) -> Revision:
        """The revision that describes the article now (the last live one when withdrawn)."""
        revision = self.after or self.before
        if revision is None:
            raise ValueError(f"a change of {self.slug!r} needs a revision before or after")
        return revision
