"""Schemathesis over the project's own OpenAPI spec: every route, every role, all checks.

The app is built at import because schemathesis parametrizes tests from the spec when pytest
collects them; its database lives in a temporary folder removed when the module finishes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from schema.admin import Role
from service.app import create_app
from service.config import Settings
from tests.tokens import issued_headers

MAX_EXAMPLES = 12
# Schema-valid requests that may rightly be refused, because the rule is not one a JSON Schema
# can state: cursors are opaque values the API issued (any string fits the schema, few are
# cursors); and admin writes depend on state the fuzzer cannot know: `If-Match` must name the
# draft's current version (428 without, 412 when stale), ranges need `min <= max`, a section
# PUT's body `key` must equal its path's, `section_order` must list the draft's own keys.
# A webhook URL is accepted for where its host resolves (a public address), which DNS decides.
# `?sections=` keys fit their pattern but must be keys the article has.
# Every other check runs on these operations too, and every check runs on all the others.
ROLES: tuple[Role, ...] = ("editor", "reviewer", "admin")
OPAQUE_CURSORS = {"GET /v1/changes", "HEAD /v1/changes", "GET /v1/newsletter"}
OPAQUE_CURSORS |= {"HEAD /v1/newsletter", "GET /v1/admin/audit"}
WEBHOOK_URL_WRITES = {"POST /v1/admin/webhooks", "PATCH /v1/admin/webhooks/{webhook_id}"}
SECTION_FILTERS = {
    f"{method} /v1/articles/{{slug}}{tail}"
    for method in ("GET", "HEAD")
    for tail in ("", "/render/web", "/render/email", "/render/text")
}


def refuses_valid_data_by_rule(method: str, path: str) -> bool:
    """Whether positive-data acceptance cannot hold for this operation (see above)."""
    operation = f"{method} {path}"
    is_admin_write = path.startswith("/v1/admin/articles") and method not in ("GET", "HEAD")
    return operation in OPAQUE_CURSORS | WEBHOOK_URL_WRITES | SECTION_FILTERS or is_admin_write


_WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-"))
_SETTINGS = Settings(
    content_db=_WORKDIR / "content.db", rate_limit_per_minute=None, allow_private_webhooks=False
)
APP = create_app(_SETTINGS)
# A body over the 1 MiB limit is refused with 413 before it is read: a rejection too.
CONFIG = SchemathesisConfig.from_str(
    """
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
"""
)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP, config=CONFIG)


ROLE_HEADERS = [{}] + [issued_headers(_SETTINGS.content_db, f"Fuzz {role}", role) for role in ROLES]


@pytest.fixture(scope="module", autouse=True)
def fuzz_workdir() -> Iterator[Path]:
    """The fuzzed app's folder, removed after the module."""
    yield _WORKDIR
    shutil.rmtree(_WORKDIR, ignore_errors=True)


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_spec(case: schemathesis.Case) -> None:
    rule_bound = refuses_valid_data_by_rule(case.method, case.path)
    excluded = [positive_data_acceptance] if rule_bound else []
    for headers in ROLE_HEADERS:
        case.call_and_validate(headers=headers, excluded_checks=excluded)
