"""The one route table: which paths are public reads, the admin API, the web app or probes, and
what each edge layer does with them (edge replay, rate-limit group, CORS group, metrics label).

The edge, the rate limiter, CORS, the metrics layer and the admin router all derive their
prefixes and patterns from ``ROUTES``, so a new public route is one row here (and its handler);
tests/edge/test_routes.py checks the table against the app's own routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

CorsGroup = Literal["public", "admin"]
UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Policy:
    """What the edge layers do with one kind of path."""

    name: str
    is_replayed: bool  # the edge may answer it from prepared responses
    rate_group: str | None  # its token-bucket group; None: never limited
    cors: CorsGroup  # "public": any origin, GET and HEAD; "admin": listed origins only


PUBLIC = Policy("public", is_replayed=True, rate_group="public", cors="public")
ADMIN = Policy("admin", is_replayed=False, rate_group="admin", cors="admin")
# The web app shares the admin bucket; its pages set no CORS headers of their own.
WEBAPP = Policy("webapp", is_replayed=False, rate_group="admin", cors="public")
# Probes and scrapes are exempt from the rate limit: a limited probe restarts a healthy worker.
PROBE = Policy("probe", is_replayed=False, rate_group=None, cors="public")
# Every path no row covers (the OpenAPI docs, unknown paths).
OTHER = Policy("other", is_replayed=False, rate_group="public", cors="public")


@dataclass(frozen=True)
class Route:
    """One row: a path template (``{name}`` is one segment) and its policy.

    A row covers every path that starts with its ``prefix`` (the template up to its first
    parameter); a row with ``is_area`` names a whole subtree, not one route, so it gives no
    metrics label.
    """

    template: str
    policy: Policy
    is_area: bool = False

    @property
    def prefix(self) -> str:
        """The template's fixed start, which every path the row covers begins with."""
        return self.template.partition("{")[0]

    def pattern(self) -> re.Pattern[str]:
        """A regex matching exactly the paths of this template."""
        parts = re.split(r"\{[^}]+\}", self.template)
        return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")


ROUTES: tuple[Route, ...] = (
    Route("/v1/articles", PUBLIC),
    Route("/v1/articles/{slug}", PUBLIC),
    Route("/v1/articles/{slug}/sections/{key}", PUBLIC),
    Route("/v1/articles/{slug}/render/web", PUBLIC),
    Route("/v1/articles/{slug}/render/email", PUBLIC),
    Route("/v1/articles/{slug}/render/text", PUBLIC),
    Route("/v1/changes", PUBLIC),
    Route("/v1/newsletter", PUBLIC),
    Route("/v1/feed.atom", PUBLIC),
    Route("/v1/schema/content.json", PUBLIC),
    Route("/v1/admin", ADMIN, is_area=True),
    Route("/admin", WEBAPP, is_area=True),
    Route("/healthz", PROBE),
    Route("/readyz", PROBE),
    Route("/metrics", PROBE),
)


def _prefixes(has: Callable[[Policy], bool]) -> tuple[str, ...]:
    """The prefixes of the rows whose policy ``has`` it, without those another one covers."""
    found = [row.prefix for row in ROUTES if has(row.policy)]
    return tuple(
        dict.fromkeys(p for p in found if not any(p != q and p.startswith(q) for q in found))
    )


def area_prefix(policy: Policy) -> str:
    """The path under which every route of an area policy (admin API, web app) lives."""
    return next(row.template for row in ROUTES if row.is_area and row.policy == policy)


def _rate_group_prefixes(group: str | None) -> tuple[str, ...]:
    return _prefixes(lambda policy: policy.rate_group == group)


# Derived once: the hot path does tuple ``startswith`` checks, never a loop over the rows.
REPLAYED_PREFIXES = _prefixes(lambda policy: policy.is_replayed)
_RATE_GROUPS: tuple[tuple[tuple[str, ...], str | None], ...] = tuple(
    (_rate_group_prefixes(group), group)
    for group in dict.fromkeys(row.policy.rate_group for row in ROUTES)
    if group != OTHER.rate_group
)
_OTHER_RATE_PREFIXES = tuple(prefix for prefixes, _ in _RATE_GROUPS for prefix in prefixes)
_ADMIN_CORS_PREFIXES = _prefixes(lambda policy: policy.cors == "admin")
_LABELS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (row.pattern(), row.template) for row in ROUTES if not row.is_area
)


def rate_group(path: str) -> str | None:
    """The token-bucket group of a path; None when it is never rate limited."""
    if not path.startswith(_OTHER_RATE_PREFIXES):
        return OTHER.rate_group  # the common case, a public read: one test
    for prefixes, group in _RATE_GROUPS:
        if path.startswith(prefixes):
            return group
    return OTHER.rate_group


def cors_group(path: str) -> CorsGroup:
    """Whether a path gets the public CORS answer or the admin one (listed origins)."""
    return "admin" if path.startswith(_ADMIN_CORS_PREFIXES) else "public"


def route_label(path: str) -> str:
    """The route template of a path Litestar did not route (a 429, a preflight), for metrics."""
    for pattern, template in _LABELS:
        if pattern.match(path):
            return template
    return UNMATCHED
