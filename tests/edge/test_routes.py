"""The one route table: what it answers for each kind of path, and that it matches the app."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from service.api.admin import admin_router
from service.edge import routes
from service.edge.routes import ADMIN, ROUTES, WEBAPP
from service.webapp.views import PREFIX as WEBAPP_PREFIX
from tests.conftest import ARTICLE, SLUG

# path: (answered by the edge's replay, rate-limit group, CORS group, metrics label if unrouted)
EXPECTED: dict[str, tuple[bool, str | None, str, str]] = {
    "/v1/articles": (True, "public", "public", "/v1/articles"),
    ARTICLE: (True, "public", "public", "/v1/articles/{slug}"),
    f"{ARTICLE}/sections/safety": (True, "public", "public", "/v1/articles/{slug}/sections/{key}"),
    f"{ARTICLE}/render/web": (True, "public", "public", "/v1/articles/{slug}/render/web"),
    f"{ARTICLE}/render/email": (True, "public", "public", "/v1/articles/{slug}/render/email"),
    f"{ARTICLE}/render/text": (True, "public", "public", "/v1/articles/{slug}/render/text"),
    f"{ARTICLE}/render/pdf": (True, "public", "public", "unmatched"),
    "/v1/changes": (True, "public", "public", "/v1/changes"),
    "/v1/newsletter": (True, "public", "public", "/v1/newsletter"),
    "/v1/feed.atom": (True, "public", "public", "/v1/feed.atom"),
    "/v1/feedXatom": (False, "public", "public", "unmatched"),
    "/v1/schema/content.json": (True, "public", "public", "/v1/schema/content.json"),
    "/v1/admin/articles": (False, "admin", "admin", "unmatched"),
    f"/v1/admin/articles/{SLUG}/draft": (False, "admin", "admin", "unmatched"),
    "/admin/articles": (False, "admin", "none", "unmatched"),  # the web app: no CORS at all
    "/healthz": (False, None, "public", "/healthz"),
    "/readyz": (False, None, "public", "/readyz"),
    "/metrics": (False, None, "public", "/metrics"),
    "/schema/openapi.json": (False, "public", "public", "unmatched"),
    "/v2/articles": (False, "public", "public", "unmatched"),
}


@pytest.mark.parametrize(("path", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_route_table_answers_group_and_label_per_path(
    path: str, expected: tuple[bool, str | None, str, str]
) -> None:
    replayed, rate_group, cors_group, label = expected
    assert path.startswith(routes.REPLAYED_PREFIXES) is replayed
    assert routes.rate_group(path) == rate_group
    assert routes.cors_group(path) == cors_group
    assert routes.route_label(path) == label


def test_every_route_outside_the_admin_areas_has_its_own_row(app: Litestar) -> None:
    served = {"/metrics"} | {  # /metrics is answered by the metrics layer, not by Litestar
        re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute)
    }
    outside = {
        path
        for path in served
        if not path.startswith((*(row.prefix for row in ROUTES if row.is_area), "/schema"))
    }
    assert outside == {row.template for row in ROUTES if not row.is_area}


def test_area_rows_are_where_the_admin_api_and_web_app_live() -> None:
    assert admin_router().path == routes.area_prefix(ADMIN) == "/v1/admin"
    assert routes.area_prefix(WEBAPP) == WEBAPP_PREFIX


def test_rows_of_different_groups_do_not_nest() -> None:
    # The layers check groups with a prefix test each, in no particular order.
    for row in ROUTES:
        for other in ROUTES:
            if other.prefix.startswith(row.prefix) and other is not row:
                assert (other.policy.rate_group, other.policy.cors) == (
                    row.policy.rate_group,
                    row.policy.cors,
                ), (row.template, other.template)


def test_requests_litestar_never_routes_are_labelled_by_their_row(
    client: TestClient[Litestar],
) -> None:
    preflight = {"Origin": "https://site.example", "Access-Control-Request-Method": "GET"}
    assert client.options("/v1/feed.atom", headers=preflight).status_code == 204
    assert client.options("/v1/admin/audit", headers=preflight).status_code == 204
    text = client.get("/metrics").text
    assert 'http_requests_total{method="OPTIONS",route="/v1/feed.atom",status="204"}' in text
    assert 'http_requests_total{method="OPTIONS",route="unmatched",status="204"}' in text
