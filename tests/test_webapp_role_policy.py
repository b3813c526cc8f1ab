"""Who may do what in the web app, written down by hand: (page or action x role) -> status.

As in test_role_policy.py the statuses come from the contract, not from the handlers: editors
edit, submit, publish, unpublish and roll back; reviewers approve and reject; everyone signed
in reads; the audit log is the admin's. Without a session a page redirects to sign-in (303)
and a post is refused (403). Each action is tried in a state where it can succeed (303).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import pytest
from litestar import Litestar

from schema.admin import Role
from tests.conftest import ADMIN, EDITOR, REVIEWER, SLUG, Headers
from tests.test_role_policy import WHO, registered_routes, set_up
from tests.webapp.client import Client, form_of, hidden_value, sign_in

OPEN = {"/admin/sign-in", "/admin/static/{file_path:path}"}


class Rule(NamedTuple):
    """One page or action, the state it is tried in, and the status for each caller."""

    method: str
    route: str  # as the app registers it
    state: str  # live | edited | in_review | approved | two_revisions | scheduled | unpublished
    none: int
    editor: int
    reviewer: int
    admin: int
    query: str = ""


# A hand-written table: its rows are alike by design (route, state, then each role's status).
# fmt: off
RULES = [
    Rule("GET", "/admin", "live",                                               303, 200, 200, 200),
    Rule("GET", "/admin/audit", "live",                                         303, 403, 403, 200),
    Rule("GET", "/admin/articles/{slug:str}", "live",                           303, 200, 200, 200),
    Rule("GET", "/admin/articles/{slug:str}/preview", "edited",                 303, 200, 200, 200),
    Rule("GET", "/admin/articles/{slug:str}/preview/{which:str}/{channel:str}", "edited",
                                                                                303, 200, 200, 200),
    Rule("GET", "/admin/articles/{slug:str}/review", "in_review",               303, 200, 200, 200),
    Rule("GET", "/admin/articles/{slug:str}/history", "live",                   303, 200, 200, 200),
    Rule("GET", "/admin/articles/{slug:str}/history/{number:int}", "live",      303, 200, 200, 200),
    Rule("GET", "/admin/articles/{slug:str}/fields", "live",                    303, 200, 403, 200),
    Rule("POST", "/admin/articles/{slug:str}/fields", "live",                   403, 303, 403, 303),
    Rule("GET", "/admin/articles/{slug:str}/sections/{key:str}", "live",        303, 200, 403, 200),
    Rule("POST", "/admin/articles/{slug:str}/sections/{key:str}", "live",       403, 303, 403, 303),
    Rule("GET", "/admin/articles/{slug:str}/new-section", "live",               303, 303, 403, 303,
         "key=notes&kind=conclusion"),
    Rule("POST", "/admin/preview", "live",                                      403, 200, 403, 200),
    Rule("POST", "/admin/articles/{slug:str}/sections/{key:str}/delete", "live",
                                                                                403, 303, 403, 303),
    Rule("POST", "/admin/articles/{slug:str}/sections/{key:str}/move", "live",  403, 303, 403, 303),
    Rule("POST", "/admin/articles/{slug:str}/submit", "edited",                 403, 303, 403, 303),
    Rule("POST", "/admin/articles/{slug:str}/approve", "in_review",             403, 403, 303, 303),
    Rule("POST", "/admin/articles/{slug:str}/reject", "in_review",              403, 403, 303, 303),
    Rule("POST", "/admin/articles/{slug:str}/publish", "approved",              403, 303, 403, 303),
    Rule("GET", "/admin/articles/{slug:str}/unpublish", "live",                 303, 200, 403, 200),
    Rule("POST", "/admin/articles/{slug:str}/unpublish", "live",                403, 303, 403, 303),
    Rule("GET", "/admin/articles/{slug:str}/rollback", "two_revisions",         303, 200, 403, 200,
         "revision=1"),
    Rule("POST", "/admin/articles/{slug:str}/rollback", "two_revisions",        403, 303, 403, 303),
    Rule("POST", "/admin/articles/{slug:str}/republish", "unpublished",         403, 303, 403, 303),
    Rule("POST", "/admin/articles/{slug:str}/schedule/cancel", "scheduled",     403, 303, 403, 303),
    # No PREVIEW_URL_TEMPLATE in these settings: 404 once admitted (with one, 200:
    # tests/webapp/test_site_preview.py).
    Rule("POST", "/admin/articles/{slug:str}/site-preview", "live",             403, 404, 403, 404),
    Rule("POST", "/admin/sign-out", "live",                                     403, 303, 303, 303),
]
# fmt: on
CASES = [(rule, who) for rule in RULES for who in WHO]
VALUES = {"slug": SLUG, "key": "intro", "number": "1", "which": "draft", "channel": "web"}
FORMS = {"fields", "{key:str}"}  # posts of a generated form: its fields, as the page has them


def _url(rule: Rule) -> str:
    url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: VALUES[m.group(1)], rule.route)
    return f"{url}?{rule.query}" if rule.query else url


def _form(client: Client, rule: Rule, csrf: str) -> dict[str, str]:
    """What the page's form would post, read while the setup editor is signed in."""
    last = rule.route.rsplit("/", 1)[-1]
    article = f"/admin/articles/{SLUG}"
    if last in FORMS:
        return {**form_of(client.get(_url(rule)).text), "_op": "save"}
    etag = hidden_value(client.get(article).text, "_etag")
    extra = {
        "reject": {"reason": "Cite the dose."},
        "rollback": {"revision": "1", "confirm": "yes"},
        "unpublish": {"confirm": "yes"},
        "move": {"direction": "down"},
        "preview": {"markdown": "**bold**"},
    }
    return {"_csrf": csrf, "_etag": etag, **extra.get(last, {})}


@pytest.mark.parametrize(
    ("rule", "who"), CASES, ids=[f"{r.method} {r.route} as {who}" for r, who in CASES]
)
def test_each_role_gets_the_written_status(
    client: Client,
    token_headers: Callable[[str, Role], Headers],
    token_of: Callable[[str, Role], str],
    rule: Rule,
    who: str,
) -> None:
    editor = token_headers(EDITOR, "editor")
    set_up(
        client,
        rule.state,
        editor,
        token_headers(REVIEWER, "reviewer"),
        token_headers(ADMIN, "admin"),
    )
    data: dict[str, str] = {}
    if rule.method == "POST":
        data = _form(client, rule, sign_in(client, token_of(EDITOR + " Setup", "editor")))
    client.cookies.clear()
    caller = WHO[who]
    csrf = "forged" if caller is None else sign_in(client, token_of(*caller))
    if "_csrf" in data or rule.method == "POST":
        data["_csrf"] = csrf
    response = client.request(rule.method, _url(rule), data=data or None, follow_redirects=False)
    assert response.status_code == getattr(rule, who), response.text


def test_the_table_names_every_page_and_action(app: Litestar) -> None:
    registered = {
        (method, path) for method, path in registered_routes(app, "/admin") if path not in OPEN
    }
    assert {(rule.method, rule.route) for rule in RULES} == registered
